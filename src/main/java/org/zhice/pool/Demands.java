package org.zhice.pool;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.zhice.audit.AuditLog;
import org.zhice.registry.Organisation;
import org.zhice.registry.OrganisationKind;
import org.zhice.registry.Registry;

/**
 * Enterprises' demands and the offers that fit them: offerings of the resource asked for, in
 * force today and listed through the end of the window, with the GPUs still free over the
 * window (capacity minus the peak, over its days, of the reservations of that SKU), priced net
 * of the voucher this enterprise would get and ranked by {@link Matcher#rank}.
 */
@Service
class Demands {

    static final int MAX_WINDOW_DAYS = 366;
    static final long MAX_BUDGET_FEN = Matcher.MAX_BUDGET_FEN;
    static final BigDecimal MAX_MILLION_TOKENS = BigDecimal.valueOf(1_000_000_000L);

    private static final String COLUMNS = """
            d.id, d.enterprise_uscc, d.unit, d.resource_name, d.gpus, d.hours, d.million_tokens, d.start_on, d.end_on,
            d.region_code, d.local_only, d.budget_fen, d.status, d.created_by, d.created_at, c.contract_id
            """;

    private final JdbcClient jdbc;
    private final Registry registry;
    private final Offerings offerings;
    private final VoucherRatios ratios;
    private final AuditLog audit;
    private final Clock clock;

    Demands(JdbcClient jdbc, Registry registry, Offerings offerings, VoucherRatios ratios, AuditLog audit,
            Clock clock) {
        this.jdbc = jdbc;
        this.registry = registry;
        this.offerings = offerings;
        this.ratios = ratios;
        this.audit = audit;
        this.clock = clock;
    }

    /** What an enterprise fills in; {@code gpus} and {@code hours} for GPUs, {@code millionTokens} for tokens. */
    record Form(String unit, String resourceName, Integer gpus, Integer hours, BigDecimal millionTokens,
                LocalDate startOn, LocalDate endOn, String regionCode, boolean localOnly, Long budgetFen) {
    }

    @Transactional
    PoolDemand post(String enterpriseUscc, Form form, String actor) {
        List<PoolException.Problem> problems = check(enterpriseUscc, form, Offerings.today(clock));
        if (!problems.isEmpty()) {
            throw new PoolException(problems);
        }
        return insert(enterpriseUscc, form, actor);
    }

    /** Inserts without the checks that depend on today, for the demo. */
    @Transactional
    PoolDemand insert(String enterpriseUscc, Form form, String actor) {
        boolean gpu = Offering.GPU_HOUR.equals(form.unit());
        long id = jdbc.sql("""
                insert into pool_demand (enterprise_uscc, unit, resource_name, gpus, hours, million_tokens, start_on,
                    end_on, region_code, local_only, budget_fen, status, created_by, created_at)
                values (:e, :unit, :resource, :gpus, :hours, :tokens, :start, :end, :region, :local, :budget, 'open',
                    :by, :at)
                returning id
                """)
                .param("e", enterpriseUscc).param("unit", form.unit()).param("resource", form.resourceName().strip())
                .param("gpus", gpu ? form.gpus() : null).param("hours", gpu ? form.hours() : null)
                .param("tokens", gpu ? null : form.millionTokens())
                .param("start", form.startOn()).param("end", form.endOn()).param("region", form.regionCode())
                .param("local", form.localOnly()).param("budget", form.budgetFen())
                .param("by", actor).param("at", OffsetDateTime.now(clock))
                .query(Long.class).single();
        audit.recordAs(actor, "pool.demand.post", "pool_demand", Long.toString(id),
                enterpriseUscc + " " + form.resourceName() + " " + (gpu ? form.gpus() + " GPUs × " + form.hours() + " h"
                        : form.millionTokens() + " M tokens") + " " + form.startOn() + ".." + form.endOn()
                        + " budget " + form.budgetFen() + " fen");
        return find(id).orElseThrow();
    }

    List<PoolException.Problem> check(String enterpriseUscc, Form f, LocalDate today) {
        List<PoolException.Problem> problems = new ArrayList<>();
        Optional<Organisation> enterprise = registry.organisation(enterpriseUscc);
        if (enterprise.isEmpty() || enterprise.get().kind() != OrganisationKind.ENTERPRISE) {
            problems.add(new PoolException.Problem(null, "pool.demand.notEnterprise", enterpriseUscc));
        }
        if (f.unit() == null || !Offering.UNITS.contains(f.unit())) {
            problems.add(new PoolException.Problem("unit", "pool.offering.unit"));
        }
        if (f.resourceName() == null || f.resourceName().isBlank() || f.resourceName().strip().length() > 100) {
            problems.add(new PoolException.Problem("resourceName", "pool.demand.resourceName"));
        }
        boolean windowOk = f.startOn() != null && f.endOn() != null;
        if (f.startOn() == null) {
            problems.add(new PoolException.Problem("startOn", "pool.offering.date"));
        } else if (f.startOn().isBefore(today)) {
            problems.add(new PoolException.Problem("startOn", "pool.demand.startPast", today));
            windowOk = false;
        }
        if (f.endOn() == null) {
            problems.add(new PoolException.Problem("endOn", "pool.offering.date"));
        } else if (f.startOn() != null && f.endOn().isBefore(f.startOn())) {
            problems.add(new PoolException.Problem("endOn", "pool.offering.toBeforeFrom"));
            windowOk = false;
        } else if (f.startOn() != null && ChronoUnit.DAYS.between(f.startOn(), f.endOn()) + 1 > MAX_WINDOW_DAYS) {
            problems.add(new PoolException.Problem("endOn", "pool.demand.windowTooLong", MAX_WINDOW_DAYS));
            windowOk = false;
        }
        if (Offering.GPU_HOUR.equals(f.unit())) {
            if (f.gpus() == null || f.gpus() < 1 || f.gpus() > 10_000) {
                problems.add(new PoolException.Problem("gpus", "pool.demand.gpus", 10_000));
            }
            long maxHours = windowOk ? (ChronoUnit.DAYS.between(f.startOn(), f.endOn()) + 1) * 24 : 8_784;
            if (f.hours() == null || f.hours() < 1 || f.hours() > maxHours) {
                problems.add(new PoolException.Problem("hours", "pool.demand.hours", maxHours));
            }
        } else if (Offering.MILLION_TOKENS.equals(f.unit())) {
            BigDecimal t = f.millionTokens();
            if (t == null || t.signum() <= 0 || t.compareTo(MAX_MILLION_TOKENS) > 0
                    || t.stripTrailingZeros().scale() > 6) {
                problems.add(new PoolException.Problem("millionTokens", "pool.demand.tokens"));
            }
        }
        if (f.regionCode() == null || registry.region(f.regionCode()).isEmpty()) {
            problems.add(new PoolException.Problem("regionCode", "pool.offering.region",
                    f.regionCode() == null ? "" : f.regionCode()));
        }
        if (f.budgetFen() == null || f.budgetFen() < 1 || f.budgetFen() > MAX_BUDGET_FEN) {
            problems.add(new PoolException.Problem("budgetYuan", "pool.demand.budget"));
        }
        return problems;
    }

    Optional<PoolDemand> find(long id) {
        return jdbc.sql("select " + COLUMNS + """
                 from pool_demand d left join pool_contract c on c.demand_id = d.id where d.id = :id
                """)
                .param("id", id).query(Demands::row).optional();
    }

    Optional<PoolDemand> lock(long id) {
        return jdbc.sql("select " + COLUMNS + """
                 from pool_demand d left join pool_contract c on c.demand_id = d.id where d.id = :id for update of d
                """)
                .param("id", id).query(Demands::row).optional();
    }

    /** An enterprise's demands, newest first, at most {@code limit}. */
    List<PoolDemand> of(String enterpriseUscc, int limit) {
        return jdbc.sql("select " + COLUMNS + """
                 from pool_demand d left join pool_contract c on c.demand_id = d.id
                where d.enterprise_uscc = :e order by d.id desc limit :limit
                """)
                .param("e", enterpriseUscc).param("limit", limit).query(Demands::row).list();
    }

    /** Open demands, oldest first, at most {@code limit}. */
    List<PoolDemand> open(int limit) {
        return jdbc.sql("select " + COLUMNS + """
                 from pool_demand d left join pool_contract c on c.demand_id = d.id
                where d.status = 'open' order by d.id limit :limit
                """)
                .param("limit", limit).query(Demands::row).list();
    }

    /** The offers that fit the demand today, best first, with counts of those left out. */
    Matcher.Ranking offers(PoolDemand demand) {
        LocalDate today = Offerings.today(clock);
        List<Offering> candidates = offerings.inForce(demand.unit(), demand.resourceName(), today, demand.endOn());
        Map<Long, Integer> peaks = peakReserved(candidates, demand.startOn(), demand.endOn());
        List<Matcher.Offer> offers = candidates.stream()
                .map(o -> forMatcher(o, peaks.getOrDefault(o.id(), 0)))
                .toList();
        return Matcher.rank(demand.forMatcher(ratios.of(demand.enterpriseUscc(), today)), offers);
    }

    static Matcher.Offer forMatcher(Offering o, int peakReserved) {
        int free = o.capacity() == null ? Matcher.UNLIMITED : Math.max(0, o.capacity() - peakReserved);
        return new Matcher.Offer(o.id(), o.providerUscc(), o.sku(), o.category(), o.resourceName(), o.unit(),
                o.regionCode(), o.referencePriceFen(), free);
    }

    /**
     * Per offering (by id), the most GPUs its SKU has reserved on any one day of [from, to];
     * offerings without reservations in the window are left out.
     */
    Map<Long, Integer> peakReserved(Collection<Offering> rows, LocalDate from, LocalDate to) {
        Map<Long, Integer> peaks = new HashMap<>();
        List<Offering> gpuRows = rows.stream().filter(Offering::gpu).toList();
        if (gpuRows.isEmpty()) {
            return peaks;
        }
        Map<String, Integer> bySku = new HashMap<>();
        jdbc.sql("""
                select provider_uscc, sku, max(load) from (
                    select r.provider_uscc, r.sku, day, sum(r.gpus) as load
                    from pool_reservation r
                    cross join lateral generate_series(greatest(r.start_on, :from), least(r.end_on, :to),
                                                       interval '1 day') as day
                    where r.provider_uscc = any(:providers) and r.sku = any(:skus)
                      and r.start_on <= :to and r.end_on >= :from
                    group by r.provider_uscc, r.sku, day) daily
                group by provider_uscc, sku
                """)
                .param("from", from).param("to", to)
                .param("providers", gpuRows.stream().map(Offering::providerUscc).distinct().toArray(String[]::new))
                .param("skus", gpuRows.stream().map(Offering::sku).distinct().toArray(String[]::new))
                .query(rs -> {
                    bySku.put(rs.getString(1) + '\u0000' + rs.getString(2), rs.getInt(3));
                });
        for (Offering o : gpuRows) {
            Integer peak = bySku.get(o.providerUscc() + '\u0000' + o.sku());
            if (peak != null) {
                peaks.put(o.id(), peak);
            }
        }
        return peaks;
    }

    static PoolDemand row(ResultSet rs, int n) throws SQLException {
        int gpus = rs.getInt("gpus");
        Integer g = rs.wasNull() ? null : gpus;
        int hours = rs.getInt("hours");
        Integer h = rs.wasNull() ? null : hours;
        return new PoolDemand(rs.getLong("id"), rs.getString("enterprise_uscc"), rs.getString("unit"),
                rs.getString("resource_name"), g, h, rs.getBigDecimal("million_tokens"),
                rs.getObject("start_on", LocalDate.class), rs.getObject("end_on", LocalDate.class),
                rs.getString("region_code"), rs.getBoolean("local_only"), rs.getLong("budget_fen"),
                rs.getString("status"), rs.getString("created_by"),
                Offerings.shanghai(rs.getObject("created_at", OffsetDateTime.class)),
                rs.getString("contract_id"));
    }
}

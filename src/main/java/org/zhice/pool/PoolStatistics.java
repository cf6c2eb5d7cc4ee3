package org.zhice.pool;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Open figures of the pool for the public page: GPUs listed and reserved per day over a window
 * around today, and per resource today. Utilisation is reserved / listed, a share, not money.
 */
@Service
class PoolStatistics {

    static final int DAYS_BACK = 60;
    static final int DAYS_AHEAD = 60;

    private final JdbcClient jdbc;
    private final Clock clock;

    PoolStatistics(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** The JSON of {@code /public/pool/data}: parallel arrays by day, then one entry per resource. */
    record Figures(String today, List<String> days, List<Long> capacityGpus, List<Long> reservedGpus,
                   List<BigDecimal> utilisationPercent, List<Resource> resources, long contracts,
                   long openDemands) {
    }

    record Resource(String resource, String category, long capacityGpus, long reservedGpus,
                    BigDecimal utilisationPercent) {
    }

    Figures figures() {
        LocalDate today = Offerings.today(clock);
        LocalDate from = today.minusDays(DAYS_BACK);
        LocalDate to = today.plusDays(DAYS_AHEAD);
        List<String> days = new ArrayList<>();
        List<Long> capacity = new ArrayList<>();
        List<Long> reserved = new ArrayList<>();
        List<BigDecimal> utilisation = new ArrayList<>();
        jdbc.sql("""
                select day::date,
                       (select coalesce(sum(o.capacity), 0) from pool_offering o
                         where o.status = 'approved' and o.unit = 'gpu_hour'
                           and o.listed_from <= day::date and o.listed_to >= day::date),
                       (select coalesce(sum(r.gpus), 0) from pool_reservation r
                         where r.start_on <= day::date and r.end_on >= day::date)
                from generate_series(:from, :to, interval '1 day') as day
                order by day
                """)
                .param("from", from).param("to", to)
                .query(rs -> {
                    days.add(rs.getObject(1, LocalDate.class).toString());
                    long c = rs.getLong(2);
                    long r = rs.getLong(3);
                    capacity.add(c);
                    reserved.add(r);
                    utilisation.add(percent(r, c));
                });
        List<Resource> resources = jdbc.sql("""
                select o.resource_name, min(o.category), sum(o.capacity),
                       coalesce((select sum(r.gpus) from pool_reservation r join pool_offering ro on ro.id = r.offering_id
                                  where ro.resource_name = o.resource_name
                                    and r.start_on <= :today and r.end_on >= :today), 0)
                from pool_offering o
                where o.status = 'approved' and o.unit = 'gpu_hour' and o.listed_from <= :today and o.listed_to >= :today
                group by o.resource_name
                order by sum(o.capacity) desc, o.resource_name
                """)
                .param("today", today)
                .query((rs, n) -> new Resource(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4),
                        percent(rs.getLong(4), rs.getLong(3))))
                .list();
        long contracts = jdbc.sql("select count(*) from pool_contract").query(Long.class).single();
        long open = jdbc.sql("select count(*) from pool_demand where status = 'open'").query(Long.class).single();
        return new Figures(today.toString(), days, capacity, reserved, utilisation, resources, contracts, open);
    }

    static BigDecimal percent(long part, long whole) {
        if (whole == 0) {
            return BigDecimal.ZERO;
        }
        return BigDecimal.valueOf(part).multiply(BigDecimal.valueOf(100))
                .divide(BigDecimal.valueOf(whole), 1, RoundingMode.HALF_UP);
    }
}

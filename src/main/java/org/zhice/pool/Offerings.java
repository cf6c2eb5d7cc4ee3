package org.zhice.pool;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.springframework.context.support.DefaultMessageSourceResolvable;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.zhice.audit.AuditLog;
import org.zhice.registry.Organisation;
import org.zhice.registry.OrganisationKind;
import org.zhice.registry.Registry;

/**
 * The catalog: providers submit offerings and new versions of them, the program office approves
 * or rejects them. Rows are never deleted and their terms never change (the table's trigger
 * refuses it); a change is a new version, which on approval ends the listing of the version it
 * supersedes the day before it starts. A new version starts tomorrow at the earliest, so that
 * the row in force on a day already past never changes.
 */
@Service
class Offerings {

    static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    static final int MAX_LISTING_DAYS = 3_660;

    static final String COLUMNS = """
            id, provider_uscc, sku, version, category, resource_name, domestic, unit, capacity, region_code,
            reference_price_fen, listed_from, listed_to, status, supersedes_id, submitted_by, submitted_at,
            reviewed_by, reviewed_at, reject_reason
            """;

    private final JdbcClient jdbc;
    private final Registry registry;
    private final AuditLog audit;
    private final Clock clock;

    Offerings(JdbcClient jdbc, Registry registry, AuditLog audit, Clock clock) {
        this.jdbc = jdbc;
        this.registry = registry;
        this.audit = audit;
        this.clock = clock;
    }

    /** What a provider fills in; the form's fields have these names. */
    record Draft(String sku, String category, String resourceName, boolean domestic, String unit, Integer capacity,
                 String regionCode, Long referencePriceFen, LocalDate listedFrom, LocalDate listedTo) {
    }

    static LocalDate today(Clock clock) {
        return LocalDate.ofInstant(clock.instant(), SHANGHAI);
    }

    LocalDate today() {
        return today(clock);
    }

    // ------------------------------------------------------------------ writing

    /** A new offering (version 1 of a SKU the provider has not listed before), pending review. */
    @Transactional
    Offering submit(String providerUscc, Draft draft, String actor) {
        List<PoolException.Problem> problems = check(providerUscc, draft);
        if (draft.listedFrom() != null && draft.listedFrom().isBefore(today())) {
            problems.add(new PoolException.Problem("listedFrom", "pool.offering.fromPast", today()));
        }
        if (problems.isEmpty() && versions(providerUscc, draft.sku()) > 0) {
            problems.add(new PoolException.Problem("sku", "pool.offering.skuExists", draft.sku()));
        }
        if (!problems.isEmpty()) {
            throw new PoolException(problems);
        }
        return insert(providerUscc, draft, 1, null, Offering.PENDING, actor);
    }

    /** A new version of an approved offering of this provider, pending review. */
    @Transactional
    Offering submitVersion(String providerUscc, long previousId, Draft draft, String actor) {
        Offering previous = lock(previousId)
                .filter(o -> o.providerUscc().equals(providerUscc))
                .orElseThrow(() -> new PoolException(null, "pool.offering.notFound", previousId));
        if (!previous.approved()) {
            throw new PoolException(null, "pool.offering.versionOfUnapproved", previous.sku(), previous.version());
        }
        Draft same = new Draft(previous.sku(), draft.category(), draft.resourceName(), draft.domestic(), draft.unit(),
                draft.capacity(), draft.regionCode(), draft.referencePriceFen(), draft.listedFrom(), draft.listedTo());
        List<PoolException.Problem> problems = check(providerUscc, same);
        LocalDate from = same.listedFrom();
        if (from != null && !from.isAfter(today())) {
            problems.add(new PoolException.Problem("listedFrom", "pool.offering.versionFromTomorrow", today().plusDays(1)));
        } else if (from != null && !from.isAfter(previous.listedFrom())) {
            problems.add(new PoolException.Problem("listedFrom", "pool.offering.versionAfterPrevious",
                    previous.listedFrom()));
        }
        problems.addAll(changedTerms(previous, same));
        if (problems.isEmpty() && same.capacity() != null && Offering.GPU_HOUR.equals(same.unit())) {
            // the provider learns at once; approve checks again under the lock accepts take
            peakReservation(providerUscc, previous.sku(), from, same.listedTo())
                    .filter(peak -> peak.gpus() > same.capacity())
                    .ifPresent(peak -> problems.add(new PoolException.Problem("capacity",
                            "pool.offering.capacityBelowReserved", previous.sku(), same.capacity(), peak.gpus(),
                            peak.day(), peak.contractList())));
        }
        if (!problems.isEmpty()) {
            throw new PoolException(problems);
        }
        int version = jdbc.sql("select max(version) from pool_offering where provider_uscc = :p and sku = :sku")
                .param("p", providerUscc).param("sku", previous.sku())
                .query(Integer.class).single() + 1;
        return insert(providerUscc, same, version, previous.id(), Offering.PENDING, actor);
    }

    /**
     * Approves a pending offering. Its listing starts no earlier than today (tomorrow for a new
     * version); the version it supersedes stops being listed the day before. Refused, changing
     * nothing, when its listing would overlap another approved row of the SKU or has passed, when
     * it changes the unit, category or resource of the version it supersedes, or when its capacity
     * is below the GPUs that reservations of the SKU hold on some day of its listing.
     */
    @Transactional
    Offering approve(long id, String actor) {
        Offering offering = lock(id).orElseThrow(() -> new PoolException(null, "pool.offering.notFound", id));
        if (!offering.pending()) {
            throw new PoolException(null, "pool.review.notPending", offering.sku(), offering.version());
        }
        LocalDate from = listedFromOnApproval(offering);
        if (from.isAfter(offering.listedTo())) {
            throw new PoolException(null, "pool.review.listingPassed", offering.sku(), offering.version(),
                    offering.listedTo());
        }
        // The approved rows of the SKU listed on a day from `from` on are the only rows an accept can
        // reserve GPUs of [from, listedTo] against (an accept's window ends within its row's listing):
        // locked here, as an accept locks its row, before the reservations are counted, an accept
        // either committed its reservation before (counted below) or waits and then finds its row's
        // listing ended the day before this version starts. One statement in id order, so that two
        // approvals of one SKU cannot deadlock.
        Long previousId = offering.supersedesId();
        Offering previous = lockApprovedFrom(offering.providerUscc(), offering.sku(), from, previousId).stream()
                .filter(o -> previousId != null && o.id() == previousId)
                .findFirst().orElse(null);
        if (previous != null) {
            List<PoolException.Problem> changed = changedTerms(previous, draftOf(offering));
            if (!changed.isEmpty()) {
                PoolException.Problem p = changed.get(0);
                throw new PoolException(null, "pool.review.versionChanged", offering.sku(), offering.version(),
                        new DefaultMessageSourceResolvable("pool.field." + p.field()), previous.version());
            }
        }
        if (offering.gpu()) {
            Optional<Peak> peak = peakReservation(offering.providerUscc(), offering.sku(), from, offering.listedTo())
                    .filter(p -> p.gpus() > offering.capacity());
            if (peak.isPresent()) {
                throw new PoolException(null, "pool.review.capacityBelowReserved", offering.sku(), offering.version(),
                        offering.capacity(), peak.get().gpus(), peak.get().day(), peak.get().contractList());
            }
        }
        if (previous != null) {
            if (previous.approved() && !previous.listedTo().isBefore(from)) {
                if (!previous.listedFrom().isBefore(from)) {
                    throw new PoolException(null, "pool.review.overlap", offering.sku(), previous.version(),
                            previous.listedFrom(), previous.listedTo());
                }
                jdbc.sql("update pool_offering set listed_to = :to where id = :id")
                        .param("to", from.minusDays(1)).param("id", previous.id())
                        .update();
                audit.recordAs(actor, "pool.offering.end", "pool_offering", Long.toString(previous.id()),
                        previous.sku() + " v" + previous.version() + " listed to " + from.minusDays(1)
                                + " (superseded by v" + offering.version() + ")");
            }
        }
        List<Offering> overlaps = overlapping(offering.providerUscc(), offering.sku(), from, offering.listedTo(), id);
        if (!overlaps.isEmpty()) {
            Offering other = overlaps.get(0);
            throw new PoolException(null, "pool.review.overlap", offering.sku(), other.version(),
                    other.listedFrom(), other.listedTo());
        }
        try {
            jdbc.sql("""
                    update pool_offering set status = 'approved', listed_from = :from, reviewed_by = :by, reviewed_at = :at
                    where id = :id
                    """)
                    .param("from", from).param("by", actor).param("at", OffsetDateTime.now(clock)).param("id", id)
                    .update();
        } catch (DataIntegrityViolationException e) {
            // an overlapping version approved concurrently: the exclusion constraint refuses it
            throw new PoolException(null, "pool.review.overlapConcurrent", offering.sku());
        }
        audit.recordAs(actor, "pool.offering.approve", "pool_offering", Long.toString(id),
                offering.providerUscc() + " " + offering.sku() + " v" + offering.version() + " listed "
                        + from + ".." + offering.listedTo());
        return find(id).orElseThrow();
    }

    @Transactional
    Offering reject(long id, String reason, String actor) {
        String why = reason == null ? "" : reason.strip();
        if (why.isEmpty() || why.length() > 500) {
            throw new PoolException("reason", "pool.review.reasonRequired", 500);
        }
        Offering offering = lock(id).orElseThrow(() -> new PoolException(null, "pool.offering.notFound", id));
        if (!offering.pending()) {
            throw new PoolException(null, "pool.review.notPending", offering.sku(), offering.version());
        }
        jdbc.sql("""
                update pool_offering set status = 'rejected', reject_reason = :why, reviewed_by = :by, reviewed_at = :at
                where id = :id
                """)
                .param("why", why).param("by", actor).param("at", OffsetDateTime.now(clock)).param("id", id)
                .update();
        audit.recordAs(actor, "pool.offering.reject", "pool_offering", Long.toString(id),
                offering.sku() + " v" + offering.version() + ": " + why);
        return find(id).orElseThrow();
    }

    /** Inserts a row as given, for the demo: approved rows with listing dates in the past. */
    @Transactional
    Offering insertApproved(String providerUscc, Draft draft, int version, Long supersedesId, String actor) {
        return insert(providerUscc, draft, version, supersedesId, Offering.APPROVED, actor);
    }

    /** Inserts a row as given, without the checks that depend on today. */
    Offering insert(String providerUscc, Draft d, int version, Long supersedesId, String status, String actor) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        boolean approved = Offering.APPROVED.equals(status);
        long id;
        try {
            id = jdbc.sql("""
                    insert into pool_offering (provider_uscc, sku, version, category, resource_name, domestic, unit,
                        capacity, region_code, reference_price_fen, listed_from, listed_to, status, supersedes_id,
                        submitted_by, submitted_at, reviewed_by, reviewed_at)
                    values (:provider, :sku, :version, :category, :resource, :domestic, :unit, :capacity, :region,
                        :price, :from, :to, :status, :supersedes, :by, :at, :reviewedBy, :reviewedAt)
                    returning id
                    """)
                    .param("provider", providerUscc).param("sku", d.sku()).param("version", version)
                    .param("category", d.category()).param("resource", d.resourceName().strip())
                    .param("domestic", d.domestic()).param("unit", d.unit())
                    .param("capacity", Offering.GPU_HOUR.equals(d.unit()) ? d.capacity() : null)
                    .param("region", d.regionCode()).param("price", d.referencePriceFen())
                    .param("from", d.listedFrom()).param("to", d.listedTo()).param("status", status)
                    .param("supersedes", supersedesId).param("by", actor).param("at", now)
                    .param("reviewedBy", approved ? actor : null).param("reviewedAt", approved ? now : null)
                    .query(Long.class).single();
        } catch (DataIntegrityViolationException e) {
            // the same version submitted twice at once (unique key), or an approved overlap
            throw new PoolException("sku", "pool.offering.conflict", d.sku());
        }
        audit.recordAs(actor, "pool.offering.submit", "pool_offering", Long.toString(id),
                providerUscc + " " + d.sku() + " v" + version + " " + d.unit() + " " + d.referencePriceFen()
                        + " fen " + d.listedFrom() + ".." + d.listedTo() + " " + status);
        return find(id).orElseThrow();
    }

    /** Every problem of a draft, by field; empty when it is fine. */
    List<PoolException.Problem> check(String providerUscc, Draft d) {
        List<PoolException.Problem> problems = new ArrayList<>();
        Optional<Organisation> provider = registry.organisation(providerUscc);
        if (provider.isEmpty() || provider.get().kind() != OrganisationKind.PROVIDER) {
            problems.add(new PoolException.Problem(null, "pool.offering.notProvider", providerUscc));
        }
        if (d.sku() == null || !d.sku().matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            problems.add(new PoolException.Problem("sku", "pool.offering.sku"));
        }
        if (d.unit() == null || !Offering.UNITS.contains(d.unit())) {
            problems.add(new PoolException.Problem("unit", "pool.offering.unit"));
        }
        if (d.category() == null || !Offering.CATEGORIES.contains(d.category())) {
            problems.add(new PoolException.Problem("category", "pool.offering.category"));
        } else if (d.unit() != null && !categoryFits(d.category(), d.unit(), d.domestic())) {
            problems.add(new PoolException.Problem("category", "pool.offering.categoryMismatch"));
        }
        if (d.resourceName() == null || d.resourceName().isBlank() || d.resourceName().strip().length() > 100) {
            problems.add(new PoolException.Problem("resourceName", "pool.offering.resourceName", 100));
        }
        if (Offering.GPU_HOUR.equals(d.unit())) {
            if (d.capacity() == null || d.capacity() < 1 || d.capacity() > 1_000_000) {
                problems.add(new PoolException.Problem("capacity", "pool.offering.capacity", 1_000_000));
            }
        } else if (d.capacity() != null) {
            problems.add(new PoolException.Problem("capacity", "pool.offering.capacityForTokens"));
        }
        if (d.regionCode() == null || registry.region(d.regionCode()).isEmpty()) {
            problems.add(new PoolException.Problem("regionCode", "pool.offering.region",
                    d.regionCode() == null ? "" : d.regionCode()));
        }
        if (d.referencePriceFen() == null || d.referencePriceFen() < 1 || d.referencePriceFen() > 100_000_000L) {
            problems.add(new PoolException.Problem("referencePriceYuan", "pool.offering.price")); // the form's field
        }
        if (d.listedFrom() == null) {
            problems.add(new PoolException.Problem("listedFrom", "pool.offering.date"));
        }
        if (d.listedTo() == null) {
            problems.add(new PoolException.Problem("listedTo", "pool.offering.date"));
        }
        if (d.listedFrom() != null && d.listedTo() != null) {
            if (d.listedTo().isBefore(d.listedFrom())) {
                problems.add(new PoolException.Problem("listedTo", "pool.offering.toBeforeFrom"));
            } else if (d.listedTo().isAfter(d.listedFrom().plusDays(MAX_LISTING_DAYS))) {
                problems.add(new PoolException.Problem("listedTo", "pool.offering.tooLong", MAX_LISTING_DAYS));
            }
        }
        return problems;
    }

    /** Domestic GPUs are compute.domestic, other GPUs compute.other, token services model.filed. */
    static boolean categoryFits(String category, String unit, boolean domestic) {
        return switch (category) {
            case "compute.domestic" -> Offering.GPU_HOUR.equals(unit) && domestic;
            case "compute.other" -> Offering.GPU_HOUR.equals(unit) && !domestic;
            case "model.filed" -> Offering.MILLION_TOKENS.equals(unit);
            default -> false;
        };
    }

    /** The day a pending row is listed from if approved today: its start, but no earlier than today (tomorrow for a new version). */
    LocalDate listedFromOnApproval(Offering offering) {
        LocalDate earliest = offering.supersedesId() == null ? today() : today().plusDays(1);
        return offering.listedFrom().isBefore(earliest) ? earliest : offering.listedFrom();
    }

    /**
     * A new version keeps what the SKU is: its unit, category and resource (GPU model or model
     * name); a different one is a new SKU. One problem per changed field, naming the old value.
     */
    static List<PoolException.Problem> changedTerms(Offering previous, Draft d) {
        List<PoolException.Problem> problems = new ArrayList<>();
        if (d.unit() != null && !d.unit().equals(previous.unit())) {
            problems.add(new PoolException.Problem("unit", "pool.offering.versionKeeps",
                    new DefaultMessageSourceResolvable("pool.unit." + previous.unit())));
        }
        if (d.category() != null && !d.category().equals(previous.category())) {
            problems.add(new PoolException.Problem("category", "pool.offering.versionKeeps",
                    new DefaultMessageSourceResolvable("category." + previous.category())));
        }
        if (d.resourceName() != null && !d.resourceName().isBlank()
                && !d.resourceName().strip().equals(previous.resourceName())) {
            problems.add(new PoolException.Problem("resourceName", "pool.offering.versionKeeps",
                    previous.resourceName()));
        }
        return problems;
    }

    private static Draft draftOf(Offering o) {
        return new Draft(o.sku(), o.category(), o.resourceName(), o.domestic(), o.unit(), o.capacity(), o.regionCode(),
                o.referencePriceFen(), o.listedFrom(), o.listedTo());
    }

    /**
     * The most GPUs the reservations of a SKU hold at once on one day of a window, the first day
     * they do and the contracts holding GPUs that day.
     */
    public record Peak(int gpus, LocalDate day, List<String> contracts) {
        public String contractList() {
            return String.join(", ", contracts);
        }
    }

    /** The peak of the reservations of {@code (provider, sku)} over [from, to]; empty when none falls in it. */
    Optional<Peak> peakReservation(String providerUscc, String sku, LocalDate from, LocalDate to) {
        if (from == null || to == null || to.isBefore(from)) {
            return Optional.empty();
        }
        return jdbc.sql("""
                select day::date, sum(r.gpus), array_agg(distinct r.contract_id order by r.contract_id)
                from pool_reservation r
                cross join lateral generate_series(greatest(r.start_on, :from), least(r.end_on, :to),
                                                   interval '1 day') as day
                where r.provider_uscc = :p and r.sku = :sku and r.start_on <= :to and r.end_on >= :from
                group by day
                order by 2 desc, 1
                limit 1
                """)
                .param("p", providerUscc).param("sku", sku).param("from", from).param("to", to)
                .query((rs, n) -> new Peak(rs.getInt(2), rs.getObject(1, LocalDate.class),
                        List.of((String[]) rs.getArray(3).getArray())))
                .optional();
    }

    /**
     * For a pending row of the review queue: the peak of the reservations of its SKU over the
     * listing it would get if approved today (empty for token services and without reservations).
     */
    Optional<Peak> peakDuringListing(Offering pending) {
        if (!pending.gpu()) {
            return Optional.empty();
        }
        return peakReservation(pending.providerUscc(), pending.sku(), listedFromOnApproval(pending),
                pending.listedTo());
    }

    // ------------------------------------------------------------------ reading

    Optional<Offering> find(long id) {
        return jdbc.sql("select " + COLUMNS + " from pool_offering where id = :id")
                .param("id", id).query(Offerings::row).optional();
    }

    /** Locks the row until the end of the transaction (accepts and reviews of it wait). */
    Optional<Offering> lock(long id) {
        return jdbc.sql("select " + COLUMNS + " from pool_offering where id = :id for update")
                .param("id", id).query(Offerings::row).optional();
    }

    /**
     * Locks, in id order, the approved rows of {@code (provider, sku)} listed on some day from
     * {@code from} on, and the row {@code alsoId} (when not null).
     */
    private List<Offering> lockApprovedFrom(String providerUscc, String sku, LocalDate from, Long alsoId) {
        return jdbc.sql("select " + COLUMNS + """
                 from pool_offering
                where provider_uscc = :p and sku = :sku
                  and ((status = 'approved' and listed_to >= :from) or id = :also)
                order by id
                for update
                """)
                .param("p", providerUscc).param("sku", sku).param("from", from)
                .param("also", alsoId == null ? -1L : alsoId)
                .query(Offerings::row).list();
    }

    /** The approved row of {@code (provider, sku)} listed on {@code date} (spec §3). */
    Optional<Offering> inForce(String providerUscc, String sku, LocalDate date) {
        return jdbc.sql("select " + COLUMNS + """
                 from pool_offering
                where provider_uscc = :p and sku = :sku and status = 'approved'
                  and listed_from <= :d and listed_to >= :d
                """)
                .param("p", providerUscc).param("sku", sku).param("d", date)
                .query(Offerings::row).optional();
    }

    /** Every approved row, by provider, SKU and listing start. */
    List<Offering> approved() {
        return jdbc.sql("select " + COLUMNS + """
                 from pool_offering where status = 'approved' order by provider_uscc, sku, listed_from
                """)
                .query(Offerings::row).list();
    }

    /** Approved rows listed on {@code date}, with at least the given unit and resource when not null. */
    List<Offering> inForceOn(LocalDate date) {
        return jdbc.sql("select " + COLUMNS + """
                 from pool_offering
                where status = 'approved' and listed_from <= :d and listed_to >= :d
                order by category, resource_name, reference_price_fen, id
                """)
                .param("d", date).query(Offerings::row).list();
    }

    /** Approved rows of one resource listed on {@code date} and still listed on {@code until}. */
    List<Offering> inForce(String unit, String resourceName, LocalDate date, LocalDate until) {
        return jdbc.sql("select " + COLUMNS + """
                 from pool_offering
                where status = 'approved' and unit = :unit and resource_name = :resource
                  and listed_from <= :d and listed_to >= :until
                order by id
                """)
                .param("unit", unit).param("resource", resourceName).param("d", date).param("until", until)
                .query(Offerings::row).list();
    }

    /** Every version of every offering of a provider, by SKU and version. */
    List<Offering> ofProvider(String providerUscc) {
        return jdbc.sql("select " + COLUMNS + " from pool_offering where provider_uscc = :p order by sku, version")
                .param("p", providerUscc).query(Offerings::row).list();
    }

    List<Offering> pending() {
        return jdbc.sql("select " + COLUMNS + " from pool_offering where status = 'pending' order by submitted_at, id")
                .query(Offerings::row).list();
    }

    /** Approved rows of {@code (provider, sku)} whose listing shares a day with [from, to], other than {@code id}. */
    private List<Offering> overlapping(String providerUscc, String sku, LocalDate from, LocalDate to, long id) {
        return jdbc.sql("select " + COLUMNS + """
                 from pool_offering
                where provider_uscc = :p and sku = :sku and status = 'approved' and id <> :id
                  and listed_from <= :to and listed_to >= :from
                order by listed_from
                """)
                .param("p", providerUscc).param("sku", sku).param("id", id).param("from", from).param("to", to)
                .query(Offerings::row).list();
    }

    private int versions(String providerUscc, String sku) {
        return jdbc.sql("select count(*) from pool_offering where provider_uscc = :p and sku = :sku")
                .param("p", providerUscc).param("sku", sku).query(Integer.class).single();
    }

    static Offering row(ResultSet rs, int n) throws SQLException {
        int capacity = rs.getInt("capacity");
        Integer cap = rs.wasNull() ? null : capacity;
        long supersedes = rs.getLong("supersedes_id");
        Long sup = rs.wasNull() ? null : supersedes;
        return new Offering(rs.getLong("id"), rs.getString("provider_uscc"), rs.getString("sku"), rs.getInt("version"),
                rs.getString("category"), rs.getString("resource_name"), rs.getBoolean("domestic"),
                rs.getString("unit"), cap, rs.getString("region_code"), rs.getLong("reference_price_fen"),
                rs.getObject("listed_from", LocalDate.class), rs.getObject("listed_to", LocalDate.class),
                rs.getString("status"), sup, rs.getString("submitted_by"),
                shanghai(rs.getObject("submitted_at", OffsetDateTime.class)), rs.getString("reviewed_by"),
                shanghai(rs.getObject("reviewed_at", OffsetDateTime.class)), rs.getString("reject_reason"));
    }

    /** A moment as it reads in +08:00, the platform's time zone. */
    static OffsetDateTime shanghai(OffsetDateTime at) {
        return at == null ? null : at.atZoneSameInstant(SHANGHAI).toOffsetDateTime();
    }
}

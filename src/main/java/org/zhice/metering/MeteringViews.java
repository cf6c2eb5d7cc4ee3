package org.zhice.metering;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.zhice.rules.ShanghaiTime;

/** What metering's pages read: uploads, a contract's usage by day and event, disputes. Every list is bounded. */
@Service
class MeteringViews {

    static final int UPLOADS_SHOWN = 50;
    static final int LINES_PER_PAGE = 500;
    static final int EVENTS_PER_DAY_SHOWN = 1000;
    static final int DISPUTES_SHOWN = 200;
    static final int DAYS_SHOWN = 400;
    private static final long NANOS_PER_DAY = 86_400_000_000_000L;
    private static final long OFFSET_NANOS = 8 * 3_600_000_000_000L;

    private final JdbcClient jdbc;

    MeteringViews(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** An upload; its time as it reads in +08:00, the platform's time zone (the driver gives UTC). */
    record UploadRow(long id, OffsetDateTime receivedAt, String receivedBy, String channel, String format,
                     String fileName, int lines, int accepted, int rejected, int problems) {
        UploadRow {
            receivedAt = inShanghai(receivedAt);
        }

        /** The lines that carried an event or a problem: neither a CSV header nor blank lines. */
        public int reportedLines() {
            return accepted + rejected + problems;
        }
    }

    static OffsetDateTime inShanghai(OffsetDateTime at) {
        return at == null ? null : at.withOffsetSameInstant(ShanghaiTime.OFFSET);
    }

    List<UploadRow> uploads(String providerUscc) {
        return jdbc.sql("""
                select id, received_at, received_by, channel, format, file_name, lines, accepted, rejected, problems
                from metering_upload where provider_uscc = :p order by id desc limit :n
                """)
                .param("p", providerUscc).param("n", UPLOADS_SHOWN)
                .query(UploadRow.class).list();
    }

    Optional<UploadRow> upload(String providerUscc, long id) {
        return jdbc.sql("""
                select id, received_at, received_by, channel, format, file_name, lines, accepted, rejected, problems
                from metering_upload where provider_uscc = :p and id = :id
                """)
                .param("p", providerUscc).param("id", id)
                .query(UploadRow.class).optional();
    }

    IngestResult results(long uploadId, int fromLine) {
        return UploadResults.of(jdbc, uploadId, false, fromLine, fromLine + LINES_PER_PAGE);
    }

    /**
     * A contract line of an enterprise: what its provider's accepted events add up to, and how much
     * of that is under the enterprise's open disputes (it does not count until the office decides).
     */
    record LineRow(String contractId, String sku, String providerUscc, long acceptedMicros, long disputedMicros) {
        /** What counts now: accepted and not under dispute. */
        public String quantity() {
            return org.zhice.rules.Quantities.format(acceptedMicros - disputedMicros);
        }

        public String disputedQuantity() {
            return org.zhice.rules.Quantities.format(disputedMicros);
        }
    }

    /** The contract lines of an enterprise that metering has events for. */
    List<LineRow> lines(String enterpriseUscc) {
        return jdbc.sql("""
                select l.contract_id, l.sku, l.provider_uscc, l.accepted_micros, coalesce(d.micros, 0)
                from metering_line l
                left join (
                    select e.contract_id, e.sku, sum(e.quantity_micros) as micros
                    from usage_dispute x join usage_event e on e.usage_id = x.usage_id
                    where x.enterprise_uscc = :e and x.resolution is null and e.disputed
                    group by e.contract_id, e.sku) d on d.contract_id = l.contract_id and d.sku = l.sku
                where l.enterprise_uscc = :e order by l.contract_id, l.sku limit 1000
                """)
                .param("e", enterpriseUscc)
                .query((rs, n) -> new LineRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                        rs.getLong(5)))
                .list();
    }

    /**
     * One day of a contract's usage (dates in +08:00, by the event's start): what counts, what
     * is disputed, what was rejected or superseded.
     */
    record DayRow(LocalDate day, int events, int counting, long countingMicros, long countingFen, int disputed,
                  int rejected, int superseded) {
        public String quantity() {
            return org.zhice.rules.Quantities.format(countingMicros);
        }
    }

    List<DayRow> days(String enterpriseUscc, String contractId) {
        return jdbc.sql("""
                select d, count(*),
                       count(*) filter (where status = 'accepted' and not disputed),
                       coalesce(sum(quantity_micros) filter (where status = 'accepted' and not disputed), 0),
                       coalesce(sum(amount_fen) filter (where status = 'accepted' and not disputed), 0),
                       count(*) filter (where disputed),
                       count(*) filter (where status = 'rejected'),
                       count(*) filter (where status in ('superseded', 'withdrawal'))
                from (select e.*,
                             (start_ns + :offset - case when start_ns + :offset < 0 then :day - 1 else 0 end) / :day as d
                      from usage_range r
                      cross join lateral (
                          select * from usage_event
                          where usage_id between r.first_usage_id and r.last_usage_id and contract_id = :c
                          offset 0) e
                      join metering_line l
                          on l.contract_id = e.contract_id and l.sku = e.sku and l.provider_uscc = r.provider_uscc
                      where r.contract_id = :c and l.enterprise_uscc = :e) x
                group by d order by d desc limit :n
                """)
                .param("offset", OFFSET_NANOS).param("day", NANOS_PER_DAY).param("c", contractId)
                .param("e", enterpriseUscc).param("n", DAYS_SHOWN)
                .query((rs, n) -> new DayRow(LocalDate.ofEpochDay(rs.getLong(1)), rs.getInt(2), rs.getInt(3),
                        rs.getLong(4), rs.getLong(5), rs.getInt(6), rs.getInt(7), rs.getInt(8)))
                .list();
    }

    record EventRow(long usageId, String eventId, String sku, Integer units, long quantityMicros, Instant start,
                    Instant end, String status, String reason, Long amountFen, boolean disputed, String countedBy,
                    String adjustsEventId, String disputeResolution) {
        public String quantity() {
            return org.zhice.rules.Quantities.format(quantityMicros);
        }

        public String startText() {
            return start.atOffset(ShanghaiTime.OFFSET).toLocalDateTime().toString().replace('T', ' ');
        }

        public String endText() {
            return end.atOffset(ShanghaiTime.OFFSET).toLocalDateTime().toString().replace('T', ' ');
        }

        public boolean disputable() {
            return "accepted".equals(status) && !disputed && countedBy == null && disputeResolution == null;
        }
    }

    List<EventRow> events(String enterpriseUscc, String contractId, LocalDate day) {
        long from = ShanghaiTime.startOfDayNanos(day);
        long to = ShanghaiTime.startOfDayNanos(day.plusDays(1));
        return jdbc.sql("""
                select e.usage_id, e.event_id, e.sku, e.units, e.quantity_micros, e.start_ns, e.end_ns, e.status,
                       e.reason, e.amount_fen, e.disputed, e.counted_by, e.adjusts_event_id, d.resolution
                from usage_range r
                cross join lateral (
                    select * from usage_event
                    where usage_id between r.first_usage_id and r.last_usage_id and contract_id = :c
                      and start_ns >= :from and start_ns < :to
                    offset 0) e
                join metering_line l on l.contract_id = e.contract_id and l.sku = e.sku and l.provider_uscc = r.provider_uscc
                left join usage_dispute d on d.usage_id = e.usage_id
                where r.contract_id = :c and l.enterprise_uscc = :e and r.min_start_ns < :to
                order by e.start_ns, e.event_id limit :n
                """)
                .param("c", contractId).param("e", enterpriseUscc).param("from", from).param("to", to)
                .param("n", EVENTS_PER_DAY_SHOWN)
                .query((rs, n) -> {
                    int units = rs.getInt(4);
                    Integer gpus = rs.wasNull() ? null : units;
                    long amount = rs.getLong(10);
                    Long fen = rs.wasNull() ? null : amount;
                    return new EventRow(rs.getLong(1), rs.getString(2), rs.getString(3), gpus, rs.getLong(5),
                            Metering.instant(rs.getLong(6)), Metering.instant(rs.getLong(7)), rs.getString(8),
                            rs.getString(9), fen, rs.getBoolean(11), rs.getString(12), rs.getString(13),
                            rs.getString(14));
                })
                .list();
    }

    record DisputeRow(long id, long usageId, String enterpriseUscc, String providerUscc, String contractId,
                      String eventId, String sku, long quantityMicros, Long amountFen, Instant start, Instant end,
                      String reason, String raisedBy, OffsetDateTime raisedAt, String resolution,
                      String resolutionNote, String resolvedBy, OffsetDateTime resolvedAt) {
        DisputeRow {
            raisedAt = inShanghai(raisedAt);
            resolvedAt = inShanghai(resolvedAt);
        }

        public String quantity() {
            return org.zhice.rules.Quantities.format(quantityMicros);
        }

        public String startText() {
            return start.atOffset(ShanghaiTime.OFFSET).toLocalDateTime().toString().replace('T', ' ');
        }

        public String endText() {
            return end.atOffset(ShanghaiTime.OFFSET).toLocalDateTime().toString().replace('T', ' ');
        }
    }

    /** Open disputes first (oldest first), then the latest resolved ones. */
    List<DisputeRow> disputes(boolean open) {
        return jdbc.sql("""
                select d.id, d.usage_id, d.enterprise_uscc, p.provider_uscc, e.contract_id, e.event_id, e.sku,
                       e.quantity_micros, e.amount_fen, e.start_ns, e.end_ns, d.reason, d.raised_by, d.raised_at,
                       d.resolution, d.resolution_note, d.resolved_by, d.resolved_at
                from usage_dispute d join usage_event e on e.usage_id = d.usage_id
                join metering_provider p on p.provider_no = e.provider_no
                where (d.resolution is null) = :open
                order by case when :open then d.raised_at end, d.resolved_at desc
                limit :n
                """)
                .param("open", open).param("n", DISPUTES_SHOWN)
                .query((rs, n) -> {
                    long amount = rs.getLong(9);
                    Long fen = rs.wasNull() ? null : amount;
                    return new DisputeRow(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getLong(8), fen,
                            Metering.instant(rs.getLong(10)), Metering.instant(rs.getLong(11)), rs.getString(12),
                            rs.getString(13), rs.getObject(14, OffsetDateTime.class), rs.getString(15),
                            rs.getString(16), rs.getString(17), rs.getObject(18, OffsetDateTime.class));
                })
                .list();
    }
}

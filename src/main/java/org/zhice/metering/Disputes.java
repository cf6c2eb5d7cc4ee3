package org.zhice.metering;

import java.time.Clock;
import java.time.OffsetDateTime;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.zhice.audit.AuditLog;

/**
 * An enterprise disputes an event of its own contract; while the dispute is open the event does
 * not count (it is left out of {@link Metering#acceptedUsage} and cannot be marked counted). The
 * program office upholds it (the event is rejected {@code DISPUTE_UPHELD} and leaves the line's
 * total) or dismisses it (the event counts again). An event can be disputed once, and not after
 * a redemption counted it. The event row is locked first, so a dispute and a redemption or a
 * correction of the same event never cross.
 */
@Service
class Disputes {

    static final int MAX_TEXT = 500;

    private final JdbcClient jdbc;
    private final AuditLog audit;
    private final Clock clock;

    Disputes(JdbcClient jdbc, AuditLog audit, Clock clock) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.clock = clock;
    }

    private record EventState(String enterpriseUscc, String status, boolean disputed, String countedBy,
                              String contractId, String sku, long quantityMicros, String eventId) {
    }

    @Transactional
    long raise(String enterpriseUscc, long usageId, String reason, String actor) {
        String text = reason == null ? "" : reason.strip();
        if (text.isEmpty() || text.length() > MAX_TEXT) {
            throw new MeteringException("metering.dispute.reason.invalid", MAX_TEXT);
        }
        EventState event = lock(usageId);
        if (event == null || !enterpriseUscc.equals(event.enterpriseUscc())) {
            throw new MeteringException("metering.dispute.notFound", Long.toString(usageId));
        }
        if (event.countedBy() != null) {
            throw new MeteringException("metering.dispute.counted", event.eventId(), event.countedBy());
        }
        if (!"accepted".equals(event.status()) || event.disputed()) {
            throw new MeteringException("metering.dispute.notCounting", event.eventId());
        }
        if (jdbc.sql("select count(*) from usage_dispute where usage_id = :u").param("u", usageId)
                .query(Long.class).single() > 0) {
            throw new MeteringException("metering.dispute.once", event.eventId());
        }
        long id = jdbc.sql("""
                insert into usage_dispute (usage_id, enterprise_uscc, reason, raised_by, raised_at)
                values (:u, :e, :reason, :by, :at) returning id
                """)
                .param("u", usageId).param("e", enterpriseUscc).param("reason", text).param("by", actor)
                .param("at", OffsetDateTime.now(clock))
                .query(Long.class).single();
        jdbc.sql("update usage_event set disputed = true where usage_id = :u").param("u", usageId).update();
        audit.recordAs(actor, "metering.dispute.raise", "usage_event", Long.toString(usageId),
                "dispute " + id + ": " + text);
        return id;
    }

    @Transactional
    void uphold(long disputeId, String note, String actor) {
        long usageId = lockOpen(disputeId, note);
        EventState event = lock(usageId);
        if (!"accepted".equals(event.status()) || !event.disputed()) {
            throw new IllegalStateException("dispute " + disputeId + " is open but event " + usageId + " is not disputed");
        }
        jdbc.sql("""
                update usage_event set status = 'rejected', reason = :reason, disputed = false, in_capacity = false
                where usage_id = :u
                """)
                .param("reason", Reasons.DISPUTE_UPHELD).param("u", usageId).update();
        jdbc.sql("""
                update metering_line set accepted_micros = accepted_micros - :q where contract_id = :c and sku = :s
                """)
                .param("q", event.quantityMicros()).param("c", event.contractId()).param("s", event.sku()).update();
        resolve(disputeId, "upheld", note, actor);
        audit.recordAs(actor, "metering.dispute.uphold", "usage_event", Long.toString(usageId),
                "dispute " + disputeId + (note == null || note.isBlank() ? "" : ": " + note.strip()));
    }

    @Transactional
    void dismiss(long disputeId, String note, String actor) {
        long usageId = lockOpen(disputeId, note);
        jdbc.sql("update usage_event set disputed = false where usage_id = :u").param("u", usageId).update();
        resolve(disputeId, "dismissed", note, actor);
        audit.recordAs(actor, "metering.dispute.dismiss", "usage_event", Long.toString(usageId),
                "dispute " + disputeId + (note == null || note.isBlank() ? "" : ": " + note.strip()));
    }

    /**
     * Locks the disputed event, then the open dispute: the order in which ingestion (which closes
     * the dispute of an event it supersedes) takes them too.
     */
    private long lockOpen(long disputeId, String note) {
        if (note != null && note.strip().length() > MAX_TEXT) {
            throw new MeteringException("metering.dispute.note.invalid", MAX_TEXT);
        }
        long usageId = jdbc.sql("select usage_id from usage_dispute where id = :id")
                .param("id", disputeId).query(Long.class).optional()
                .orElseThrow(() -> new MeteringException("metering.dispute.notOpen", disputeId));
        lock(usageId);
        return jdbc.sql("select usage_id from usage_dispute where id = :id and resolution is null for update")
                .param("id", disputeId).query(Long.class).optional()
                .orElseThrow(() -> new MeteringException("metering.dispute.notOpen", disputeId));
    }

    private void resolve(long disputeId, String resolution, String note, String actor) {
        jdbc.sql("""
                update usage_dispute set resolution = :r, resolution_note = :note, resolved_by = :by, resolved_at = :at
                where id = :id
                """)
                .param("r", resolution).param("note", note == null || note.isBlank() ? null : note.strip())
                .param("by", actor).param("at", OffsetDateTime.now(clock)).param("id", disputeId).update();
    }

    private EventState lock(long usageId) {
        return jdbc.sql("""
                select l.enterprise_uscc, e.status, e.disputed, e.counted_by, e.contract_id, e.sku, e.quantity_micros,
                       e.event_id
                from usage_event e
                join metering_provider p on p.provider_no = e.provider_no
                left join metering_line l
                    on l.contract_id = e.contract_id and l.sku = e.sku and l.provider_uscc = p.provider_uscc
                where e.usage_id = :u
                for update of e
                """)
                .param("u", usageId)
                .query((rs, n) -> new EventState(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getLong(7), rs.getString(8)))
                .optional().orElse(null);
    }
}

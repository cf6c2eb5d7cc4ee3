package org.zhice.metering;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.zhice.audit.AuditLog;

/**
 * Metering's public facade for other modules, the voucher module above all: the usage that counts
 * on a contract, marking usage counted by a redemption (in the redemption's own transaction, so
 * that an event is counted at most once), and ingestion without HTTP (the demo, tests).
 */
@Service
public class Metering {

    private final JdbcClient jdbc;
    private final UsageIngestion ingestion;
    private final AuditLog audit;
    private final Clock clock;

    Metering(JdbcClient jdbc, UsageIngestion ingestion, AuditLog audit, Clock clock) {
        this.jdbc = jdbc;
        this.ingestion = ingestion;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * The events of a contract that count: accepted on arrival, not superseded by a correction and
     * not under dispute (a dismissed dispute counts again), in {@code (start, event_id)} order,
     * including those counted already ({@link AcceptedUsage#countedBy()} says by which redemption).
     */
    @Transactional(readOnly = true)
    public List<AcceptedUsage> acceptedUsage(String contractId) {
        if (contractId == null) {
            return List.of();
        }
        return jdbc.sql("""
                select e.usage_id, e.event_id, r.provider_uscc, e.contract_id, e.sku, e.start_ns, e.end_ns, e.units,
                       e.quantity_micros, e.amount_fen, l.category, e.counted_by
                from usage_range r
                cross join lateral (
                    select * from usage_event
                    where usage_id between r.first_usage_id and r.last_usage_id
                      and contract_id = :c and status = 'accepted' and not disputed
                    offset 0) e
                join metering_line l on l.contract_id = e.contract_id and l.sku = e.sku
                where r.contract_id = :c
                order by e.start_ns, e.event_id
                """)
                .param("c", contractId)
                .query((rs, n) -> {
                    int units = rs.getInt(8);
                    Integer gpus = rs.wasNull() ? null : units;
                    return new AcceptedUsage(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), instant(rs.getLong(6)), instant(rs.getLong(7)), gpus, rs.getLong(9),
                            rs.getLong(10), rs.getString(11), rs.getString(12));
                })
                .list();
    }

    /**
     * Marks events counted by a redemption, inside the caller's transaction. Refuses (and marks
     * nothing) when any of them is unknown, counted already, not accepted or under dispute: the
     * rows are locked first, so two redemptions can never count one event. A refusal also marks
     * the caller's transaction rollback-only: take the events to count from {@link #acceptedUsage}
     * in the same transaction ({@code countedBy == null}), and a refusal means a race was lost.
     *
     * @throws UsageAlreadyCountedException naming the events that cannot be counted
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void markCounted(String redemptionId, Collection<Long> usageIds) {
        if (redemptionId == null || redemptionId.isBlank()) {
            throw new IllegalArgumentException("a redemption id is required");
        }
        Set<Long> ids = new LinkedHashSet<>(usageIds);
        if (ids.isEmpty()) {
            return;
        }
        Long[] array = ids.toArray(Long[]::new);
        Set<Long> countable = new java.util.HashSet<>(jdbc.sql("""
                select usage_id from usage_event
                where usage_id = any(:ids) and status = 'accepted' and not disputed and counted_by is null
                order by usage_id
                for update
                """)
                .param("ids", array).query(Long.class).list());
        if (countable.size() != ids.size()) {
            List<Long> refused = new ArrayList<>();
            for (Long id : ids) {
                if (!countable.contains(id)) {
                    refused.add(id);
                }
            }
            throw new UsageAlreadyCountedException(redemptionId, refused);
        }
        int marked = jdbc.sql("""
                update usage_event set counted_by = :r
                where usage_id = any(:ids) and status = 'accepted' and not disputed and counted_by is null
                """)
                .param("r", redemptionId).param("ids", array).update();
        if (marked != ids.size()) {
            throw new IllegalStateException("marked " + marked + " of " + ids.size() + " locked events");
        }
        audit.record("metering.counted", "redemption", redemptionId, ids.size() + " usage events");
    }

    /**
     * Ingests events for a provider as an upload would (every check of spec §4 against what the
     * provider had accepted before), without HTTP; the events' {@code provider_uscc} must be this
     * provider. Not idempotent by key: a repeated event is reported a duplicate and stored once.
     *
     * @throws IllegalArgumentException when there are more lines than one upload may hold
     */
    public IngestResult ingest(String providerUscc, List<UsageLine> lines) {
        UsageBatch batch;
        try {
            batch = UsageParsing.lines(lines, UsageIngestion.MAX_LINES);
        } catch (BodyException e) {
            throw new IllegalArgumentException("at most " + UsageIngestion.MAX_LINES + " lines per upload");
        }
        return ingestion.ingest(new UsageIngestion.Upload(providerUscc, actor(), "direct", null,
                sha256(lines.toString()), "lines", null), batch);
    }

    /**
     * Ingests as {@link #ingest} would have when the provider sent the events at {@code receivedAt}:
     * the late window ({@code zhice.metering.late-days}) and "not yet ended" are judged from then.
     * For loading a past year (the demo loader); a time after the clock's now is refused, so no
     * caller can send usage from the future, and HTTP callers never reach it.
     *
     * @throws IllegalArgumentException when {@code receivedAt} is after now, or the lines are too many
     */
    public IngestResult ingestReceivedAt(String providerUscc, List<UsageLine> lines, Instant receivedAt) {
        if (receivedAt == null || receivedAt.isAfter(clock.instant())) {
            throw new IllegalArgumentException("usage can be received at a past time only, not at " + receivedAt);
        }
        UsageBatch batch;
        try {
            batch = UsageParsing.lines(lines, UsageIngestion.MAX_LINES);
        } catch (BodyException e) {
            throw new IllegalArgumentException("at most " + UsageIngestion.MAX_LINES + " lines per upload");
        }
        return ingestion.ingest(new UsageIngestion.Upload(providerUscc, actor(), "direct", null,
                sha256(lines.toString()), "lines", null), batch, receivedAt.atOffset(ZoneOffset.ofHours(8)));
    }

    static Instant instant(long epochNanos) {
        return Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L), Math.floorMod(epochNanos, 1_000_000_000L));
    }

    static String actor() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        return auth == null || !auth.isAuthenticated() ? "system" : auth.getName();
    }

    static byte[] sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

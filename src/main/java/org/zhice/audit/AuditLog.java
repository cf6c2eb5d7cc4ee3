package org.zhice.audit;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.PreDestroy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.zhice.shared.Sm3;

/**
 * Every write records who did it and when. Call {@link #record} inside the transaction of the
 * write itself, so that the entry commits or rolls back with it.
 */
@Service
public class AuditLog {

    private final JdbcClient jdbc;
    private final Clock clock;

    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);

    /** Pending entries sealed per transaction of the sealer, at most. */
    static final int SEAL_BATCH = 1000;

    private final TransactionTemplate sealTx;
    private final ExecutorService sealer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "audit-sealer");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean sealQueued = new AtomicBoolean();

    AuditLog(JdbcClient jdbc, Clock clock, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.sealTx = new TransactionTemplate(transactions);
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void record(String action, String subjectType, String subjectId, String detail) {
        recordAs(currentActor(), action, subjectType, subjectId, detail);
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void recordAs(String actor, String action, String subjectType, String subjectId, String detail) {
        OffsetDateTime at = OffsetDateTime.now(clock).truncatedTo(ChronoUnit.MICROS);
        jdbc.sql("select 1 from (select pg_advisory_xact_lock(:lock)) locked").param("lock", CHAIN_LOCK).query(Integer.class).single();
        Link last = jdbc.sql("select seq, hash from audit_log where seq is not null order by seq desc limit 1")
                .query((rs, n) -> new Link(rs.getLong(1), rs.getString(2)))
                .optional()
                .orElse(new Link(0, Sm3.GENESIS));
        long seq = last.seq() + 1;
        String hash = chainHash(seq, last.hash(), at, actor, action, subjectType, subjectId, detail);
        jdbc.sql("""
                insert into audit_log (seq, prev_hash, hash, at, actor, action, subject_type, subject_id, detail)
                values (:seq, :prev, :hash, :at, :actor, :action, :subjectType, :subjectId, :detail)
                """)
                .param("seq", seq)
                .param("prev", last.hash())
                .param("hash", hash)
                .param("at", at)
                .param("actor", actor)
                .param("action", action)
                .param("subjectType", subjectType)
                .param("subjectId", subjectId)
                .param("detail", detail)
                .update();
    }

    /**
     * As {@link #recordAs}, for writers many of which commit at once (metering uploads): the entry
     * goes in pending, in the caller's transaction (it commits or rolls back with the write), without
     * the chain's lock, and is sealed into the chain (its seq, the previous entry's hash and its own)
     * right after the commit by one sealer thread, under the lock. {@link #recordAs} holds the
     * chain's lock from the entry to the commit, so its callers' commits never overlap. Until it is
     * sealed (milliseconds; after a crash, when the platform starts again) an entry is listed but
     * not yet covered by {@link #verify()}.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void recordSealedAfterCommit(String actor, String action, String subjectType, String subjectId,
                                        String detail) {
        OffsetDateTime at = OffsetDateTime.now(clock).truncatedTo(ChronoUnit.MICROS);
        jdbc.sql("""
                insert into audit_log (at, actor, action, subject_type, subject_id, detail, pending)
                values (:at, :actor, :action, :subjectType, :subjectId, :detail, true)
                """)
                .param("at", at)
                .param("actor", actor)
                .param("action", action)
                .param("subjectType", subjectType)
                .param("subjectId", subjectId)
                .param("detail", detail)
                .update();
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                requestSeal();
            }
        });
    }

    /** Asks the sealer thread to seal the pending entries soon; requests made meanwhile are one. */
    void requestSeal() {
        if (sealQueued.compareAndSet(false, true)) {
            try {
                sealer.execute(() -> {
                    sealQueued.set(false);
                    try {
                        sealPending();
                    } catch (RuntimeException e) {
                        log.warn("audit: pending entries not sealed yet, will be at the next request: {}", e.toString());
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                sealQueued.set(false);
            }
        }
    }

    /** Entries left pending by a stop or a crash are sealed when the platform is up again. */
    @EventListener(ApplicationReadyEvent.class)
    public void sealLeftOvers() {
        requestSeal();
    }

    /**
     * Seals every pending entry into the chain, in the order they were written, in transactions of
     * at most {@link #SEAL_BATCH} entries; returns how many it sealed. The sealer thread calls it;
     * tests and tools may too.
     */
    public int sealPending() {
        int sealed = 0;
        while (true) {
            Integer batch = sealTx.execute(status -> sealBatch());
            sealed += batch == null ? 0 : batch;
            if (batch == null || batch < SEAL_BATCH) {
                return sealed;
            }
        }
    }

    private int sealBatch() {
        jdbc.sql("select 1 from (select pg_advisory_xact_lock(:lock)) locked").param("lock", CHAIN_LOCK).query(Integer.class).single();
        record Pending(long id, OffsetDateTime at, String actor, String action, String subjectType, String subjectId,
                       String detail) {
        }
        List<Pending> pending = jdbc.sql("""
                select id, at, actor, action, subject_type, subject_id, detail from audit_log
                where pending order by id limit :n
                """)
                .param("n", SEAL_BATCH)
                .query((rs, n) -> new Pending(rs.getLong(1), rs.getObject(2, OffsetDateTime.class), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7)))
                .list();
        if (pending.isEmpty()) {
            return 0;
        }
        Link last = jdbc.sql("select seq, hash from audit_log where seq is not null order by seq desc limit 1")
                .query((rs, n) -> new Link(rs.getLong(1), rs.getString(2)))
                .optional()
                .orElse(new Link(0, Sm3.GENESIS));
        long[] ids = new long[pending.size()];
        long[] seqs = new long[pending.size()];
        String[] prevs = new String[pending.size()];
        String[] hashes = new String[pending.size()];
        long seq = last.seq();
        String previous = last.hash();
        for (int i = 0; i < pending.size(); i++) {
            Pending p = pending.get(i);
            seq++;
            String hash = chainHash(seq, previous, p.at(), p.actor(), p.action(), p.subjectType(), p.subjectId(),
                    p.detail());
            ids[i] = p.id();
            seqs[i] = seq;
            prevs[i] = previous;
            hashes[i] = hash;
            previous = hash;
        }
        int updated = jdbc.sql("""
                update audit_log a set seq = u.s, prev_hash = u.p, hash = u.h, pending = false
                from unnest(:ids::bigint[], :seqs::bigint[], :prevs::text[], :hashes::text[]) as u(id, s, p, h)
                where a.id = u.id and a.pending
                """)
                .param("ids", ids).param("seqs", seqs).param("prevs", prevs).param("hashes", hashes)
                .update();
        if (updated != pending.size()) {
            throw new IllegalStateException("sealed " + updated + " of " + pending.size() + " pending audit entries");
        }
        return pending.size();
    }

    @PreDestroy
    void stopSealer() throws InterruptedException {
        sealer.shutdown();
        sealer.awaitTermination(10, TimeUnit.SECONDS);
    }

    /** One entry of a batch write, see {@link #recordAll}. */
    public record Record(String action, String subjectType, String subjectId, String detail) {
    }

    /**
     * Appends many entries for the current user at once: the chain lock is taken once, the
     * hashes are chained in memory and the rows go in as one batch. For imports and other bulk
     * writes, so that they hold the chain for milliseconds, not minutes.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void recordAll(List<Record> records) {
        if (records.isEmpty()) {
            return;
        }
        String actor = currentActor();
        OffsetDateTime at = OffsetDateTime.now(clock).truncatedTo(ChronoUnit.MICROS);
        jdbc.sql("select 1 from (select pg_advisory_xact_lock(:lock)) locked").param("lock", CHAIN_LOCK).query(Integer.class).single();
        Link last = jdbc.sql("select seq, hash from audit_log where seq is not null order by seq desc limit 1")
                .query((rs, n) -> new Link(rs.getLong(1), rs.getString(2)))
                .optional()
                .orElse(new Link(0, Sm3.GENESIS));
        long seq = last.seq();
        String previous = last.hash();
        int chunk = 1000;
        for (int from = 0; from < records.size(); from += chunk) {
            List<Record> part = records.subList(from, Math.min(records.size(), from + chunk));
            long[] seqs = new long[part.size()];
            String[] prevs = new String[part.size()];
            String[] hashes = new String[part.size()];
            String[] actions = new String[part.size()];
            String[] types = new String[part.size()];
            String[] ids = new String[part.size()];
            String[] details = new String[part.size()];
            for (int i = 0; i < part.size(); i++) {
                Record r = part.get(i);
                seq++;
                String hash = chainHash(seq, previous, at, actor, r.action(), r.subjectType(), r.subjectId(), r.detail());
                seqs[i] = seq;
                prevs[i] = previous;
                hashes[i] = hash;
                actions[i] = r.action();
                types[i] = r.subjectType();
                ids[i] = r.subjectId();
                details[i] = r.detail();
                previous = hash;
            }
            jdbc.sql("""
                    insert into audit_log (seq, prev_hash, hash, at, actor, action, subject_type, subject_id, detail)
                    select s, p, h, :at, :actor, a, t, i, d
                    from unnest(:seqs::bigint[], :prevs::text[], :hashes::text[], :actions::text[], :types::text[],
                                :ids::text[], :details::text[]) as u(s, p, h, a, t, i, d)
                    """)
                    .param("at", at)
                    .param("actor", actor)
                    .param("seqs", seqs)
                    .param("prevs", prevs)
                    .param("hashes", hashes)
                    .param("actions", actions)
                    .param("types", types)
                    .param("ids", ids)
                    .param("details", details)
                    .update();
        }
    }

    /**
     * Recomputes the chain from the first entry and names the first entry whose stored hash or
     * link does not match what its content says.
     */
    @Transactional(readOnly = true)
    public Verification verify() {
        String[] previous = {Sm3.GENESIS};
        long[] expectedSeq = {1};
        Verification[] broken = {null};
        long[] checked = {0};
        jdbc.sql("""
                select seq, prev_hash, hash, at, actor, action, subject_type, subject_id, detail
                from audit_log where seq is not null order by seq
                """)
                .query(rs -> {
                    if (broken[0] != null) {
                        return;
                    }
                    long seq = rs.getLong(1);
                    String recomputed = chainHash(seq, previous[0], rs.getObject(4, OffsetDateTime.class),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9));
                    if (seq != expectedSeq[0]) {
                        broken[0] = new Verification(false, checked[0], expectedSeq[0], "missing entry " + expectedSeq[0]);
                    } else if (!previous[0].equals(rs.getString(2))) {
                        broken[0] = new Verification(false, checked[0], seq, "link to the previous entry is broken");
                    } else if (!recomputed.equals(rs.getString(3))) {
                        broken[0] = new Verification(false, checked[0], seq, "content does not match its hash");
                    } else {
                        previous[0] = recomputed;
                        expectedSeq[0] = seq + 1;
                        checked[0]++;
                    }
                });
        return broken[0] != null ? broken[0] : new Verification(true, checked[0], 0, null);
    }

    static String chainHash(long seq, String previous, OffsetDateTime at, String actor, String action,
                            String subjectType, String subjectId, String detail) {
        return Sm3.hex(Long.toString(seq), previous, at.toInstant().toString(), actor, action, subjectType,
                subjectId, detail);
    }

    private static final long CHAIN_LOCK = 0x7a68696365L; // "zhice"

    private record Link(long seq, String hash) {
    }

    /** Result of {@link #verify()}: when not intact, {@code firstBrokenSeq} names the entry. */
    public record Verification(boolean intact, long entriesChecked, long firstBrokenSeq, String problem) {
    }

    public List<Entry> recent(int limit) {
        return jdbc.sql("""
                select id, at, actor, action, subject_type, subject_id, detail
                from audit_log order by id desc limit :limit
                """)
                .param("limit", Math.min(Math.max(limit, 1), 1000))
                .query(Entry.class)
                .list();
    }

    public List<Entry> forSubject(String subjectType, String subjectId) {
        return jdbc.sql("""
                select id, at, actor, action, subject_type, subject_id, detail
                from audit_log where subject_type = :t and subject_id = :s order by id
                """)
                .param("t", subjectType)
                .param("s", subjectId)
                .query(Entry.class)
                .list();
    }

    static String currentActor() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        return auth == null || !auth.isAuthenticated() ? "system" : auth.getName();
    }

    public record Entry(long id, OffsetDateTime at, String actor, String action, String subjectType,
                        String subjectId, String detail) {
    }
}

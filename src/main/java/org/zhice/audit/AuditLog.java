package org.zhice.audit;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.zhice.shared.Sm3;

/**
 * Every write records who did it and when. Call {@link #record} inside the transaction of the
 * write itself, so that the entry commits or rolls back with it.
 */
@Service
public class AuditLog {

    private final JdbcClient jdbc;
    private final Clock clock;

    AuditLog(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
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

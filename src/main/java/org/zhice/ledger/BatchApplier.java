package org.zhice.ledger;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import org.postgresql.PGConnection;
import org.zhice.audit.AuditLog;
import org.zhice.ledger.Submission.Outcome;

/**
 * Applies a batch of submissions in one database transaction that the caller has opened: locks
 * the chain head, reads every account and earlier transfer involved, decides each transfer in
 * memory against those balances, then writes the journal rows (binary COPY), the new balances
 * and one hash-chain link with a handful of set-based statements. One instance serves the writer
 * thread and callers that post inside their own transaction.
 *
 * <p>The chain head row is the ledger's write lock: every path that changes balances or the
 * journal takes it first and keeps it to commit, so batches apply one after another and an
 * account read after taking it holds the balance the last batch committed. No account row needs
 * a lock of its own.
 */
final class BatchApplier {

    /** TigerBeetle's batch size; a limit on memory, statement size and lock time. */
    static final int MAX_TRANSFERS_PER_BATCH = 8190;
    static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");

    static final Pattern CODE = Pattern.compile("[A-Z][A-Z0-9_]{1,47}");
    static final Pattern SOURCE_TYPE = Pattern.compile("[a-z][a-z0-9_.-]{0,63}");
    static final int MAX_SOURCE_ID = 128;
    static final int MAX_KEY = 128;

    static final String TRANSFER_COLUMNS = """
            id, batch_seq, batch_index, kind, program_id, debit_account_id, credit_account_id, amount_fen,
            pending_id, code, source_type, source_id, idempotency_key, value_date, booked_at, linked""";

    private final Clock clock;
    private final AuditLog audit;
    static final boolean PROFILE = Boolean.getBoolean("zhice.ledger.profile");

    BatchApplier(Clock clock, AuditLog audit) {
        this.clock = clock;
        this.audit = audit;
    }

    /**
     * Applies the submissions in the transaction open on {@code connection}: takes the chain head
     * lock, looks up everything involved (ids included), decides and writes. The path of posts
     * inside a caller's transaction, and the writer's safe path.
     */
    List<Outcome> apply(Connection connection, List<Submission> submissions) throws SQLException {
        recordAudit(submissions);
        OffsetDateTime now = JournalHash.truncate(OffsetDateTime.now(clock));
        Batch batch = new Batch(now, now.atZoneSameInstant(ZONE).toLocalDate(), null);
        long t0 = System.nanoTime();
        batch.lockHead(connection);
        batch.load(connection, submissions, true);
        long t1 = System.nanoTime();
        List<Outcome> outcomes = new ArrayList<>(submissions.size());
        for (Submission submission : submissions) {
            outcomes.add(batch.decide(submission));
        }
        long t2 = System.nanoTime();
        batch.seal().write(connection);
        if (PROFILE) {
            System.err.printf("ledger batch of %d submissions: load %.1f ms, decide %.1f ms, write %.1f ms%n",
                    submissions.size(), (t1 - t0) / 1e6, (t2 - t1) / 1e6, (System.nanoTime() - t2) / 1e6);
        }
        return outcomes;
    }

    // audit entries first: the audit log's own lock is then always taken before the ledger's
    private void recordAudit(List<Submission> submissions) {
        for (Submission s : submissions) {
            if (s.actor() != null) {
                audit.recordAs(s.actor(), "ledger.post", "ledger_request", s.requestKey(),
                        s.size() + " transfers");
            }
        }
    }

    /**
     * The writer's fast path, step 1 (no lock, no transaction): decides the submissions against
     * the state the writer carries forward from the batches it decided before (balances, the
     * transfers of the batch still being committed, the chain head) plus read-only look-ups of
     * what the carried state does not hold. New transfer ids are not looked up: the primary key
     * refuses a taken one at commit, and ids that this batch does not write are looked up after
     * deciding. {@code null} when a look-up shows that the batch must take the safe path.
     * On success the carry moves on to the state after this batch.
     */
    Decided decideAhead(Connection reader, List<Submission> submissions, Carry carry) throws SQLException {
        if (!carry.valid) {
            carry.load(reader);
        }
        OffsetDateTime now = JournalHash.truncate(OffsetDateTime.now(clock));
        Batch batch = new Batch(now, now.atZoneSameInstant(ZONE).toLocalDate(), carry);
        boolean lookUpIds = carry.lookUpIdsForBatches > 0;
        if (lookUpIds) {
            carry.lookUpIdsForBatches--;
        }
        batch.load(reader, submissions, lookUpIds);
        List<Outcome> outcomes = new ArrayList<>(submissions.size());
        for (Submission submission : submissions) {
            outcomes.add(batch.decide(submission));
        }
        if (!batch.unverifiedIdsAreNew(reader)) {
            carry.retriesSeen();
            return null;
        }
        Sealed sealed = batch.seal();
        boolean dependsOnPredecessor = carry.inflight.stream().anyMatch(g -> resolvesAny(sealed.transfers, g.transfers()));
        carry.advance(batch, sealed);
        return new Decided(submissions, outcomes, sealed, carry.periodCloses, dependsOnPredecessor);
    }

    /**
     * Two committers write at once: while one batch takes its turn at the chain head and commits,
     * the next one already copies its rows. Everything that writes to the ledger takes this
     * transaction-scoped advisory lock before the chain head: the committers in shared mode (they
     * order themselves at the head, each after its predecessor has committed), everyone else (a
     * caller's transaction, the safe path, a period close) in exclusive mode, so that no
     * transaction waits for a committer's rows while holding the head.
     */
    static final long WRITERS_LOCK = 0x6c6564676572L; // "ledger"

    static void lockWriters(Connection c, boolean exclusive) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(exclusive ? "select pg_advisory_xact_lock(?)"
                : "select pg_advisory_xact_lock_shared(?)")) {
            ps.setLong(1, WRITERS_LOCK);
            ps.executeQuery().close();
        }
    }

    /**
     * The writer's fast path, step 2, in a committer's transaction: audit entries and the writers'
     * lock (shared), taken only after the predecessor (the batch before, which may still be
     * committing) has taken them, so that locks are always taken in batch order; then the batch's
     * rows; then, once the predecessor has committed, the chain head lock, a check that nothing
     * moved since the batch was decided (no other batch, no period closed), and the balances and
     * the head. False when the predecessor did not commit or something moved: roll back and take
     * the safe path. A batch that resolves a pending transfer of its predecessor waits for the
     * predecessor before it writes anything (the insert check must see that row). A committer
     * waits for locks at most {@link #COMMITTER_LOCK_TIMEOUT}: it never waits forever for a batch
     * that waits for it.
     */
    boolean commitAhead(Connection connection, Decided decided, Predecessor predecessor, Runnable locked)
            throws SQLException {
        try {
            predecessor.awaitLocked();
            try (var st = connection.createStatement()) {
                st.execute("set local lock_timeout = '" + COMMITTER_LOCK_TIMEOUT + "'");
            }
            recordAudit(decided.submissions());
            lockWriters(connection, false);
        } finally {
            locked.run();
        }
        if (decided.dependsOnPredecessor() && !predecessor.committed()) {
            return false;
        }
        long t0 = System.nanoTime();
        decided.sealed().writeRows(connection);
        long t1 = System.nanoTime();
        if (!predecessor.committed()) {
            return false;
        }
        long t2 = System.nanoTime();
        try (PreparedStatement ps = connection.prepareStatement("""
                select seq, (select count(*) from ledger_period_close) from ledger_chain_head
                where only_row for update""");
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next() || rs.getLong(1) != decided.sealed().headSeq || rs.getLong(2) != decided.periodCloses()) {
                return false;
            }
        }
        decided.sealed().writeTail(connection);
        if (PROFILE) {
            System.err.printf("    rows %.1f ms, waited %.1f ms for the predecessor, head and balances %.1f ms%n",
                    (t1 - t0) / 1e6, (t2 - t1) / 1e6, (System.nanoTime() - t2) / 1e6);
        }
        return true;
    }

    static final String COMMITTER_LOCK_TIMEOUT = "10s";

    /** The batch committed before this one, which may still be committing. */
    interface Predecessor {
        Predecessor NONE = new Predecessor() {
            @Override
            public void awaitLocked() {
            }

            @Override
            public boolean committed() {
                return true;
            }
        };

        /** Blocks until the predecessor holds its locks (or has finished). */
        void awaitLocked();

        /** Whether it committed as decided (blocks until it is known). */
        boolean committed();
    }

    /** True when one of {@code transfers} posts or voids a pending transfer among {@code earlier}. */
    private static boolean resolvesAny(List<Transfer> transfers, List<Transfer> earlier) {
        java.util.Set<UUID> earlierIds = null;
        for (Transfer t : transfers) {
            if (t.pendingId() == null) {
                continue;
            }
            if (earlierIds == null) {
                earlierIds = new java.util.HashSet<>();
                for (Transfer e : earlier) {
                    earlierIds.add(e.id());
                }
            }
            if (earlierIds.contains(t.pendingId())) {
                return true;
            }
        }
        return false;
    }

    /** A batch decided ahead of its commit, with everything it will write. */
    record Decided(List<Submission> submissions, List<Outcome> outcomes, Sealed sealed, long periodCloses,
                   boolean dependsOnPredecessor) {
    }

    /**
     * What the writer carries from one batch to the next on the fast path: the chain head after
     * the last batch it decided, the balances of the accounts it has seen (moved by its own
     * decisions), the closed periods, and the transfers and requests of the batch that may
     * still be committing. Valid only as long as every batch commits as decided and nobody else
     * writes; the commit step checks the chain head, and any surprise makes the writer drop it.
     */
    static final class Carry {
        static final int MAX_ACCOUNTS = 100_000;
        boolean valid;
        long headSeq;
        byte[] headHash;
        long periodCloses;
        final Map<UUID, Balance> accounts = new HashMap<>();
        final Map<String, LocalDate> closedThrough = new HashMap<>();
        // the batches decided last, which may still be committing (never more than the writer has in flight)
        final java.util.ArrayDeque<Generation> inflight = new java.util.ArrayDeque<>();
        // after a fast-path surprise (most often a retried id), look ids up for a while
        int lookUpIdsForBatches;

        void retriesSeen() {
            lookUpIdsForBatches = 32;
        }

        void invalidate() {
            valid = false;
            accounts.clear();
            closedThrough.clear();
            inflight.clear();
        }

        /** Committed state, read without a lock; the commit step checks that it still holds. */
        void load(Connection c) throws SQLException {
            invalidate();
            try (PreparedStatement ps = c.prepareStatement("""
                    select seq, hash, (select count(*) from ledger_period_close) from ledger_chain_head
                    where only_row""");
                 ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("ledger_chain_head has no row");
                }
                headSeq = rs.getLong(1);
                headHash = rs.getBytes(2);
                periodCloses = rs.getLong(3);
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "select program_id, max(closed_through) from ledger_period_close group by program_id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    closedThrough.put(rs.getString(1), rs.getObject(2, LocalDate.class));
                }
            }
            valid = true;
        }

        private void advance(Batch batch, Sealed sealed) {
            headSeq = sealed.seq;
            headHash = sealed.hash;
            inflight.add(new Generation(sealed.transfers, batch.newResolutions, batch.newRequests));
            while (inflight.size() > BatchWriter.COMMITTERS) {
                inflight.poll();
            }
        }

        /** A limit on memory: drop the carried balances (only when no batch is in flight). */
        boolean tooLarge() {
            return accounts.size() > MAX_ACCOUNTS;
        }
    }

    /** What one batch decided ahead wrote, while it may still be committing. */
    record Generation(List<Transfer> transfers, Map<UUID, TransferKind> resolutions, List<StoredRequest> requests) {
    }

    /** An account row, locked for this batch, with its balances as they move. */
    static final class Balance {
        final UUID id;
        final String programId;
        final boolean debitsMustNotExceedCredits;
        final boolean creditsMustNotExceedDebits;
        long debitsPending;
        long debitsPosted;
        long creditsPending;
        long creditsPosted;
        boolean changed;

        Balance(UUID id, String programId, boolean dmnec, boolean cmned, long dp, long dpo, long cp, long cpo) {
            this.id = id;
            this.programId = programId;
            this.debitsMustNotExceedCredits = dmnec;
            this.creditsMustNotExceedDebits = cmned;
            this.debitsPending = dp;
            this.debitsPosted = dpo;
            this.creditsPending = cp;
            this.creditsPosted = cpo;
        }

        long[] snapshot() {
            return new long[] {debitsPending, debitsPosted, creditsPending, creditsPosted};
        }

        void restore(long[] s) {
            debitsPending = s[0];
            debitsPosted = s[1];
            creditsPending = s[2];
            creditsPosted = s[3];
        }

        boolean withinLimits() {
            return !(debitsMustNotExceedCredits && Math.addExact(debitsPending, debitsPosted) > creditsPosted)
                    && !(creditsMustNotExceedDebits && Math.addExact(creditsPending, creditsPosted) > debitsPosted);
        }
    }

    /** The state of one batch: what the database holds, plus what this batch has decided so far. */
    private final class Batch {
        final OffsetDateTime now;
        final LocalDate today;
        final Carry carry;
        long headSeq;
        byte[] headHash;
        final Map<UUID, Transfer> byId = new HashMap<>();
        final Map<String, Transfer> byKey = new HashMap<>();
        final Map<UUID, TransferKind> resolutions = new HashMap<>();
        final Map<UUID, TransferKind> newResolutions = new HashMap<>();
        final Map<UUID, Balance> accounts;
        final Map<String, LocalDate> closedThrough;
        final Map<String, StoredRequest> requests = new HashMap<>();
        final List<Transfer> written = new ArrayList<>();
        final List<StoredRequest> newRequests = new ArrayList<>();
        // ids of transfers decided without looking them up (fast path): checked if not written
        final List<UUID> unverified = new ArrayList<>();
        boolean idsLookedUp;
        final List<Balance> touched = new ArrayList<>();
        // undo log of the chain being decided
        final Map<Balance, long[]> chainSnapshots = new IdentityHashMap<>();
        int chainStart;

        Batch(OffsetDateTime now, LocalDate today, Carry carry) {
            this.now = now;
            this.today = today;
            this.carry = carry;
            if (carry == null) {
                accounts = new HashMap<>();
                closedThrough = new HashMap<>();
            } else {
                accounts = carry.accounts;
                closedThrough = carry.closedThrough;
                headSeq = carry.headSeq;
                headHash = carry.headHash;
                for (Generation g : carry.inflight) {
                    for (Transfer t : g.transfers()) {
                        byId.put(t.id(), t);
                        if (t.idempotencyKey() != null) {
                            byKey.put(t.idempotencyKey(), t);
                        }
                    }
                    resolutions.putAll(g.resolutions());
                    for (StoredRequest r : g.requests()) {
                        requests.put(r.key(), r);
                    }
                }
            }
        }

        void lockHead(Connection c) throws SQLException {
            lockWriters(c, true);
            try (PreparedStatement ps = c.prepareStatement(
                    "select seq, hash from ledger_chain_head where only_row for update");
                 ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("ledger_chain_head has no row");
                }
                headSeq = rs.getLong(1);
                headHash = rs.getBytes(2);
            }
        }

        /** After deciding on the fast path: true when no id this batch does not write was taken before. */
        boolean unverifiedIdsAreNew(Connection c) throws SQLException {
            if (unverified.isEmpty()) {
                return true;
            }
            Set<UUID> check = new HashSet<>(unverified);
            for (Transfer t : written) {
                check.remove(t.id());
            }
            if (check.isEmpty()) {
                return true;
            }
            try (PreparedStatement ps = c.prepareStatement("select 1 from ledger_transfer where id = any(?) limit 1")) {
                ps.setArray(1, c.createArrayOf("uuid", check.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    return !rs.next();
                }
            }
        }

        /**
         * Reads what the submissions refer to: earlier transfers (by id only when
         * {@code lookUpIds}; pending transfers always), idempotency keys, resolutions, accounts
         * and closed periods not carried, request keys.
         */
        void load(Connection c, List<Submission> submissions, boolean lookUpIds) throws SQLException {
            idsLookedUp = lookUpIds;
            Set<UUID> ids = new HashSet<>();
            Set<String> keys = new HashSet<>();
            Set<UUID> pendingIds = new HashSet<>();
            Set<UUID> accountIds = new HashSet<>();
            Set<String> requestKeys = new HashSet<>();
            for (Submission s : submissions) {
                if (s.requestKey() != null) {
                    requestKeys.add(s.requestKey());
                }
                for (TransferRequest t : s.transfers()) {
                    if (t.id() != null && lookUpIds) {
                        ids.add(t.id());
                    }
                    if (t.pendingId() != null) {
                        ids.add(t.pendingId());
                        pendingIds.add(t.pendingId());
                    }
                    if (t.idempotencyKey() != null) {
                        keys.add(t.idempotencyKey());
                    }
                    if (t.debitAccountId() != null) {
                        accountIds.add(t.debitAccountId());
                    }
                    if (t.creditAccountId() != null) {
                        accountIds.add(t.creditAccountId());
                    }
                }
            }
            if (!ids.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement("select " + TRANSFER_COLUMNS
                        + " from ledger_transfer where id = any(?)")) {
                    ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
                    readTransfers(ps, pendingIds, accountIds);
                }
            }
            if (!keys.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement("select " + TRANSFER_COLUMNS
                        + " from ledger_transfer where idempotency_key = any(?) and idempotency_key is not null")) {
                    ps.setArray(1, c.createArrayOf("text", keys.toArray()));
                    readTransfers(ps, pendingIds, accountIds);
                }
            }
            if (!pendingIds.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement(
                        "select pending_id, kind from ledger_transfer where pending_id = any(?)")) {
                    ps.setArray(1, c.createArrayOf("uuid", pendingIds.toArray()));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            resolutions.put(rs.getObject(1, UUID.class), TransferKind.valueOf(rs.getString(2)));
                        }
                    }
                }
            }
            accountIds.removeAll(accounts.keySet());
            if (!accountIds.isEmpty()) {
                Set<String> programs = new LinkedHashSet<>();
                try (PreparedStatement ps = c.prepareStatement("""
                        select id, program_id, debits_must_not_exceed_credits, credits_must_not_exceed_debits,
                               debits_pending, debits_posted, credits_pending, credits_posted
                        from ledger_account where id = any(?)""")) {
                    ps.setArray(1, c.createArrayOf("uuid", accountIds.toArray()));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            Balance b = new Balance(rs.getObject(1, UUID.class), rs.getString(2), rs.getBoolean(3),
                                    rs.getBoolean(4), rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8));
                            accounts.put(b.id, b);
                            programs.add(b.programId);
                        }
                    }
                }
                if (carry == null) { // else the carry holds every program's closed period
                    loadClosedPeriods(c, programs);
                }
            }
            if (!requestKeys.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement(
                        "select idempotency_key, body_digest, results from ledger_request where idempotency_key = any(?)")) {
                    ps.setArray(1, c.createArrayOf("text", requestKeys.toArray()));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            String[] results = (String[]) rs.getArray(3).getArray();
                            requests.put(rs.getString(1), new StoredRequest(rs.getString(1), rs.getBytes(2),
                                    List.of(results), null));
                        }
                    }
                }
            }
        }

        private void loadClosedPeriods(Connection c, Set<String> programs) throws SQLException {
            if (programs.isEmpty()) {
                return;
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    select program_id, max(closed_through) from ledger_period_close
                    where program_id = any(?) group by program_id""")) {
                ps.setArray(1, c.createArrayOf("text", programs.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        closedThrough.put(rs.getString(1), rs.getObject(2, LocalDate.class));
                    }
                }
            }
        }

        private void readTransfers(PreparedStatement ps, Set<UUID> pendingIds, Set<UUID> accountIds)
                throws SQLException {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Transfer t = LedgerQueries.transfer(rs);
                    byId.put(t.id(), t);
                    if (t.idempotencyKey() != null) {
                        byKey.put(t.idempotencyKey(), t);
                    }
                    if (t.kind() == TransferKind.PENDING && pendingIds.contains(t.id())) {
                        accountIds.add(t.debitAccountId());
                        accountIds.add(t.creditAccountId());
                    }
                }
            }
        }

        Outcome decide(Submission s) {
            if (s.requestKey() != null) {
                StoredRequest earlier = requests.get(s.requestKey());
                if (earlier != null) {
                    if (!JournalHash.same(earlier.digest, s.digest())) {
                        return new Outcome(Outcome.Status.CONFLICT, List.of());
                    }
                    return new Outcome(Outcome.Status.REPLAYED, earlier.decode(s.transfers()));
                }
            }
            List<TransferRequest> transfers = s.transfers();
            TransferResult[] results = new TransferResult[transfers.size()];
            int i = 0;
            while (i < transfers.size()) {
                int end = i;
                while (end < transfers.size() - 1 && transfers.get(end).linked()) {
                    end++;
                }
                if (transfers.get(end).linked()) {
                    // the last transfer of the submission is linked: the chain is never closed
                    for (int k = i; k < end; k++) {
                        results[k] = new TransferResult(transfers.get(k).id(), ResultCode.LINKED_EVENT_FAILED, null);
                    }
                    results[end] = new TransferResult(transfers.get(end).id(), ResultCode.LINKED_EVENT_CHAIN_OPEN, null);
                } else {
                    decideChain(transfers, i, end, results);
                }
                i = end + 1;
            }
            List<TransferResult> list = List.of(results);
            if (s.requestKey() != null) {
                StoredRequest stored = new StoredRequest(s.requestKey(), s.digest(), StoredRequest.encode(list),
                        s.actor() == null ? "system" : s.actor());
                requests.put(s.requestKey(), stored);
                newRequests.add(stored);
            }
            return new Outcome(Outcome.Status.APPLIED, list);
        }

        private void decideChain(List<TransferRequest> transfers, int from, int to, TransferResult[] results) {
            chainSnapshots.clear();
            chainStart = written.size();
            for (int k = from; k <= to; k++) {
                TransferRequest t = transfers.get(k);
                UUID[] effective = new UUID[1];
                ResultCode code = decideOne(t, effective);
                results[k] = new TransferResult(t.id(), code, effective[0]);
                if (!code.succeeded()) {
                    if (from == to) {
                        return;
                    }
                    rollbackChain();
                    for (int j = from; j <= to; j++) {
                        if (j != k) {
                            results[j] = new TransferResult(transfers.get(j).id(), ResultCode.LINKED_EVENT_FAILED, null);
                        }
                    }
                    return;
                }
            }
        }

        private void rollbackChain() {
            chainSnapshots.forEach(Balance::restore);
            chainSnapshots.clear();
            while (written.size() > chainStart) {
                Transfer t = written.remove(written.size() - 1);
                byId.remove(t.id());
                if (t.idempotencyKey() != null) {
                    byKey.remove(t.idempotencyKey());
                }
                if (t.pendingId() != null) {
                    resolutions.remove(t.pendingId());
                    newResolutions.remove(t.pendingId());
                }
            }
        }

        private void touch(Balance b) {
            chainSnapshots.computeIfAbsent(b, Balance::snapshot);
            if (!b.changed) {
                b.changed = true;
                touched.add(b);
            }
        }

        /** Decides one transfer; on success applies it to the balances and this batch's maps. */
        private ResultCode decideOne(TransferRequest t, UUID[] effective) {
            if (t.id() == null) {
                return ResultCode.ID_REQUIRED;
            }
            Transfer sameId = byId.get(t.id());
            if (sameId != null) {
                if (sameBody(t, sameId, true)) {
                    effective[0] = sameId.id();
                    return ResultCode.EXISTS;
                }
                return ResultCode.EXISTS_WITH_DIFFERENT_BODY;
            }
            if (carry != null && !idsLookedUp) {
                unverified.add(t.id());
            }
            if (t.idempotencyKey() != null) {
                Transfer sameKey = byKey.get(t.idempotencyKey());
                if (sameKey != null) {
                    if (sameBody(t, sameKey, false)) {
                        effective[0] = sameKey.id();
                        return ResultCode.EXISTS;
                    }
                    return ResultCode.IDEMPOTENCY_KEY_CONFLICT;
                }
            }
            ResultCode invalid = validate(t, today);
            if (invalid != null) {
                return invalid;
            }
            ResultCode code = t.kind() == TransferKind.SINGLE || t.kind() == TransferKind.PENDING
                    ? decideNew(t) : decideResolution(t);
            if (code == ResultCode.OK) {
                effective[0] = t.id();
            }
            return code;
        }

        private ResultCode decideNew(TransferRequest t) {
            Balance debit = accounts.get(t.debitAccountId());
            Balance credit = accounts.get(t.creditAccountId());
            if (debit == null || credit == null) {
                return ResultCode.ACCOUNT_NOT_FOUND;
            }
            if (!debit.programId.equals(credit.programId)) {
                return ResultCode.ACCOUNTS_IN_DIFFERENT_PROGRAMS;
            }
            LocalDate valueDate = t.valueDate() == null ? today : t.valueDate();
            if (closed(debit.programId, valueDate)) {
                return ResultCode.PERIOD_CLOSED;
            }
            long amount = t.amountFen();
            boolean pending = t.kind() == TransferKind.PENDING;
            long dp = debit.debitsPending;
            long dpo = debit.debitsPosted;
            long cp = credit.creditsPending;
            long cpo = credit.creditsPosted;
            try {
                if (pending) {
                    dp = Math.addExact(dp, amount);
                    cp = Math.addExact(cp, amount);
                } else {
                    dpo = Math.addExact(dpo, amount);
                    cpo = Math.addExact(cpo, amount);
                }
                if (debit.debitsMustNotExceedCredits && Math.addExact(dp, dpo) > debit.creditsPosted) {
                    return ResultCode.EXCEEDS_CREDITS;
                }
                if (credit.creditsMustNotExceedDebits && Math.addExact(cp, cpo) > credit.debitsPosted) {
                    return ResultCode.EXCEEDS_DEBITS;
                }
                // the sums the database's limit checks compute must not overflow either
                Math.addExact(cp, cpo);
                Math.addExact(dp, dpo);
            } catch (ArithmeticException overflow) {
                return ResultCode.OVERFLOW;
            }
            touch(debit);
            touch(credit);
            debit.debitsPending = dp;
            debit.debitsPosted = dpo;
            credit.creditsPending = cp;
            credit.creditsPosted = cpo;
            record(new Transfer(t.id(), 0, 0, t.kind(), debit.programId, debit.id, credit.id, amount, null,
                    t.code(), t.sourceType(), t.sourceId(), t.idempotencyKey(), valueDate, now, t.linked()));
            return ResultCode.OK;
        }

        private ResultCode decideResolution(TransferRequest t) {
            Transfer pending = byId.get(t.pendingId());
            if (pending == null) {
                return ResultCode.PENDING_NOT_FOUND;
            }
            if (pending.kind() != TransferKind.PENDING) {
                return ResultCode.PENDING_TRANSFER_NOT_PENDING;
            }
            TransferKind resolved = resolutions.get(pending.id());
            if (resolved == TransferKind.POST) {
                return ResultCode.PENDING_ALREADY_POSTED;
            }
            if (resolved == TransferKind.VOID) {
                return ResultCode.PENDING_ALREADY_VOIDED;
            }
            if ((t.debitAccountId() != null && !t.debitAccountId().equals(pending.debitAccountId()))
                    || (t.creditAccountId() != null && !t.creditAccountId().equals(pending.creditAccountId()))) {
                return ResultCode.PENDING_ACCOUNTS_DIFFER;
            }
            long amount;
            if (t.kind() == TransferKind.POST) {
                amount = t.amountFen() == TransferRequest.AMOUNT_OF_PENDING ? pending.amountFen() : t.amountFen();
                if (amount > pending.amountFen()) {
                    return ResultCode.POST_AMOUNT_EXCEEDS_PENDING;
                }
            } else {
                if (t.amountFen() != TransferRequest.AMOUNT_OF_PENDING && t.amountFen() != pending.amountFen()) {
                    return ResultCode.VOID_AMOUNT_DIFFERS;
                }
                amount = pending.amountFen();
            }
            LocalDate valueDate = t.valueDate() == null ? today : t.valueDate();
            if (closed(pending.programId(), valueDate)) {
                return ResultCode.PERIOD_CLOSED;
            }
            Balance debit = accounts.get(pending.debitAccountId());
            Balance credit = accounts.get(pending.creditAccountId());
            assert debit != null && credit != null : "accounts of a pending transfer are locked with it";
            long dp = debit.debitsPending - pending.amountFen();
            long cp = credit.creditsPending - pending.amountFen();
            long dpo = debit.debitsPosted;
            long cpo = credit.creditsPosted;
            if (dp < 0 || cp < 0) {
                throw new IllegalStateException("pending balance below zero resolving " + pending.id());
            }
            if (t.kind() == TransferKind.POST) {
                try {
                    dpo = Math.addExact(dpo, amount);
                    cpo = Math.addExact(cpo, amount);
                } catch (ArithmeticException overflow) {
                    return ResultCode.OVERFLOW;
                }
            }
            touch(debit);
            touch(credit);
            debit.debitsPending = dp;
            debit.debitsPosted = dpo;
            credit.creditsPending = cp;
            credit.creditsPosted = cpo;
            assert debit.withinLimits() && credit.withinLimits() : "resolving never raises debits or credits";
            record(new Transfer(t.id(), 0, 0, t.kind(), pending.programId(), pending.debitAccountId(),
                    pending.creditAccountId(), amount, pending.id(),
                    t.code() != null ? t.code() : pending.code(),
                    t.sourceType() != null ? t.sourceType() : pending.sourceType(),
                    t.sourceId() != null ? t.sourceId() : pending.sourceId(),
                    t.idempotencyKey(), valueDate, now, t.linked()));
            resolutions.put(pending.id(), t.kind());
            newResolutions.put(pending.id(), t.kind());
            return ResultCode.OK;
        }

        private void record(Transfer t) {
            written.add(t);
            byId.put(t.id(), t);
            if (t.idempotencyKey() != null) {
                byKey.put(t.idempotencyKey(), t);
            }
        }

        private boolean closed(String programId, LocalDate valueDate) {
            LocalDate through = closedThrough.get(programId);
            return through != null && !valueDate.isAfter(through);
        }

        /**
         * Is the request the same transfer as the stored one? Fields a post or void leaves out
         * are the pending transfer's, and a missing value date means "any day", so that a retry
         * after midnight is still recognised.
         */
        private boolean sameBody(TransferRequest t, Transfer stored, boolean compareKey) {
            if (t.kind() != stored.kind()
                    || (compareKey && !Objects.equals(t.idempotencyKey(), stored.idempotencyKey()))
                    || (t.valueDate() != null && !t.valueDate().equals(stored.valueDate()))) {
                return false;
            }
            if (t.kind() == TransferKind.SINGLE || t.kind() == TransferKind.PENDING) {
                return t.pendingId() == null
                        && stored.debitAccountId().equals(t.debitAccountId())
                        && stored.creditAccountId().equals(t.creditAccountId())
                        && stored.amountFen() == t.amountFen()
                        && stored.code().equals(t.code())
                        && stored.sourceType().equals(t.sourceType())
                        && stored.sourceId().equals(t.sourceId());
            }
            if (!stored.pendingId().equals(t.pendingId())) {
                return false;
            }
            Transfer pending = byId.get(stored.pendingId());
            long pendingAmount = pending == null ? -1 : pending.amountFen();
            boolean amountSame = t.amountFen() == TransferRequest.AMOUNT_OF_PENDING
                    ? stored.amountFen() == pendingAmount
                    : stored.amountFen() == t.amountFen();
            return amountSame
                    && (t.debitAccountId() == null || t.debitAccountId().equals(stored.debitAccountId()))
                    && (t.creditAccountId() == null || t.creditAccountId().equals(stored.creditAccountId()))
                    && (t.code() == null || t.code().equals(stored.code()))
                    && (t.sourceType() == null || t.sourceType().equals(stored.sourceType()))
                    && (t.sourceId() == null || t.sourceId().equals(stored.sourceId()));
        }

        /**
         * Everything this batch writes, encoded now (entry and batch hashes, COPY streams, new
         * balances), so that writing is only statements. Clears the accounts' change marks.
         */
        Sealed seal() {
            long seq = headSeq + 1;
            int n = written.size();
            Transfer[] rows = new Transfer[n];
            for (int i = 0; i < n; i++) {
                Transfer d = written.get(i);
                rows[i] = new Transfer(d.id(), seq, i, d.kind(), d.programId(), d.debitAccountId(),
                        d.creditAccountId(), d.amountFen(), d.pendingId(), d.code(), d.sourceType(), d.sourceId(),
                        d.idempotencyKey(), d.valueDate(), now, d.linked());
            }
            Sealed sealed = new Sealed();
            sealed.headSeq = headSeq;
            sealed.now = now;
            sealed.transfers = List.of(rows);
            sealed.requests = List.copyOf(newRequests);
            if (n == 0) {
                sealed.seq = headSeq;
                sealed.hash = headHash;
            } else {
                // SM3 is the writer's largest cost in Java: hash on every core
                byte[][] hashes = new byte[n][];
                if (n >= 64) {
                    java.util.stream.IntStream.range(0, n).parallel()
                            .forEach(i -> hashes[i] = JournalHash.entryHash(rows[i]));
                } else {
                    for (int i = 0; i < n; i++) {
                        hashes[i] = JournalHash.entryHash(rows[i]);
                    }
                }
                sealed.seq = seq;
                sealed.prevHash = headHash;
                sealed.hash = JournalHash.batchHash(headHash, seq, now, java.util.Arrays.asList(hashes));
                BinaryCopy copy = new BinaryCopy(n * 240 + 32);
                Map<UUID, int[]> positions = new HashMap<>();
                for (int i = 0; i < n; i++) {
                    Transfer t = rows[i];
                    copy.row(17).uuid(t.id()).int8(seq).int4(i).text(t.kind().name()).text(t.programId())
                            .uuid(t.debitAccountId()).uuid(t.creditAccountId()).int8(t.amountFen())
                            .uuid(t.pendingId()).text(t.code()).text(t.sourceType()).text(t.sourceId())
                            .text(t.idempotencyKey()).date(t.valueDate()).timestamptz(now).bool(t.linked())
                            .bytea(hashes[i]);
                    addPosition(positions, t.debitAccountId(), i);
                    addPosition(positions, t.creditAccountId(), i);
                }
                copy.finish();
                sealed.transferCopy = copy;
                BinaryCopy moves = new BinaryCopy(positions.size() * 64 + n * 16 + 32);
                positions.forEach((account, list) -> moves.row(3).uuid(account).int8(seq).int4Array(list, 1, list[0]));
                moves.finish();
                sealed.accountBatchCopy = moves;
            }
            List<Balance> changed = touched;
            changed.forEach(b -> b.changed = false);
            int m = changed.size();
            sealed.accountIds = new UUID[m];
            sealed.balances = new Long[4][m];
            for (int i = 0; i < m; i++) {
                Balance b = changed.get(i);
                sealed.accountIds[i] = b.id;
                sealed.balances[0][i] = b.debitsPending;
                sealed.balances[1][i] = b.debitsPosted;
                sealed.balances[2][i] = b.creditsPending;
                sealed.balances[3][i] = b.creditsPosted;
            }
            return sealed;
        }
    }

    /**
     * A batch's writes, ready to send: the batch row, the journal rows, the statement index
     * rows, the touched accounts' new balances, the chain head, the request keys.
     */
    static final class Sealed {
        long headSeq;
        long seq;
        byte[] prevHash;
        byte[] hash;
        OffsetDateTime now;
        List<Transfer> transfers;
        List<StoredRequest> requests;
        BinaryCopy transferCopy;
        BinaryCopy accountBatchCopy;
        UUID[] accountIds;
        Long[][] balances;

        void write(Connection c) throws SQLException {
            writeRows(c);
            writeTail(c);
        }

        /**
         * The batch's own rows: the batch row, the journal, the statement index, the request keys.
         * They collide with no other batch's rows, so the next batch may write them while this
         * one commits (the batch row's link to its predecessor is checked at commit).
         */
        void writeRows(Connection c) throws SQLException {
            if (!transfers.isEmpty()) {
                writeJournal(c);
            }
            if (!requests.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement("""
                        insert into ledger_request (idempotency_key, body_digest, results, actor, created_at)
                        values (?, ?, ?, ?, ?)""")) {
                    for (StoredRequest r : requests) {
                        ps.setString(1, r.key);
                        ps.setBytes(2, r.digest);
                        ps.setArray(3, c.createArrayOf("text", r.results.toArray()));
                        ps.setString(4, r.actor);
                        ps.setObject(5, now);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
        }

        private void writeJournal(Connection c) throws SQLException {
            int n = transfers.size();
            try (PreparedStatement ps = c.prepareStatement("""
                    insert into ledger_batch (seq, prev_seq, committed_at, transfer_count, prev_hash, hash)
                    values (?, ?, ?, ?, ?, ?)""")) {
                ps.setLong(1, seq);
                ps.setObject(2, seq == 1 ? null : seq - 1, java.sql.Types.BIGINT);
                ps.setObject(3, now);
                ps.setInt(4, n);
                ps.setBytes(5, prevHash);
                ps.setBytes(6, hash);
                ps.executeUpdate();
            }
            long ti = System.nanoTime();
            long inserted = copy(c, """
                    copy ledger_transfer (id, batch_seq, batch_index, kind, program_id, debit_account_id,
                        credit_account_id, amount_fen, pending_id, code, source_type, source_id, idempotency_key,
                        value_date, booked_at, linked, entry_hash) from stdin (format binary)""", transferCopy);
            if (inserted != n) {
                throw new IllegalStateException("inserted " + inserted + " of " + n + " transfers");
            }
            long ts = System.nanoTime();
            copy(c, "copy ledger_account_batch (account_id, batch_seq, batch_indexes) from stdin (format binary)",
                    accountBatchCopy);
            if (PROFILE) {
                System.err.printf("    copy %d transfers %.1f ms, statements %.1f ms%n", n, (ts - ti) / 1e6,
                        (System.nanoTime() - ts) / 1e6);
            }
        }

        /** The moved balances and the chain head: taken in chain order, under the head lock. */
        void writeTail(Connection c) throws SQLException {
            if (transfers.isEmpty()) {
                return;
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    update ledger_account a
                    set debits_pending = u.dp, debits_posted = u.dpo, credits_pending = u.cp, credits_posted = u.cpo
                    from unnest(?::uuid[], ?::int8[], ?::int8[], ?::int8[], ?::int8[]) as u(id, dp, dpo, cp, cpo)
                    where a.id = u.id""")) {
                ps.setArray(1, c.createArrayOf("uuid", accountIds));
                for (int k = 0; k < 4; k++) {
                    ps.setArray(2 + k, c.createArrayOf("int8", balances[k]));
                }
                long tu = System.nanoTime();
                int updated = ps.executeUpdate();
                if (PROFILE) {
                    System.err.printf("    update %d accounts %.1f ms%n", accountIds.length, (System.nanoTime() - tu) / 1e6);
                }
                if (updated != accountIds.length) {
                    throw new IllegalStateException("updated " + updated + " of " + accountIds.length + " accounts");
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "update ledger_chain_head set seq = ?, hash = ? where only_row and seq = ?")) {
                ps.setLong(1, seq);
                ps.setBytes(2, hash);
                ps.setLong(3, headSeq);
                if (ps.executeUpdate() != 1) {
                    throw new IllegalStateException("chain head moved under a held lock");
                }
            }
        }

        private static long copy(Connection c, String sql, BinaryCopy rows) throws SQLException {
            try {
                return c.unwrap(PGConnection.class).getCopyAPI().copyIn(sql,
                        new ByteArrayInputStream(rows.bytes(), 0, rows.length()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static void addPosition(Map<UUID, int[]> positions, UUID account, int index) {
        // int[0] = count, then the positions
        int[] list = positions.get(account);
        if (list == null) {
            list = new int[5];
            positions.put(account, list);
        } else if (list[0] + 1 == list.length) {
            list = java.util.Arrays.copyOf(list, list.length * 2);
            positions.put(account, list);
        }
        list[++list[0]] = index;
    }

    /**
     * Structural checks that need no state, in the documented order; {@code null} when valid.
     * Shared with the model in the tests' eyes only through the documented order.
     */
    static ResultCode validate(TransferRequest t, LocalDate today) {
        if (t.kind() == null) {
            return ResultCode.KIND_REQUIRED;
        }
        if (t.idempotencyKey() != null && (t.idempotencyKey().isBlank() || t.idempotencyKey().length() > MAX_KEY)) {
            return ResultCode.IDEMPOTENCY_KEY_INVALID;
        }
        boolean resolution = t.kind() == TransferKind.POST || t.kind() == TransferKind.VOID;
        if (resolution && t.pendingId() == null) {
            return ResultCode.PENDING_ID_REQUIRED;
        }
        if (!resolution && t.pendingId() != null) {
            return ResultCode.PENDING_ID_NOT_ALLOWED;
        }
        if (t.amountFen() <= 0) {
            return ResultCode.AMOUNT_MUST_BE_POSITIVE;
        }
        if (!resolution && (t.debitAccountId() == null || t.creditAccountId() == null)) {
            return ResultCode.ACCOUNTS_REQUIRED;
        }
        if (t.debitAccountId() != null && t.debitAccountId().equals(t.creditAccountId())) {
            return ResultCode.SAME_ACCOUNT;
        }
        if (t.code() == null ? !resolution : !matches(CODE, VALID_CODES, t.code())) {
            return ResultCode.CODE_INVALID;
        }
        boolean noSource = t.sourceType() == null && t.sourceId() == null;
        if (noSource ? !resolution : !validSource(t.sourceType(), t.sourceId())) {
            return ResultCode.SOURCE_INVALID;
        }
        if (t.valueDate() != null && t.valueDate().isAfter(today)) {
            return ResultCode.VALUE_DATE_IN_FUTURE;
        }
        return null;
    }

    // codes and source types are few and repeat in every batch: match each pattern once per value
    private static final Set<String> VALID_CODES = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final Set<String> VALID_SOURCE_TYPES = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final int MAX_REMEMBERED = 1024;

    private static boolean matches(Pattern pattern, Set<String> known, String value) {
        if (known.contains(value)) {
            return true;
        }
        boolean valid = pattern.matcher(value).matches();
        if (valid && known.size() < MAX_REMEMBERED) {
            known.add(value);
        }
        return valid;
    }

    private static boolean validSource(String type, String id) {
        return type != null && id != null && matches(SOURCE_TYPE, VALID_SOURCE_TYPES, type)
                && !id.isBlank() && id.length() <= MAX_SOURCE_ID;
    }

    /** An API request's key, body digest and the answer given to it. */
    record StoredRequest(String key, byte[] digest, List<String> results, String actor) {

        static List<String> encode(List<TransferResult> results) {
            List<String> out = new ArrayList<>(results.size());
            for (TransferResult r : results) {
                out.add(r.transferId() == null ? r.code().name() : r.code().name() + ":" + r.transferId());
            }
            return out;
        }

        List<TransferResult> decode(List<TransferRequest> transfers) {
            List<TransferResult> out = new ArrayList<>(results.size());
            for (int i = 0; i < results.size(); i++) {
                String r = results.get(i);
                int colon = r.indexOf(':');
                ResultCode code = ResultCode.valueOf(colon < 0 ? r : r.substring(0, colon));
                UUID transferId = colon < 0 ? null : UUID.fromString(r.substring(colon + 1));
                out.add(new TransferResult(transfers.get(i).id(), code, transferId));
            }
            return out;
        }
    }
}

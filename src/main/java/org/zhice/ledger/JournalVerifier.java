package org.zhice.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import org.zhice.ledger.Verification.Problem;
import org.zhice.ledger.Verification.ProblemKind;

/**
 * Recomputes the journal from the tables alone, in one consistent snapshot (repeatable read),
 * while writers go on: every entry hash, every batch hash and link, then every account's
 * balances, limits and Σ debits = Σ credits. Streams the journal; keeps per account four sums
 * and per outstanding pending transfer its amount.
 */
final class JournalVerifier {

    private static final int FETCH_SIZE = 5_000;

    private final DataSource dataSource;
    private final TransactionTemplate snapshot;
    private final Clock clock;

    JournalVerifier(DataSource dataSource, PlatformTransactionManager transactionManager, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.snapshot = new TransactionTemplate(transactionManager);
        snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        snapshot.setReadOnly(true);
        snapshot.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    Verification verify() {
        return snapshot.execute(status -> {
            Connection c = DataSourceUtils.getConnection(dataSource);
            try {
                return run(c);
            } catch (SQLException e) {
                throw new LedgerUnavailableException("could not read the journal: " + e.getMessage(), e);
            } finally {
                DataSourceUtils.releaseConnection(c, dataSource);
            }
        });
    }

    private record BatchRow(long seq, OffsetDateTime committedAt, int count, byte[] prevHash, byte[] hash) {
    }

    private final class Run {
        final List<Problem> problems = new ArrayList<>();
        boolean truncated;
        final Map<UUID, long[]> balances = new HashMap<>();
        final Map<UUID, Long> outstanding = new HashMap<>();
        final Map<UUID, Long> resolvedPending = new HashMap<>();

        void problem(ProblemKind kind, Long batchSeq, UUID transferId, UUID accountId, String detail) {
            if (problems.size() < Verification.MAX_PROBLEMS) {
                problems.add(new Problem(kind, batchSeq, transferId, accountId, detail));
            } else {
                truncated = true;
            }
        }

        long[] balance(UUID account) {
            return balances.computeIfAbsent(account, a -> new long[4]);
        }

        void replay(Transfer t, long batchSeq) {
            long[] debit = balance(t.debitAccountId());
            long[] credit = balance(t.creditAccountId());
            switch (t.kind()) {
                case SINGLE -> {
                    debit[1] += t.amountFen();
                    credit[3] += t.amountFen();
                }
                case PENDING -> {
                    debit[0] += t.amountFen();
                    credit[2] += t.amountFen();
                    outstanding.put(t.id(), t.amountFen());
                }
                case POST, VOID -> {
                    Long reserved = outstanding.remove(t.pendingId());
                    if (reserved == null) {
                        problem(ProblemKind.RESOLUTION_INVALID, batchSeq, t.id(), null,
                                "resolves " + t.pendingId() + ", which is not an outstanding pending transfer");
                        return;
                    }
                    if (t.kind() == TransferKind.POST ? t.amountFen() > reserved : t.amountFen() != reserved) {
                        problem(ProblemKind.RESOLUTION_INVALID, batchSeq, t.id(), null,
                                "amount " + t.amountFen() + " against a pending amount of " + reserved);
                    }
                    debit[0] -= reserved;
                    credit[2] -= reserved;
                    if (t.kind() == TransferKind.POST) {
                        debit[1] += t.amountFen();
                        credit[3] += t.amountFen();
                    }
                }
            }
        }
    }

    private Verification run(Connection c) throws SQLException {
        Run run = new Run();
        List<BatchRow> batches = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "select seq, committed_at, transfer_count, prev_hash, hash from ledger_batch order by seq")) {
            ps.setFetchSize(FETCH_SIZE);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    batches.add(new BatchRow(rs.getLong(1), rs.getObject(2, OffsetDateTime.class), rs.getInt(3),
                            rs.getBytes(4), rs.getBytes(5)));
                }
            }
        }
        long transfers = 0;
        byte[] previous = JournalHash.GENESIS;
        int next = 0;
        List<byte[]> entries = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select " + BatchApplier.TRANSFER_COLUMNS
                + ", entry_hash from ledger_transfer order by batch_seq, batch_index")) {
            ps.setFetchSize(FETCH_SIZE);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Transfer t = LedgerQueries.transfer(rs);
                    byte[] stored = rs.getBytes(17);
                    transfers++;
                    while (next < batches.size() && batches.get(next).seq() < t.batchSeq()) {
                        previous = closeBatch(run, batches.get(next), next, previous, entries);
                        entries = new ArrayList<>();
                        next++;
                    }
                    if (!JournalHash.same(JournalHash.entryHash(t), stored)) {
                        run.problem(ProblemKind.ENTRY_HASH_MISMATCH, t.batchSeq(), t.id(), null,
                                "transfer " + t.id() + " (batch " + t.batchSeq() + ", position " + t.batchIndex()
                                        + ") does not match its entry hash " + JournalHash.hex(stored));
                    }
                    entries.add(stored);
                    run.replay(t, t.batchSeq());
                }
            }
        }
        while (next < batches.size()) {
            previous = closeBatch(run, batches.get(next), next, previous, entries);
            entries = new ArrayList<>();
            next++;
        }
        long headSeq = 0;
        byte[] headHash = JournalHash.GENESIS;
        try (PreparedStatement ps = c.prepareStatement("select seq, hash from ledger_chain_head");
             ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
                headSeq = rs.getLong(1);
                headHash = rs.getBytes(2);
            }
        }
        long lastSeq = batches.isEmpty() ? 0 : batches.get(batches.size() - 1).seq();
        if (headSeq != lastSeq || !JournalHash.same(headHash, previous)) {
            run.problem(ProblemKind.HEAD_MISMATCH, headSeq, null, null,
                    "the chain head names batch " + headSeq + " " + JournalHash.hex(headHash)
                            + " but the chain ends at batch " + lastSeq + " " + JournalHash.hex(previous));
        }
        long accounts = checkAccounts(c, run);
        checkStatementIndex(c, run);
        return new Verification(run.problems.isEmpty(), batches.size(), transfers, accounts, lastSeq,
                JournalHash.hex(previous), OffsetDateTime.now(clock), List.copyOf(run.problems), run.truncated);
    }

    private byte[] closeBatch(Run run, BatchRow b, int position, byte[] previous, List<byte[]> entries) {
        long expectedSeq = position + 1L;
        if (b.seq() != expectedSeq) {
            run.problem(ProblemKind.CHAIN_GAP, b.seq(), null, null,
                    "batch " + b.seq() + " found where batch " + expectedSeq + " was expected");
        }
        if (!JournalHash.same(b.prevHash(), previous)) {
            run.problem(ProblemKind.PREVIOUS_HASH_MISMATCH, b.seq(), null, null,
                    "batch " + b.seq() + " links to " + JournalHash.hex(b.prevHash())
                            + " but the batch before it hashes to " + JournalHash.hex(previous));
        }
        if (entries.size() != b.count()) {
            run.problem(ProblemKind.TRANSFER_COUNT_MISMATCH, b.seq(), null, null,
                    "batch " + b.seq() + " recorded " + b.count() + " transfers; the journal holds " + entries.size());
        }
        byte[] recomputed = JournalHash.batchHash(b.prevHash(), b.seq(), b.committedAt(), entries);
        if (!JournalHash.same(recomputed, b.hash())) {
            run.problem(ProblemKind.BATCH_HASH_MISMATCH, b.seq(), null, null,
                    "batch " + b.seq() + " hashes to " + JournalHash.hex(recomputed) + ", recorded "
                            + JournalHash.hex(b.hash()));
        }
        return b.hash();
    }

    private long checkAccounts(Connection c, Run run) throws SQLException {
        long count = 0;
        long debitsPending = 0;
        long creditsPending = 0;
        long debitsPosted = 0;
        long creditsPosted = 0;
        try (PreparedStatement ps = c.prepareStatement("""
                select id, debits_must_not_exceed_credits, credits_must_not_exceed_debits,
                       debits_pending, debits_posted, credits_pending, credits_posted
                from ledger_account order by id""")) {
            ps.setFetchSize(FETCH_SIZE);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    count++;
                    UUID id = rs.getObject(1, UUID.class);
                    long[] stored = {rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getLong(7)};
                    long[] replayed = run.balances.getOrDefault(id, new long[4]);
                    run.balances.remove(id);
                    if (!java.util.Arrays.equals(stored, replayed)) {
                        run.problem(ProblemKind.BALANCE_MISMATCH, null, null, id, "account " + id
                                + " stores " + balances(stored) + "; the journal gives " + balances(replayed));
                    }
                    if ((rs.getBoolean(2) && replayed[0] + replayed[1] > replayed[3])
                            || (rs.getBoolean(3) && replayed[2] + replayed[3] > replayed[1])) {
                        run.problem(ProblemKind.LIMIT_EXCEEDED, null, null, id,
                                "account " + id + " is past its limit: " + balances(replayed));
                    }
                    debitsPending += stored[0];
                    debitsPosted += stored[1];
                    creditsPending += stored[2];
                    creditsPosted += stored[3];
                }
            }
        }
        for (UUID unknown : run.balances.keySet()) {
            run.problem(ProblemKind.BALANCE_MISMATCH, null, null, unknown,
                    "the journal moves account " + unknown + ", which does not exist");
        }
        if (debitsPending != creditsPending || debitsPosted != creditsPosted) {
            run.problem(ProblemKind.DEBITS_CREDITS_UNEQUAL, null, null, null,
                    "Σ debits pending/posted " + debitsPending + "/" + debitsPosted
                            + " ≠ Σ credits pending/posted " + creditsPending + "/" + creditsPosted);
        }
        return count;
    }

    /**
     * The statement index (ledger_account_batch) holds exactly the positions at which each
     * account is debited or credited in the journal: nothing missing, nothing extra.
     */
    private void checkStatementIndex(Connection c, Run run) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                with indexed as (
                    select account_id, batch_seq, unnest(batch_indexes) as batch_index from ledger_account_batch
                ), journal as (
                    select debit_account_id as account_id, batch_seq, batch_index from ledger_transfer
                    union all
                    select credit_account_id, batch_seq, batch_index from ledger_transfer
                )
                select account_id, batch_seq, batch_index, 'missing' from (select * from journal except all select * from indexed) m
                union all
                select account_id, batch_seq, batch_index, 'extra' from (select * from indexed except all select * from journal) x
                order by 2, 3 limit 50""");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                UUID account = rs.getObject(1, UUID.class);
                run.problem(ProblemKind.STATEMENT_INDEX_MISMATCH, rs.getLong(2), null, account,
                        "the statement index of account " + account + " has " + rs.getString(4)
                                + " position " + rs.getInt(3) + " of batch " + rs.getLong(2));
            }
        }
    }

    private static String balances(long[] b) {
        return "debits pending " + b[0] + ", posted " + b[1] + "; credits pending " + b[2] + ", posted " + b[3];
    }
}

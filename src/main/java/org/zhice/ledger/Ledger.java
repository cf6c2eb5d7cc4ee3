package org.zhice.ledger;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.zhice.audit.AuditLog;
import org.zhice.ledger.Submission.Outcome;

/**
 * The ledger's public face. Every fen that Zhice reserves, grants, pays or claws back is a
 * transfer between two accounts here.
 *
 * <p>{@link #post} takes a batch: each transfer gets its own {@link ResultCode}, all of them are
 * written in one database transaction, and a single transfer is a batch of one. Called outside
 * a transaction, the batch joins the batches of other concurrent callers into one commit
 * (group commit, see {@link BatchWriter}); called inside a transaction (a module that must
 * record its own decision and the money movement atomically), it is written in that transaction.
 */
@Service
public class Ledger {

    static final Pattern PROGRAM = Pattern.compile("[a-z0-9-]{3,64}");
    static final Pattern ACCOUNT_CODE = Pattern.compile("[A-Z][A-Z0-9_]{1,31}");
    static final Pattern OWNER = Pattern.compile("[0-9A-Za-z._:-]{1,64}");

    private final BatchApplier applier;
    private final BatchWriter writer;
    private final LedgerQueries queries;
    private final JournalVerifier verifier;
    private final DataSource dataSource;
    private final TransactionTemplate transactions;
    private final JdbcClient jdbc;
    private final AuditLog audit;
    private final Clock clock;

    Ledger(DataSource dataSource, PlatformTransactionManager transactionManager, JdbcClient jdbc, AuditLog audit,
           Clock clock, BatchWriter writer) {
        this.dataSource = dataSource;
        this.jdbc = jdbc;
        this.audit = audit;
        this.clock = clock;
        this.applier = new BatchApplier(clock, audit);
        this.writer = writer;
        this.queries = new LedgerQueries(jdbc);
        this.verifier = new JournalVerifier(dataSource, transactionManager, clock);
        this.transactions = new TransactionTemplate(transactionManager);
    }

    // ---- accounts ----

    /** Creates accounts; creating the same account again answers {@code EXISTS}. */
    public List<AccountResult> createAccounts(List<AccountRequest> requests) {
        if (requests.size() > BatchApplier.MAX_TRANSFERS_PER_BATCH) {
            throw new IllegalArgumentException("at most " + BatchApplier.MAX_TRANSFERS_PER_BATCH + " accounts per call");
        }
        return transactions.execute(status -> {
            OffsetDateTime now = JournalHash.truncate(OffsetDateTime.now(clock));
            List<AccountResult> results = new ArrayList<>(requests.size());
            for (AccountRequest r : requests) {
                AccountResult.Code invalid = validate(r);
                if (invalid != null) {
                    results.add(new AccountResult(r.id(), invalid));
                    continue;
                }
                int inserted = jdbc.sql("""
                                insert into ledger_account (id, program_id, code, owner, currency,
                                    debits_must_not_exceed_credits, credits_must_not_exceed_debits, created_at)
                                values (:id, :program, :code, :owner, 'CNY', :dmnec, :cmned, :at)
                                on conflict do nothing""")
                        .param("id", r.id())
                        .param("program", r.programId())
                        .param("code", r.code())
                        .param("owner", r.owner())
                        .param("dmnec", r.debitsMustNotExceedCredits())
                        .param("cmned", r.creditsMustNotExceedDebits())
                        .param("at", now)
                        .update();
                if (inserted == 1) {
                    audit.record("ledger.account.create", "ledger_account", r.id().toString(),
                            r.programId() + " " + r.code() + " " + r.owner());
                    results.add(new AccountResult(r.id(), AccountResult.Code.OK));
                    continue;
                }
                Optional<Account> existing = queries.account(r.id());
                boolean same = existing.isPresent() && existing.get().programId().equals(r.programId())
                        && existing.get().code().equals(r.code()) && existing.get().owner().equals(r.owner())
                        && existing.get().debitsMustNotExceedCredits() == r.debitsMustNotExceedCredits()
                        && existing.get().creditsMustNotExceedDebits() == r.creditsMustNotExceedDebits();
                results.add(new AccountResult(r.id(),
                        same ? AccountResult.Code.EXISTS : AccountResult.Code.EXISTS_WITH_DIFFERENT_BODY));
            }
            return results;
        });
    }

    private static AccountResult.Code validate(AccountRequest r) {
        if (r.id() == null) {
            return AccountResult.Code.ID_REQUIRED;
        }
        if (r.programId() == null || !PROGRAM.matcher(r.programId()).matches()) {
            return AccountResult.Code.PROGRAM_INVALID;
        }
        if (r.code() == null || !ACCOUNT_CODE.matcher(r.code()).matches()) {
            return AccountResult.Code.CODE_INVALID;
        }
        if (r.owner() == null || !OWNER.matcher(r.owner()).matches()) {
            return AccountResult.Code.OWNER_INVALID;
        }
        if (r.debitsMustNotExceedCredits() && r.creditsMustNotExceedDebits()) {
            return AccountResult.Code.FLAGS_ARE_MUTUALLY_EXCLUSIVE;
        }
        return null;
    }

    /** The account with its four balances. */
    public Optional<Account> balances(UUID accountId) {
        return queries.account(accountId);
    }

    /** The accounts of a program (at most 1,000), by code and owner. */
    public List<Account> accounts(String programId) {
        return queries.accounts(programId);
    }

    /** Programs that have accounts (at most 1,000). */
    public List<String> programs() {
        return queries.programs();
    }

    // ---- transfers ----

    /**
     * Posts a batch (at most {@value BatchApplier#MAX_TRANSFERS_PER_BATCH} transfers); the
     * results are in the batch's order. Blocks until the batch is committed.
     *
     * @throws LedgerUnavailableException when the outcome is unknown; retry with the same ids
     */
    public List<TransferResult> post(List<TransferRequest> transfers) {
        checkSize(transfers);
        if (transfers.isEmpty()) {
            return List.of();
        }
        Submission submission = Submission.of(List.copyOf(transfers));
        return submit(submission).results();
    }

    /** What the writer's pipeline has done since start (tests). */
    BatchWriter.Stats writerStats() {
        return writer.stats();
    }

    /** {@link #post}, answering later; never inside the caller's transaction. */
    public CompletableFuture<List<TransferResult>> postAsync(List<TransferRequest> transfers) {
        checkSize(transfers);
        if (transfers.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        Submission submission = Submission.of(List.copyOf(transfers));
        return writer.submit(submission).thenApply(Outcome::results);
    }

    /** The answer to a request posted with a request-level idempotency key. */
    public record PostedRequest(boolean replayed, List<TransferResult> results) {
    }

    /**
     * Posts a batch once per {@code requestKey}: the key, a digest of the batch and the answer
     * are stored in the same transaction as the transfers. The same key with the same batch
     * answers the stored results again ({@code replayed}); with another batch it is refused.
     *
     * @param actor who asks, for the audit log
     * @throws IdempotencyKeyConflictException when the key was used with a different batch
     */
    public PostedRequest post(String requestKey, String actor, List<TransferRequest> transfers) {
        checkSize(transfers);
        if (requestKey == null || requestKey.isBlank() || requestKey.length() > BatchApplier.MAX_KEY) {
            throw new IllegalArgumentException("a request key of 1 to " + BatchApplier.MAX_KEY + " characters is required");
        }
        List<TransferRequest> copy = List.copyOf(transfers);
        Submission submission = new Submission(copy, requestKey, JournalHash.requestDigest(copy),
                Objects.requireNonNull(actor), new CompletableFuture<>());
        Outcome outcome = submit(submission);
        if (outcome.status() == Outcome.Status.CONFLICT) {
            throw new IdempotencyKeyConflictException(requestKey);
        }
        return new PostedRequest(outcome.status() == Outcome.Status.REPLAYED, outcome.results());
    }

    private static void checkSize(List<TransferRequest> transfers) {
        if (transfers.size() > BatchApplier.MAX_TRANSFERS_PER_BATCH) {
            throw new IllegalArgumentException("at most " + BatchApplier.MAX_TRANSFERS_PER_BATCH
                    + " transfers per batch, got " + transfers.size());
        }
    }

    private Outcome submit(Submission submission) {
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            Connection connection = DataSourceUtils.getConnection(dataSource);
            try {
                return applier.apply(connection, List.of(submission)).get(0);
            } catch (SQLException e) {
                throw new LedgerUnavailableException("the ledger could not write: " + e.getMessage(), e);
            } finally {
                DataSourceUtils.releaseConnection(connection, dataSource);
            }
        }
        try {
            return writer.submit(submission).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LedgerUnavailableException("interrupted while waiting for the ledger; retry with the same ids", e);
        } catch (ExecutionException | CompletionException | CancellationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof LedgerUnavailableException unavailable) {
                throw unavailable;
            }
            throw new LedgerUnavailableException("the ledger failed: " + cause.getMessage(), cause);
        }
    }

    /** A transfer, the pending transfer it resolves or its resolution, and its business record. */
    public Optional<TransferHistory> history(UUID transferId) {
        return queries.transfer(transferId).map(t -> {
            Optional<Transfer> pending = t.pendingId() == null ? Optional.empty() : queries.transfer(t.pendingId());
            Optional<Transfer> resolution = t.kind() == TransferKind.PENDING
                    ? queries.resolutionOf(t.id()) : Optional.empty();
            LedgerQueries.BatchLink batch = queries.batch(t.batchSeq()).orElseThrow();
            return new TransferHistory(t, pending, resolution,
                    queries.account(t.debitAccountId()).orElseThrow(),
                    queries.account(t.creditAccountId()).orElseThrow(),
                    batch.seq(), JournalHash.hex(batch.hash()), batch.committedAt(),
                    queries.bySource(t.sourceType(), t.sourceId()));
        });
    }

    /** The latest transfers that moved an account, newest first (at most 1,000). */
    public List<Transfer> transfersOf(UUID accountId, int limit) {
        return queries.ofAccount(accountId, limit);
    }

    /** Transfers of one business record, in journal order (at most 1,000). */
    public List<Transfer> transfersOfSource(String sourceType, String sourceId) {
        return queries.bySource(sourceType, sourceId);
    }

    // ---- periods ----

    /** Outcome of {@link #closePeriod}. */
    public enum PeriodCloseResult { OK, PROGRAM_INVALID, NOT_IN_THE_PAST, ALREADY_CLOSED }

    /**
     * Closes a program's books through {@code through} (inclusive): from now on no transfer with a
     * value date on or before it is accepted. Closing only moves forward and never covers today.
     */
    public PeriodCloseResult closePeriod(String programId, LocalDate through) {
        if (programId == null || !PROGRAM.matcher(programId).matches()) {
            return PeriodCloseResult.PROGRAM_INVALID;
        }
        return transactions.execute(status -> {
            // the writers' lock and the chain head lock order this close with every batch
            jdbc.sql("select 1 from (select pg_advisory_xact_lock(:lock)) locked")
                    .param("lock", BatchApplier.WRITERS_LOCK).query(Integer.class).single();
            jdbc.sql("select seq from ledger_chain_head where only_row for update").query(Long.class).single();
            OffsetDateTime now = JournalHash.truncate(OffsetDateTime.now(clock));
            if (!through.isBefore(now.atZoneSameInstant(BatchApplier.ZONE).toLocalDate())) {
                return PeriodCloseResult.NOT_IN_THE_PAST;
            }
            Optional<LocalDate> current = queries.closedThrough(programId);
            if (current.isPresent() && !through.isAfter(current.get())) {
                return PeriodCloseResult.ALREADY_CLOSED;
            }
            jdbc.sql("""
                            insert into ledger_period_close (program_id, closed_through, closed_at, closed_by)
                            values (:p, :d, :at, :by)""")
                    .param("p", programId)
                    .param("d", through)
                    .param("at", now)
                    .param("by", actor())
                    .update();
            audit.record("ledger.period.close", "ledger_program", programId, "closed through " + through);
            return PeriodCloseResult.OK;
        });
    }

    public Optional<LocalDate> closedThrough(String programId) {
        return queries.closedThrough(programId);
    }

    private static String actor() {
        var auth = org.springframework.security.core.context.SecurityContextHolder.getContext().getAuthentication();
        return auth == null ? "system" : auth.getName();
    }

    // ---- verification ----

    /** The tip of the hash chain: last batch, its time and hash. */
    public record ChainHead(long seq, OffsetDateTime committedAt, String hashHex) {
    }

    public ChainHead head() {
        LedgerQueries.BatchLink head = queries.head();
        return new ChainHead(head.seq(), head.committedAt(), JournalHash.hex(head.hash()));
    }

    /** Recomputes the chain and every balance from the journal; names the first broken link. */
    public Verification verify() {
        return verifier.verify();
    }
}

package org.zhice.ledger;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.zhice.ledger.Submission.Outcome;

/**
 * Group commit, pipelined. Callers put their batches on a queue and wait on a future; one writer
 * thread takes everything that has queued up (up to {@link BatchApplier#MAX_TRANSFERS_PER_BATCH}
 * transfers) and decides it in memory while a committer thread writes and commits the batch
 * before it (one transaction, one commit each); a third thread wakes the callers. While one
 * batch commits, the next one fills and is decided: the busier the ledger, the larger the batches.
 */
final class BatchWriter implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(BatchWriter.class);
    static final int QUEUE_CAPACITY = 200_000;
    private static final long OFFER_TIMEOUT_SECONDS = 30;

    private final LinkedBlockingQueue<Submission> queue = new LinkedBlockingQueue<>(QUEUE_CAPACITY);
    private final BatchApplier applier;
    private final DataSource dataSource;
    private final TransactionTemplate transactions;
    private ExecutorService completer;
    private ExecutorService committer;
    private Thread thread;
    private volatile boolean running;
    private Submission carried;

    BatchWriter(BatchApplier applier, DataSource dataSource, PlatformTransactionManager transactionManager) {
        this.applier = applier;
        this.dataSource = dataSource;
        this.transactions = new TransactionTemplate(transactionManager);
    }

    CompletableFuture<Outcome> submit(Submission submission) {
        if (!running) {
            throw new LedgerUnavailableException("the ledger writer is not running", null);
        }
        try {
            if (!queue.offer(submission, OFFER_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new LedgerUnavailableException("the ledger queue stayed full for "
                        + OFFER_TIMEOUT_SECONDS + " s", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LedgerUnavailableException("interrupted while queueing", e);
        }
        if (!running && queue.remove(submission)) {
            throw new LedgerUnavailableException("the ledger writer stopped", null);
        }
        return submission.future();
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        completer = Executors.newSingleThreadExecutor(r -> daemon(r, "ledger-completer"));
        committer = Executors.newSingleThreadExecutor(r -> daemon(r, "ledger-committer"));
        thread = daemon(this::loop, "ledger-writer");
        thread.start();
    }

    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Submission> left = new ArrayList<>();
        queue.drainTo(left);
        LedgerUnavailableException stopped = new LedgerUnavailableException("the ledger writer stopped", null);
        left.forEach(s -> s.future().completeExceptionally(stopped));
        completer.shutdown();
        committer.shutdown();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * The pipeline: while the committer thread writes and commits batch N, this thread decides
     * batch N+1 in memory against the state carried forward from N. N+1 goes to the committer
     * only once N has committed as decided; if N failed or anything moved, N+1 is discarded and
     * applied on the safe path (look up everything under the lock), and so is any batch whose
     * fast path hits a surprise (a taken id, another writer, a closed period).
     */
    private void loop() {
        BatchApplier.Carry carry = new BatchApplier.Carry();
        InFlight inflight = null;
        while (running || !queue.isEmpty() || carried != null || inflight != null) {
            List<Submission> batch = new ArrayList<>();
            try {
                if (!take(batch, inflight == null)) {
                    if (inflight != null) {
                        finish(inflight, carry);
                        inflight = null;
                    }
                    continue;
                }
                if (inflight == null && carry.tooLarge()) {
                    carry.invalidate();
                }
                BatchApplier.Decided decided = decideAhead(batch, carry);
                if (inflight != null) {
                    boolean committedAsDecided = finish(inflight, carry);
                    inflight = null;
                    if (!committedAsDecided) {
                        decided = null;
                    }
                }
                if (decided == null) {
                    carry.invalidate();
                    write(batch);
                    continue;
                }
                BatchApplier.Decided toCommit = decided;
                inflight = new InFlight(toCommit, CompletableFuture.supplyAsync(() -> commit(toCommit), committer));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | Error e) {
                log.error("ledger writer: unexpected failure", e);
                carry.invalidate();
                fail(batch, e);
            }
        }
    }

    private record InFlight(BatchApplier.Decided decided, CompletableFuture<Boolean> committed) {
    }

    private BatchApplier.Decided decideAhead(List<Submission> batch, BatchApplier.Carry carry) {
        long started = System.nanoTime();
        try (Connection reader = dataSource.getConnection()) {
            BatchApplier.Decided decided = applier.decideAhead(reader, batch, carry);
            if (BatchApplier.PROFILE) {
                System.err.printf("  decided %d submissions ahead in %.1f ms%s%n", batch.size(),
                        (System.nanoTime() - started) / 1e6, decided == null ? " (safe path)" : "");
            }
            if (decided == null) {
                carry.invalidate();
            }
            return decided;
        } catch (SQLException | RuntimeException e) {
            log.debug("ledger: deciding ahead failed; taking the safe path", e);
            carry.invalidate();
            return null;
        }
    }

    /** On the committer thread: true when committed as decided, false when the safe path must redo it. */
    private boolean commit(BatchApplier.Decided decided) {
        long started = System.nanoTime();
        try {
            Boolean ok = transactions.execute(status -> {
                Connection connection = DataSourceUtils.getConnection(dataSource);
                try {
                    if (!applier.commitAhead(connection, decided)) {
                        status.setRollbackOnly();
                        return false;
                    }
                    return true;
                } catch (SQLException e) {
                    throw new LedgerUnavailableException("the ledger could not write a batch: " + e.getMessage(), e);
                } finally {
                    DataSourceUtils.releaseConnection(connection, dataSource);
                }
            });
            if (BatchApplier.PROFILE) {
                System.err.printf("  committed %d transfers in %.1f ms%n", decided.sealed().transfers.size(),
                        (System.nanoTime() - started) / 1e6);
            }
            return Boolean.TRUE.equals(ok);
        } catch (RuntimeException e) {
            // a taken id (primary key), a race the checks did not see, or the database: redo safely
            log.debug("ledger: a batch decided ahead did not commit; taking the safe path", e);
            return false;
        }
    }

    /** Waits for the batch in flight; answers its callers, or redoes it on the safe path. */
    private boolean finish(InFlight inflight, BatchApplier.Carry carry) throws InterruptedException {
        boolean committed;
        try {
            committed = inflight.committed().get();
        } catch (java.util.concurrent.ExecutionException e) {
            committed = false;
        }
        if (committed) {
            complete(inflight.decided().submissions(), inflight.decided().outcomes());
            return true;
        }
        carry.invalidate();
        carry.retriesSeen();
        write(inflight.decided().submissions());
        return false;
    }

    /**
     * Fills {@code batch} with what has queued up; false when nothing came (within 100 ms when
     * {@code wait}, at once otherwise).
     */
    private boolean take(List<Submission> batch, boolean wait) throws InterruptedException {
        Submission first = carried != null ? carried
                : wait ? queue.poll(100, TimeUnit.MILLISECONDS) : queue.poll();
        carried = null;
        if (first == null) {
            return false;
        }
        batch.add(first);
        int transfers = first.size();
        Submission next;
        while (transfers < BatchApplier.MAX_TRANSFERS_PER_BATCH && (next = queue.poll()) != null) {
            if (transfers + next.size() > BatchApplier.MAX_TRANSFERS_PER_BATCH) {
                carried = next;
                break;
            }
            batch.add(next);
            transfers += next.size();
        }
        return true;
    }

    /** The safe path: everything looked up under the lock; one submission at a time if the batch fails. */
    private void write(List<Submission> batch) {
        try {
            long started = System.nanoTime();
            List<Outcome> outcomes = applyInTransaction(batch);
            if (BatchApplier.PROFILE) {
                System.err.printf("  safe path: batch with commit %.1f ms%n", (System.nanoTime() - started) / 1e6);
            }
            complete(batch, outcomes);
        } catch (RuntimeException e) {
            if (batch.size() == 1) {
                log.warn("ledger batch failed", e);
                fail(batch, e);
                return;
            }
            // one submission may be at fault: give every one its own transaction
            log.warn("ledger batch of {} submissions failed; retrying them one by one", batch.size(), e);
            for (Submission s : batch) {
                try {
                    complete(List.of(s), applyInTransaction(List.of(s)));
                } catch (RuntimeException alone) {
                    fail(List.of(s), alone);
                }
            }
        }
    }

    private List<Outcome> applyInTransaction(List<Submission> batch) {
        return transactions.execute(status -> {
            Connection connection = DataSourceUtils.getConnection(dataSource);
            try {
                return applier.apply(connection, batch);
            } catch (SQLException e) {
                throw new LedgerUnavailableException("the ledger could not write a batch: " + e.getMessage(), e);
            } finally {
                DataSourceUtils.releaseConnection(connection, dataSource);
            }
        });
    }

    private void complete(List<Submission> batch, List<Outcome> outcomes) {
        completer.execute(() -> {
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).future().complete(outcomes.get(i));
            }
        });
    }

    private void fail(List<Submission> batch, Throwable cause) {
        LedgerUnavailableException e = cause instanceof LedgerUnavailableException u ? u
                : new LedgerUnavailableException("the ledger could not confirm the batch: " + cause.getMessage(), cause);
        batch.forEach(s -> s.future().completeExceptionally(e));
    }
}

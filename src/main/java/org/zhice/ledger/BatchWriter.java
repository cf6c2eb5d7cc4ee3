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
 * Group commit. Callers put their batches on a queue and wait on a future; one writer thread
 * takes everything that has queued up (up to {@link BatchApplier#MAX_TRANSFERS_PER_BATCH}
 * transfers), applies it in one transaction with one commit, and hands the answers to a second
 * thread that wakes the callers while the writer starts on the next batch. While one batch
 * commits, the next one fills: the busier the ledger, the larger the batches.
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

    private void loop() {
        List<Submission> batch = new ArrayList<>();
        while (running || !queue.isEmpty() || carried != null) {
            try {
                if (!take(batch)) {
                    continue;
                }
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | Error e) {
                log.error("ledger writer: unexpected failure", e);
                fail(batch, e);
            } finally {
                batch = new ArrayList<>();
            }
        }
    }

    /** Fills {@code batch} with what has queued up; false when nothing came within 100 ms. */
    private boolean take(List<Submission> batch) throws InterruptedException {
        Submission first = carried != null ? carried : queue.poll(100, TimeUnit.MILLISECONDS);
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

    private void write(List<Submission> batch) {
        try {
            long started = System.nanoTime();
            List<Outcome> outcomes = applyInTransaction(batch);
            if (BatchApplier.PROFILE) {
                System.err.printf("  batch with commit %.1f ms%n", (System.nanoTime() - started) / 1e6);
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

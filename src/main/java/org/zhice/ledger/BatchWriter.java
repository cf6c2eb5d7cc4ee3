package org.zhice.ledger;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
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
 * transfers) and decides it in memory, while two committer threads write the batches before it
 * (one transaction, one commit each): one batch copies its rows while the one before it takes the
 * chain head and commits. A fourth thread wakes the callers. The busier the ledger, the larger the
 * batches.
 */
final class BatchWriter implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(BatchWriter.class);
    static final int QUEUE_CAPACITY = 200_000;
    private static final long OFFER_TIMEOUT_SECONDS = 30;
    /** Batches written at once: one commits while the next ones copy their rows. */
    static final int COMMITTERS = Integer.getInteger("zhice.ledger.committers", 2);
    /**
     * A batch smaller than this does not start while another one is in flight: it could not
     * commit before that one anyway, and it would hold a committer; it waits for the oldest batch
     * to commit and takes what has queued up meanwhile.
     */
    static final int MIN_OVERLAPPED_TRANSFERS = Integer.getInteger("zhice.ledger.min-overlapped", 256);

    private final LinkedBlockingQueue<Submission> queue = new LinkedBlockingQueue<>(QUEUE_CAPACITY);
    private final BatchApplier applier;
    private final DataSource dataSource;
    private final TransactionTemplate transactions;
    private ExecutorService completer;
    private ExecutorService committers;
    private Thread thread;
    private volatile boolean running;
    private Submission carried;
    // what the pipeline did, for the tests and the benchmark
    private final java.util.concurrent.atomic.AtomicLong overlapped = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong redone = new java.util.concurrent.atomic.AtomicLong();

    /** Batches that started while the batch before them was still committing; batches redone on the safe path. */
    record Stats(long overlapped, long redone) {
    }

    Stats stats() {
        return new Stats(overlapped.get(), redone.get());
    }

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
        committers = Executors.newFixedThreadPool(COMMITTERS, r -> daemon(r, "ledger-committer"));
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
        committers.shutdown();
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
     * The pipeline: up to {@link #COMMITTERS} batches are written at once, each by its own
     * committer in its own transaction, while this thread decides the next one in memory against
     * the state carried forward from the batches before it. A batch copies its rows while its
     * predecessor commits, and takes the chain head only after the predecessor has committed as
     * decided; if a batch fails or anything moved, it and every batch decided on top of it roll
     * back and are applied again, in order, on the safe path (look up everything under the lock),
     * and so is any batch whose fast path hits a surprise (a taken id, another writer, a closed
     * period). Callers are answered as soon as their batch has committed.
     */
    private void loop() {
        BatchApplier.Carry carry = new BatchApplier.Carry();
        ArrayDeque<InFlight> inflight = new ArrayDeque<>();
        while (running || !queue.isEmpty() || carried != null || !inflight.isEmpty()) {
            List<Submission> batch = new ArrayList<>();
            try {
                if (!take(batch, inflight.isEmpty())) {
                    if (!inflight.isEmpty() && !finish(inflight.poll(), carry)) {
                        finishAll(inflight, carry);
                    }
                    continue;
                }
                // the carried state names the batches in flight: never more than it holds
                if ((inflight.size() == COMMITTERS || !inflight.isEmpty() && size(batch) < MIN_OVERLAPPED_TRANSFERS)
                        && !finish(inflight.poll(), carry)) {
                    finishAll(inflight, carry);
                }
                topUp(batch);
                if (!carry.valid || carry.tooLarge()) {
                    finishAll(inflight, carry);
                    carry.invalidate();
                }
                BatchApplier.Decided decided = decideAhead(batch, carry);
                if (decided == null) {
                    finishAll(inflight, carry);
                    carry.invalidate();
                    write(batch);
                    continue;
                }
                BatchApplier.Decided toCommit = decided;
                BatchApplier.Predecessor predecessor = BatchApplier.Predecessor.NONE;
                if (!inflight.isEmpty()) {
                    predecessor = inflight.peekLast();
                    overlapped.incrementAndGet();
                }
                CompletableFuture<Void> locked = new CompletableFuture<>();
                BatchApplier.Predecessor before = predecessor;
                inflight.add(new InFlight(toCommit, locked,
                        CompletableFuture.supplyAsync(() -> commit(toCommit, before, locked), committers)));
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

    /** A batch being written: {@code locked} once it holds its locks, {@code committed} once it is known. */
    private record InFlight(BatchApplier.Decided decided, CompletableFuture<Void> locked,
                            CompletableFuture<Boolean> outcome) implements BatchApplier.Predecessor {

        @Override
        public void awaitLocked() {
            locked.join();
        }

        @Override
        public boolean committed() {
            try {
                return outcome.join();
            } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
                return false;
            }
        }
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

    /**
     * On a committer thread: true when committed as decided (and the callers are answered), false
     * when the safe path must redo it.
     */
    private boolean commit(BatchApplier.Decided decided, BatchApplier.Predecessor predecessor,
                           CompletableFuture<Void> locked) {
        long started = System.nanoTime();
        try {
            Boolean ok = transactions.execute(status -> {
                Connection connection = DataSourceUtils.getConnection(dataSource);
                try {
                    if (!applier.commitAhead(connection, decided, predecessor, () -> locked.complete(null))) {
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
            if (Boolean.TRUE.equals(ok)) {
                complete(decided.submissions(), decided.outcomes());
                return true;
            }
            return false;
        } catch (RuntimeException e) {
            // a taken id (primary key), a race the checks did not see, or the database: redo safely
            log.debug("ledger: a batch decided ahead did not commit; taking the safe path", e);
            return false;
        } finally {
            locked.complete(null);
        }
    }

    /** Waits for a batch in flight; if it did not commit as decided, redoes it on the safe path. */
    private boolean finish(InFlight inflight, BatchApplier.Carry carry) throws InterruptedException {
        boolean committed;
        try {
            committed = inflight.outcome().get();
        } catch (java.util.concurrent.ExecutionException e) {
            committed = false;
        }
        if (committed) {
            return true;
        }
        carry.invalidate();
        carry.retriesSeen();
        redone.incrementAndGet();
        write(inflight.decided().submissions());
        return false;
    }

    /** Waits for every batch in flight, oldest first. */
    private void finishAll(ArrayDeque<InFlight> inflight, BatchApplier.Carry carry) throws InterruptedException {
        while (!inflight.isEmpty()) {
            finish(inflight.poll(), carry);
        }
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
        topUp(batch);
        return true;
    }

    private static int size(List<Submission> batch) {
        int transfers = 0;
        for (Submission s : batch) {
            transfers += s.size();
        }
        return transfers;
    }

    /** Adds what has queued up since the batch was taken, as far as it fits. */
    private void topUp(List<Submission> batch) {
        int transfers = size(batch);
        Submission next;
        while (carried == null && transfers < BatchApplier.MAX_TRANSFERS_PER_BATCH && (next = queue.poll()) != null) {
            if (transfers + next.size() > BatchApplier.MAX_TRANSFERS_PER_BATCH) {
                carried = next;
                break;
            }
            batch.add(next);
            transfers += next.size();
        }
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

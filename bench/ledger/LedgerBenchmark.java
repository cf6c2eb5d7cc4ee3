package org.zhice.ledger;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import javax.sql.DataSource;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;
import org.zhice.ZhiceApplication;

/**
 * bench/ledger/run: budget reservations against one hot pool account, with durable commits
 * (fsync and synchronous_commit on), through the real {@link Ledger} (group commit) and, in the
 * same run and database, through a naive baseline: one transaction per reservation that locks
 * the pool row with SELECT … FOR UPDATE, checks, updates it and inserts the reservation.
 *
 * <p>Last line: {@code ledger_per_s=<n> baseline_per_s=<n> ratio=<x> invariants=<ok|broken>}.
 * System properties: {@code bench.seconds} (10), {@code bench.warmup.seconds} (10),
 * {@code bench.clients} (ledger callers, 8192: enough to keep both cores busy; see docs/performance.md), {@code bench.blocking} (callers are platform threads
 * blocked in {@link Ledger#post}; default: asynchronous callers), {@code bench.baseline.clients} (16),
 * {@code bench.enterprises} (1000).
 */
public final class LedgerBenchmark {

    private static final String PROGRAM = "bench-ledger";

    private LedgerBenchmark() {
    }

    /** Time from posting a reservation to its answer, in whole milliseconds (up to 10 s). */
    static final class Latency {
        private final java.util.concurrent.atomic.AtomicLongArray counts = new java.util.concurrent.atomic.AtomicLongArray(10_001);

        void record(long nanos) {
            counts.incrementAndGet((int) Math.min(10_000, nanos / 1_000_000));
        }

        void reset() {
            for (int i = 0; i < counts.length(); i++) {
                counts.set(i, 0);
            }
        }

        long percentileMillis(double p) {
            long total = 0;
            for (int i = 0; i < counts.length(); i++) {
                total += counts.get(i);
            }
            long rank = Math.max(1, (long) Math.ceil(p * total));
            long seen = 0;
            for (int i = 0; i < counts.length(); i++) {
                seen += counts.get(i);
                if (seen >= rank) {
                    return i;
                }
            }
            return counts.length() - 1;
        }
    }

    static final Latency LATENCY = new Latency();

    public static void main(String[] args) throws Exception {
        int seconds = Integer.getInteger("bench.seconds", 10);
        int warmupSeconds = Integer.getInteger("bench.warmup.seconds", 10);
        int clients = Integer.getInteger("bench.clients", 8192);
        int baselineClients = Integer.getInteger("bench.baseline.clients", 16);
        int enterprises = Integer.getInteger("bench.enterprises", 1000);
        Path dataDir = Files.createTempDirectory("zhice-bench-ledger");
        ConfigurableApplicationContext context = new SpringApplicationBuilder(ZhiceApplication.class)
                .web(WebApplicationType.SERVLET)
                .run("--server.port=0", "--zhice.data-dir=" + dataDir, "--zhice.db.embedded.clean=true",
                        "--zhice.demo.enabled=false", "--zhice.db.pool-size=" + (baselineClients + 8),
                        "--spring.main.banner-mode=off", "--logging.level.root=WARN");
        boolean invariants;
        double ledgerPerSecond;
        double baselinePerSecond;
        try {
            Ledger ledger = context.getBean(Ledger.class);
            DataSource dataSource = context.getBean(DataSource.class);
            settings(dataSource);

            UUID funding = AccountRequest.idFor(PROGRAM, AccountCode.FUNDING.name(), "office");
            UUID pool = AccountRequest.idFor(PROGRAM, AccountCode.BUDGET_POOL.name(), "office");
            List<AccountRequest> accounts = new ArrayList<>();
            accounts.add(AccountRequest.of(PROGRAM, AccountCode.FUNDING, "office"));
            accounts.add(AccountRequest.of(PROGRAM, AccountCode.BUDGET_POOL, "office"));
            UUID[] reserved = new UUID[enterprises];
            for (int i = 0; i < enterprises; i++) {
                String owner = String.format(Locale.ROOT, "91330100MA%08d", i);
                accounts.add(AccountRequest.of(PROGRAM, AccountCode.ENTERPRISE_RESERVED, owner));
                reserved[i] = accounts.get(accounts.size() - 1).id();
            }
            ledger.createAccounts(accounts);
            long budgetFen = 1_000_000_000_000_000L;
            check(ledger.post(List.of(TransferRequest.single(UUID.randomUUID(), funding, pool, budgetFen,
                    "APPROPRIATION", "bench.program", PROGRAM))).get(0).code() == ResultCode.OK, "funding");

            LongAdder okFen = new LongAdder();
            System.out.printf(Locale.ROOT, "warm-up %d s with %d ledger callers …%n", warmupSeconds, clients);
            runLedger(ledger, pool, reserved, clients, warmupSeconds, okFen);
            System.out.printf(Locale.ROOT, "ledger %d s with %d callers …%n", seconds, clients);
            CpuMeter cpu = new CpuMeter(dataDir.resolve("postgres"));
            LATENCY.reset();
            long okCount = runLedger(ledger, pool, reserved, clients, seconds, okFen);
            ledgerPerSecond = okCount / (double) seconds;
            System.out.printf(Locale.ROOT, "ledger: %d reservations in %d s; %s%n", okCount, seconds, cpu.report(okCount));
            System.out.printf(Locale.ROOT, "ledger: a caller waited for its answer p50 %d ms, p99 %d ms, max %d ms%n",
                    LATENCY.percentileMillis(0.50), LATENCY.percentileMillis(0.99), LATENCY.percentileMillis(1.0));

            System.out.printf(Locale.ROOT, "baseline %d s with %d connections …%n", seconds, baselineClients);
            long baselineCount = runBaseline(dataSource, baselineClients, warmupSeconds, seconds, enterprises);
            baselinePerSecond = baselineCount / (double) seconds;
            System.out.printf(Locale.ROOT, "baseline: %d reservations in %d s%n", baselineCount, seconds);
            System.out.printf(Locale.ROOT, "machine: %d cores, load average now %.2f%n",
                    Runtime.getRuntime().availableProcessors(),
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

            Account poolAccount = ledger.balances(pool).orElseThrow();
            boolean poolOk = poolAccount.debitsPendingFen() == okFen.sum()
                    && poolAccount.creditsPostedFen() == budgetFen
                    && poolAccount.debitsPendingFen() + poolAccount.debitsPostedFen() <= poolAccount.creditsPostedFen();
            long started = System.nanoTime();
            Verification verification = ledger.verify();
            System.out.printf(Locale.ROOT, "verify: %s, %d batches, %d transfers, %d accounts in %.1f s; head %s%n",
                    verification.ok() ? "ok" : "BROKEN " + verification.firstBroken().orElseThrow(),
                    verification.batches(), verification.transfers(), verification.accounts(),
                    (System.nanoTime() - started) / 1e9, verification.headHashHex());
            boolean baselineOk = baselineInvariants(dataSource);
            System.out.printf(Locale.ROOT, "pool account: %s; baseline pool: %s%n", poolOk ? "ok" : "BROKEN",
                    baselineOk ? "ok" : "BROKEN");
            invariants = poolOk && verification.ok() && baselineOk;
        } finally {
            context.close();
            FileSystemUtils.deleteRecursively(dataDir);
        }
        System.out.printf(Locale.ROOT, "ledger_per_s=%d baseline_per_s=%d ratio=%.1f invariants=%s%n",
                Math.round(ledgerPerSecond), Math.round(baselinePerSecond),
                baselinePerSecond == 0 ? 0.0 : ledgerPerSecond / baselinePerSecond, invariants ? "ok" : "broken");
        System.exit(invariants ? 0 : 1);
    }

    private static void settings(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection(); ResultSet rs = c.createStatement().executeQuery(
                "select current_setting('fsync'), current_setting('synchronous_commit'), version()")) {
            rs.next();
            System.out.printf(Locale.ROOT, "PostgreSQL: fsync=%s synchronous_commit=%s; %s%n",
                    rs.getString(1), rs.getString(2), rs.getString(3));
            check("on".equals(rs.getString(1)) && "on".equals(rs.getString(2)), "durable commits");
        }
    }

    /** A time-ordered id (UUID version 7 layout), as TigerBeetle recommends for transfer ids. */
    static UUID timeOrderedId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long msb = (System.currentTimeMillis() << 16) | 0x7000L | r.nextInt(0x1000);
        return new UUID(msb, (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L);
    }

    /**
     * {@code callers} concurrent callers, each posting one reservation at a time and the next
     * when the answer comes. Blocking callers are platform threads waiting on {@link Ledger#post};
     * asynchronous callers chain {@link Ledger#postAsync} so that the load generator itself costs
     * no thread wake-ups (on two cores, a wake-up per reservation is a large share of the CPU).
     */
    private static long runLedger(Ledger ledger, UUID pool, UUID[] reserved, int callers, int seconds,
                                  LongAdder okFen) throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        LongAdder ok = new LongAdder();
        LongAdder refused = new LongAdder();
        boolean blocking = Boolean.getBoolean("bench.blocking");
        java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(callers);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            if (blocking) {
                Thread t = new Thread(() -> {
                    while (!stop.get()) {
                        TransferRequest reservation = reservation(pool, reserved);
                        long sent = System.nanoTime();
                        TransferResult result = ledger.post(List.of(reservation)).get(0);
                        LATENCY.record(System.nanoTime() - sent);
                        count(result, reservation, ok, refused, okFen);
                    }
                    finished.countDown();
                }, "bench-client-" + i);
                t.setDaemon(true);
                threads.add(t);
            } else {
                new AsyncCaller(ledger, pool, reserved, stop, ok, refused, okFen, finished).next();
            }
        }
        threads.forEach(Thread::start);
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        long okAtEnd = ok.sum();
        stop.set(true);
        finished.await();
        if (refused.sum() > 0) {
            System.out.printf(Locale.ROOT, "  (%d reservations refused)%n", refused.sum());
        }
        return okAtEnd;
    }

    private static TransferRequest reservation(UUID pool, UUID[] reserved) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        UUID id = timeOrderedId();
        return TransferRequest.pending(id, pool, reserved[r.nextInt(reserved.length)], 1 + r.nextInt(10_000),
                "RESERVATION", "bench.application", id.toString());
    }

    private static void count(TransferResult result, TransferRequest request, LongAdder ok, LongAdder refused,
                              LongAdder okFen) {
        if (result.code() == ResultCode.OK) {
            ok.increment();
            okFen.add(request.amountFen());
        } else {
            refused.increment();
        }
    }

    private record AsyncCaller(Ledger ledger, UUID pool, UUID[] reserved, AtomicBoolean stop, LongAdder ok,
                               LongAdder refused, LongAdder okFen, java.util.concurrent.CountDownLatch finished) {
        void next() {
            if (stop.get()) {
                finished.countDown();
                return;
            }
            TransferRequest reservation = reservation(pool, reserved);
            long sent = System.nanoTime();
            ledger.postAsync(List.of(reservation)).whenComplete((results, failure) -> {
                LATENCY.record(System.nanoTime() - sent);
                if (failure != null) {
                    failure.printStackTrace();
                    finished.countDown();
                    return;
                }
                count(results.get(0), reservation, ok, refused, okFen);
                next();
            });
        }
    }

    private static long runBaseline(DataSource dataSource, int clients, int warmupSeconds, int seconds,
                                    int enterprises) throws Exception {
        try (Connection c = dataSource.getConnection()) {
            c.createStatement().execute("""
                    create table bench_naive_pool (
                        id int primary key, budget_fen bigint not null, reserved_fen bigint not null,
                        check (reserved_fen <= budget_fen));
                    create table bench_naive_reservation (
                        id uuid primary key, pool_id int not null references bench_naive_pool (id),
                        enterprise int not null, amount_fen bigint not null check (amount_fen > 0),
                        created_at timestamptz not null);
                    insert into bench_naive_pool values (1, 1000000000000000000, 0);""");
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean measuring = new AtomicBoolean();
        LongAdder count = new LongAdder();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            Thread t = new Thread(() -> {
                ThreadLocalRandom r = ThreadLocalRandom.current();
                try (Connection c = dataSource.getConnection()) {
                    c.setAutoCommit(false);
                    PreparedStatement lock = c.prepareStatement(
                            "select budget_fen, reserved_fen from bench_naive_pool where id = 1 for update");
                    PreparedStatement update = c.prepareStatement(
                            "update bench_naive_pool set reserved_fen = reserved_fen + ? where id = 1");
                    PreparedStatement insert = c.prepareStatement(
                            "insert into bench_naive_reservation values (?, 1, ?, ?, ?)");
                    while (!stop.get()) {
                        long amount = 1 + r.nextInt(10_000);
                        boolean fits;
                        try (ResultSet rs = lock.executeQuery()) {
                            rs.next();
                            fits = rs.getLong(2) + amount <= rs.getLong(1);
                        }
                        if (fits) {
                            update.setLong(1, amount);
                            update.executeUpdate();
                            insert.setObject(1, timeOrderedId());
                            insert.setInt(2, r.nextInt(enterprises));
                            insert.setLong(3, amount);
                            insert.setObject(4, OffsetDateTime.now());
                            insert.executeUpdate();
                        }
                        c.commit();
                        if (fits && measuring.get()) {
                            count.increment();
                        }
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }, "bench-baseline-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
        Thread.sleep(TimeUnit.SECONDS.toMillis(warmupSeconds));
        measuring.set(true);
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        measuring.set(false);
        long measured = count.sum();
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        return measured;
    }

    private static boolean baselineInvariants(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection(); ResultSet rs = c.createStatement().executeQuery("""
                select p.reserved_fen, p.budget_fen, coalesce((select sum(amount_fen) from bench_naive_reservation), 0)
                from bench_naive_pool p where id = 1""")) {
            rs.next();
            return rs.getLong(1) == rs.getLong(3) && rs.getLong(1) <= rs.getLong(2);
        }
    }

    /**
     * CPU time spent by this JVM and by the PostgreSQL server (postmaster and its children) while
     * a phase runs: on a shared machine it shows the cost per reservation when wall-clock
     * throughput is disturbed by other load.
     */
    static final class CpuMeter {
        private final Path pgData;
        private final long jvmStart;
        private final long pgStart;
        private final long wallStart = System.nanoTime();

        CpuMeter(Path pgData) {
            this.pgData = pgData;
            this.jvmStart = jvmCpuNanos();
            this.pgStart = pgCpuNanos();
        }

        String report(long operations) {
            double jvm = (jvmCpuNanos() - jvmStart) / 1e9;
            double pg = (pgCpuNanos() - pgStart) / 1e9;
            double wall = (System.nanoTime() - wallStart) / 1e9;
            return String.format(Locale.ROOT, "cpu %.1f s in the JVM + %.1f s in PostgreSQL over %.1f s "
                            + "= %.1f µs per reservation (%.1f cores busy)",
                    jvm, pg, wall, operations == 0 ? 0 : (jvm + pg) * 1e6 / operations, (jvm + pg) / wall);
        }

        private static long jvmCpuNanos() {
            return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean()).getProcessCpuTime();
        }

        private long pgCpuNanos() {
            try {
                String postmaster = Files.readAllLines(pgData.resolve("postmaster.pid")).get(0).trim();
                long ticks = 0;
                try (var procs = Files.list(Path.of("/proc"))) {
                    for (Path proc : (Iterable<Path>) procs::iterator) {
                        String name = proc.getFileName().toString();
                        if (!name.chars().allMatch(Character::isDigit)) {
                            continue;
                        }
                        String stat;
                        try {
                            stat = Files.readString(proc.resolve("stat"));
                        } catch (java.io.IOException gone) {
                            continue;
                        }
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        if (name.equals(postmaster) || f[1].equals(postmaster)) {
                            ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                        }
                    }
                }
                return ticks * 10_000_000L; // USER_HZ = 100
            } catch (java.io.IOException | RuntimeException e) {
                return 0;
            }
        }
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException("benchmark setup failed: " + what);
        }
    }
}

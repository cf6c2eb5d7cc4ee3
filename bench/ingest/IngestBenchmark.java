package org.zhice.metering;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import org.postgresql.PGConnection;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.FileSystemUtils;
import org.zhice.ZhiceApplication;
import org.zhice.shared.Uscc;
import org.zhice.rules.ShanghaiTime;

/**
 * bench/ingest/run: usage events per second through the real ingestion path — the NDJSON parser
 * and {@link UsageIngestion} that {@code POST /api/metering/usage} calls, one upload of
 * {@code bench.batch} lines per call, each its own transaction, committed durably (embedded
 * PostgreSQL with fsync and synchronous_commit on, as the application runs it) — and, in the
 * same run and database, PostgreSQL's own binary {@code COPY} of the same rows into a plain
 * table without keys or indexes.
 *
 * <p>Event ids are each provider's running job numbers ({@code job-03-000012345}), as a
 * provider's metering system writes them; {@code -Dbench.ids=uuid} makes them random UUIDs, the
 * worst case for the unique key.
 *
 * <p>Providers push in parallel: {@code bench.clients} callers (three: more than the two cores, as a
 * server with many providers gets requests, so that a core does not idle while a caller waits
 * for a round trip or a commit) each take the provider that has waited longest and push its
 * next upload; a provider's uploads go one at a time, in time order. Every {@code bench.retry-every}th upload is sent twice, as a
 * client that lost the answer would (without its key, so every event is found a duplicate), and
 * its second copy stores nothing. Counted: events stored (accepted or rejected with a reason) per second of wall time,
 * the retries' time included.
 *
 * <p>Last line: {@code ingest_per_s=<n> copy_per_s=<n> ratio=<x>}. System properties:
 * {@code bench.events} (1,000,000), {@code bench.batch} (10,000), {@code bench.clients} (3),
 * {@code bench.providers} (8), {@code bench.contracts} (2,000), {@code bench.retry-every} (50),
 * {@code bench.warmup-events} (400,000: each warm-up round pushes half of it; rounds repeat, up to
 * 12, until the JIT compiler's threads are quiet: the measure is the steady state of a server that
 * runs for days).
 */
public final class IngestBenchmark {

    private static final String[] SKUS = {"GPU-A", "GPU-B", "TOK"};
    private static final int CAPACITY = 4096;
    /** {@code -Dbench.ids=uuid}: random event ids instead of each provider's running job numbers. */
    private static final boolean RANDOM_IDS = "uuid".equals(System.getProperty("bench.ids"));

    private IngestBenchmark() {
    }

    /**
     * One upload: its body lies in the spool file at {@code offset}, and is read into a fresh array
     * when it is pushed, as a server reads a request body, so that the heap does not carry the
     * whole data set (which would make the garbage collector's work the benchmark's).
     */
    record Batch(String provider, java.nio.channels.FileChannel spool, long offset, int length, boolean retry) {
        byte[] body() {
            byte[] bytes = new byte[length];
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
            try {
                while (buffer.hasRemaining()) {
                    spool.read(buffer, offset + buffer.position());
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return bytes;
        }
    }

    public static void main(String[] args) throws Exception {
        int events = Integer.getInteger("bench.events", 1_000_000);
        int batchSize = Integer.getInteger("bench.batch", 10_000);
        int clients = Integer.getInteger("bench.clients", 3);
        int providers = Integer.getInteger("bench.providers", 8);
        int contracts = Integer.getInteger("bench.contracts", 2_000);
        int retryEvery = Integer.getInteger("bench.retry-every", 50);
        int warmupEvents = Integer.getInteger("bench.warmup-events", 400_000);
        Path dataDir = Files.createTempDirectory("zhice-bench-ingest");
        ConfigurableApplicationContext context = new SpringApplicationBuilder(ZhiceApplication.class)
                .web(WebApplicationType.SERVLET)
                .run("--server.port=0", "--zhice.data-dir=" + dataDir, "--zhice.db.embedded.clean=true",
                        "--zhice.demo.enabled=false", "--zhice.db.pool-size=" + (clients + 4),
                        "--spring.main.banner-mode=off", "--logging.level.root=WARN");
        double ingestPerSecond;
        double copyPerSecond;
        try {
            JdbcClient jdbc = context.getBean(JdbcClient.class);
            DataSource dataSource = context.getBean(DataSource.class);
            UsageIngestion ingestion = context.getBean(UsageIngestion.class);
            Clock clock = context.getBean(Clock.class);
            // experiments: -Dbench.pg-settings=name=value,name=value (settings a reload applies)
            for (String setting : System.getProperty("bench.pg-settings", "").split(",")) {
                if (!setting.isBlank()) {
                    String[] nv = setting.split("=", 2);
                    jdbc.sql("alter system set " + nv[0] + " = '" + nv[1] + "'").update();
                }
            }
            jdbc.sql("select pg_reload_conf()").query(Boolean.class).single();
            System.out.printf(Locale.ROOT, "PostgreSQL %s: fsync=%s synchronous_commit=%s full_page_writes=%s "
                            + "shared_buffers=%s max_wal_size=%s; %d cores%n",
                    jdbc.sql("show server_version").query(String.class).single(),
                    jdbc.sql("show fsync").query(String.class).single(),
                    jdbc.sql("show synchronous_commit").query(String.class).single(),
                    jdbc.sql("show full_page_writes").query(String.class).single(),
                    jdbc.sql("show shared_buffers").query(String.class).single(),
                    jdbc.sql("show max_wal_size").query(String.class).single(),
                    Runtime.getRuntime().availableProcessors());

            LocalDate today = ShanghaiTime.dateOf(clock.instant());
            // each warm-up round has two providers of its own (0-1 in small uploads, then 2-3, ...), the
            // others are measured: a round meets contracts seen for the first time and a provider's
            // capacity as empty as the measured part does (rounds on the same providers filled it,
            // and from round 10 on some events were rejected: code paths that the measured part
            // does not take, and the JIT compiled its hot methods again in the measured part)
            int rounds = Integer.getInteger("bench.warmup-rounds", 12);
            int warmupProviders = 2 * rounds;
            World world = World.create(context.getBean(TransactionTemplate.class), jdbc, providers + warmupProviders,
                    contracts * (providers + warmupProviders) / providers, today);
            long now = ShanghaiTime.nanos(clock.instant());
            long windowStart = now - 25L * 86_400_000_000_000L;
            long windowEnd = now - 6L * 3_600_000_000_000L;

            System.out.printf(Locale.ROOT, "generating %,d measured events …%n", events);
            java.nio.channels.FileChannel spool = java.nio.channels.FileChannel.open(dataDir.resolve("uploads.ndjson"),
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.READ,
                    java.nio.file.StandardOpenOption.WRITE);
            List<List<Batch>> measured = world.generate(spool, warmupProviders, providers, events, batchSize, retryEvery,
                    windowStart, windowEnd, 11);
            System.gc();

            System.out.printf(Locale.ROOT, "warm-up: rounds of %,d events …%n", warmupEvents / 2);
            // Warm-up rounds until the JIT compiler is done: one pass of 400,000 events left its
            // threads busy for 3-5 s of the measured part (more on a loaded machine, where they get
            // the CPU late). A server that runs for days pays that once; the measure is the steady
            // state. All rounds are generated first: generating between rounds leaves the ingestion
            // code cold long enough for the JIT's code sweeper to drop it, to be compiled again.
            // Retried uploads take their own path (rollback to the savepoint, the stored events looked
            // up, every line compared): with retryEvery / 2 a round of 20 uploads had none, and the
            // JIT compiled that path in the measured part, 0.6-1.2 s of CPU there. Every 5th upload of
            // a warm-up round is sent again, so the path is as warm as a server's after a day.
            int warmupRetryEvery = retryEvery > 0 ? Math.max(2, retryEvery / 10) : 0;
            List<List<List<Batch>>> warmups = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                warmups.add(world.generate(spool, 2 * round, 2, warmupEvents / 2,
                        round == 0 ? Math.max(1, batchSize / 10) : batchSize, warmupRetryEvery, windowStart,
                        windowEnd, 7 + round, 100_000_000L * round));
            }
            for (int round = 0; round < rounds; round++) {
                long jitBefore = jitNanos();
                long roundStarted = System.nanoTime();
                Totals warm = run(ingestion, warmups.get(round), clients);
                double jitSeconds = (jitNanos() - jitBefore) / 1e9;
                System.out.printf(Locale.ROOT, "  warm-up round %d: %.1f s, JIT compiler threads %.2f s cpu; "
                                + "%,d accepted, %,d rejected%n", round, (System.nanoTime() - roundStarted) / 1e9,
                        jitSeconds, warm.accepted.get(), warm.rejected.get());
                if (round >= 2 && jitSeconds < Double.parseDouble(System.getProperty("bench.warmup-quiet-s", "0.1"))) {
                    break;
                }
            }
            System.gc();
            // A server that has run for a while has checkpointed: its WAL segments are recycled
            // files, and the pages written before are on disk. A fresh cluster has neither: without
            // this checkpoint every 16 MB of WAL in the measured part is a new file that a backend
            // fills with zeros and syncs (IO:WalInitWrite/WalInitSync, 8-10 % of the backends'
            // time), and the warm-up's dirty pages are written by the backends that evict them.
            // -Dbench.checkpoint=false measures the fresh cluster.
            if (Boolean.parseBoolean(System.getProperty("bench.checkpoint", "true"))) {
                long checkpointStarted = System.nanoTime();
                jdbc.sql("checkpoint").update();
                System.out.printf(Locale.ROOT, "checkpoint after the warm-up: %.1f s%n",
                        (System.nanoTime() - checkpointStarted) / 1e9);
            }
            long before = jdbc.sql("select count(*) from usage_event").query(Long.class).single();
            long beforeMaxId = jdbc.sql("select coalesce(max(usage_id), 0) from usage_event").query(Long.class).single();
            System.out.printf(Locale.ROOT, "ingest: %,d events in uploads of %,d, %d clients …%n", events, batchSize,
                    clients);
            String ioBefore = io(jdbc);
            java.util.Map<String, Long> threadsBefore = threadCpu();
            long gcBefore = gcMillis();
            UsageIngestion.PG_TICKS.clear();
            CpuMeter ingestCpu = new CpuMeter(dataDir.resolve("postgres"));
            long started = System.nanoTime();
            if (Boolean.getBoolean("bench.uptime")) {
                System.out.printf(Locale.ROOT, "measured part starts at JVM uptime %d ms%n",
                        java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime());
            }
            WaitSampler waits = new WaitSampler(dataSource);
            Totals totals = run(ingestion, measured, clients);
            String waitReport = waits.stop();
            String ingestCpuReport = ingestCpu.report(events) + "\ningest: PostgreSQL by process: " + ingestCpu.byKind();
            java.util.Map<String, Long> threadsAfter = threadCpu();
            long[] jitGc = new long[2];
            threadsAfter.forEach((name, nanos) -> {
                long used = nanos - threadsBefore.getOrDefault(name, 0L);
                if (name.startsWith("os:C1 ") || name.startsWith("os:C2 ")) {
                    jitGc[0] += used;
                } else if (name.startsWith("os:GC ")) {
                    jitGc[1] += used;
                }
                if (Boolean.getBoolean("bench.threads") && used > 50_000_000L) {
                    System.out.printf(Locale.ROOT, "  thread %-40s %.2f s cpu%n", name, used / 1e9);
                }
            });
            ingestCpuReport += String.format(Locale.ROOT, "\ningest: of the JVM's cpu, JIT compiler threads %.1f s, "
                    + "GC threads %.1f s", jitGc[0] / 1e9, jitGc[1] / 1e9);
            double seconds = (System.nanoTime() - started) / 1e9;
            long stored = jdbc.sql("select count(*) from usage_event").query(Long.class).single() - before;
            ingestPerSecond = stored / seconds;
            System.out.printf(Locale.ROOT,
                    "ingest: %,d uploads (%,d retried) in %.2f s: %,d events stored (%,d accepted, %,d rejected), "
                            + "%,d duplicate lines stored nothing%n",
                    totals.uploads.get(), totals.retries.get(), seconds, stored, totals.accepted.get(),
                    totals.rejected.get(), totals.problems.get());
            System.out.println("ingest: " + ingestCpuReport);
            System.out.println("ingest: what the ingesting backends were doing (sampled): " + waitReport);
            if (UsageIngestion.PROFILE) {
                System.out.println("ingest: PostgreSQL backend cpu by phase (s): " + UsageIngestion.PG_TICKS.entrySet()
                        .stream().map(e -> e.getKey() + " " + e.getValue().get() / 100.0).toList());
            }
            System.out.println("ingest: PostgreSQL before " + ioBefore + "; after " + io(jdbc));
            System.out.printf(Locale.ROOT, "ingest: the clients' threads (read, parse, check, write) used %.1f s of it, "
                            + "the garbage collector %.1f s (wall)%n", totals.workerCpuNanos.get() / 1e9,
                    (gcMillis() - gcBefore) / 1e3);
            check(stored == totals.accepted.get() + totals.rejected.get(), "stored events match the answers");
            check(stored == events, "every generated event stored exactly once");
            jdbc.sql("select reason, count(*) from usage_event where usage_id > :id group by reason order by 2 desc")
                    .param("id", beforeMaxId)
                    .query(rs -> {
                        System.out.printf(Locale.ROOT, "  verdict %s: %,d%n",
                                rs.getString(1) == null ? "accepted" : rs.getString(1), rs.getLong(2));
                    });

            jdbc.sql("""
                    select relname, autovacuum_count, autoanalyze_count from pg_stat_user_tables
                    where relname in ('usage_event', 'usage_range') order by relname
                    """)
                    .query(rs -> {
                        System.out.printf(Locale.ROOT, "  %s: autovacuum ran %d times, autoanalyze %d times so far%n",
                                rs.getString(1), rs.getLong(2), rs.getLong(3));
                    });
            if (Boolean.getBoolean("bench.explain")) {
                explain(dataSource, world.providers().get(2));
            }

            // PostgreSQL's own COPY of the same rows into a plain table
            jdbc.sql("create table usage_copy (like usage_event)").update();
            ByteArrayOutputStream rows = new ByteArrayOutputStream(256 << 20);
            try (Connection c = dataSource.getConnection()) {
                c.unwrap(PGConnection.class).getCopyAPI().copyOut(
                        "COPY (select * from usage_event where usage_id > " + beforeMaxId
                                + " order by usage_id) TO STDOUT (FORMAT binary)", rows);
            }
            byte[] bytes = rows.toByteArray();
            long copied;
            CpuMeter copyCpu = new CpuMeter(dataDir.resolve("postgres"));
            long copyStarted = System.nanoTime();
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(true);
                copied = c.unwrap(PGConnection.class).getCopyAPI().copyIn(
                        "COPY usage_copy FROM STDIN (FORMAT binary)", new ByteArrayInputStream(bytes));
            }
            double copySeconds = (System.nanoTime() - copyStarted) / 1e9;
            copyPerSecond = copied / copySeconds;
            System.out.printf(Locale.ROOT, "copy: %,d rows (%,d MB) into a plain table in %.2f s, one COPY, one commit%n",
                    copied, bytes.length >> 20, copySeconds);
            System.out.println("copy: " + copyCpu.report(copied));
            System.out.printf(Locale.ROOT, "machine: %d cores, load average now %.2f%n",
                    Runtime.getRuntime().availableProcessors(),
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                s.execute("drop table usage_copy");
            }
            if (Boolean.getBoolean("bench.indexes")) {
                indexCosts(dataSource, bytes, dataDir.resolve("postgres"));
            }
        } finally {
            context.close();
            FileSystemUtils.deleteRecursively(dataDir);
        }
        System.out.printf(Locale.ROOT, "ingest_per_s=%d copy_per_s=%d ratio=%.2f%n", Math.round(ingestPerSecond),
                Math.round(copyPerSecond), ingestPerSecond / copyPerSecond);
    }

    /**
     * What each index of usage_event costs a COPY of the same rows, in uploads of 10,000 rows
     * with a commit each, as ingestion writes them (for docs/performance.md).
     */
    static void indexCosts(DataSource dataSource, byte[] bytes, Path pgData) throws Exception {
        String[][] variants = {
                {},
                {"alter table usage_cost add constraint usage_cost_once unique (provider_no, event_id)",
                        "alter table usage_cost add primary key (usage_id)"},
                {"drop table usage_cost", "create table usage_cost (like usage_event including defaults including constraints)"},
                {"drop table usage_cost", "create table usage_cost (like usage_event including all)"}};
        List<byte[]> chunks = chunks(bytes, 10_000);
        for (int round = 0; round < 2; round++) {
            for (int k = 0; k < variants.length; k++) {
                try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                    s.execute("drop table if exists usage_cost");
                    s.execute("create table usage_cost (like usage_event)");
                    for (String ddl : variants[k]) {
                        s.execute(ddl);
                    }
                    long rows = 0;
                    CpuMeter cpu = new CpuMeter(pgData);
                    long t = System.nanoTime();
                    for (byte[] chunk : chunks) {
                        rows += c.unwrap(PGConnection.class).getCopyAPI().copyIn(
                                "COPY usage_cost FROM STDIN (FORMAT binary)", new ByteArrayInputStream(chunk));
                    }
                    double seconds = (System.nanoTime() - t) / 1e9;
                    System.out.printf(Locale.ROOT, "  copy in 10,000-row commits with %d index(es): %,.0f rows/s; %s%n",
                            k, rows / seconds, cpu.report(rows));
                    s.execute("drop table usage_cost");
                }
            }
        }
    }

    /** Splits a binary COPY stream of rows into streams of at most {@code rows} rows each. */
    static List<byte[]> chunks(byte[] copy, int rows) {
        List<byte[]> chunks = new ArrayList<>();
        int header = 19;
        int p = header;
        ByteArrayOutputStream out = null;
        int inChunk = 0;
        while (true) {
            short fields = (short) (((copy[p] & 0xFF) << 8) | (copy[p + 1] & 0xFF));
            if (fields == -1) {
                break;
            }
            int start = p;
            p += 2;
            for (int f = 0; f < fields; f++) {
                int len = ((copy[p] & 0xFF) << 24) | ((copy[p + 1] & 0xFF) << 16) | ((copy[p + 2] & 0xFF) << 8)
                        | (copy[p + 3] & 0xFF);
                p += 4 + Math.max(len, 0);
            }
            if (out == null) {
                out = new ByteArrayOutputStream();
                out.write(copy, 0, header);
            }
            out.write(copy, start, p - start);
            if (++inChunk == rows) {
                out.write(0xFF);
                out.write(0xFF);
                chunks.add(out.toByteArray());
                out = null;
                inChunk = 0;
            }
        }
        if (out != null) {
            out.write(0xFF);
            out.write(0xFF);
            chunks.add(out.toByteArray());
        }
        return chunks;
    }

    static final class Totals {
        final AtomicLong uploads = new AtomicLong();
        final AtomicLong retries = new AtomicLong();
        final AtomicLong accepted = new AtomicLong();
        final AtomicLong rejected = new AtomicLong();
        final AtomicLong problems = new AtomicLong();
        final AtomicLong workerCpuNanos = new AtomicLong();
    }

    /**
     * Each client takes the provider that has waited longest for its next upload and pushes that
     * upload, as concurrent API requests would come: a provider's uploads go in in its time order,
     * one at a time (they would wait for each other on its ingestion lock), and no client idles
     * while some provider has uploads left.
     */
    static Totals run(UsageIngestion ingestion, List<List<Batch>> perProvider, int clients) throws Exception {
        Totals totals = new Totals();
        java.util.concurrent.BlockingQueue<Integer> ready = new java.util.concurrent.LinkedBlockingQueue<>();
        int[] next = new int[perProvider.size()];
        AtomicLong left = new AtomicLong();
        for (int p = 0; p < perProvider.size(); p++) {
            if (!perProvider.get(p).isEmpty()) {
                ready.add(p);
                left.addAndGet(perProvider.get(p).size());
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(clients, r -> new Thread(r, "bench-client"));
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            done.add(pool.submit(() -> {
                while (left.get() > 0) {
                    Integer p = ready.poll(10, java.util.concurrent.TimeUnit.MILLISECONDS);
                    if (p == null) {
                        continue;
                    }
                    List<Batch> uploads = perProvider.get(p);
                    push(ingestion, uploads.get(next[p]++), totals);
                    left.decrementAndGet();
                    if (next[p] < uploads.size()) {
                        ready.add(p);
                    }
                }
                totals.workerCpuNanos.addAndGet(
                        java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime());
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        return totals;
    }

    /** What POST /api/metering/usage does with a body: parse, hash, ingest. */
    static void push(UsageIngestion ingestion, Batch batch, Totals totals) {
        long t0 = System.nanoTime();
        byte[] body = batch.body();
        UsageBatch parsed = UsageParsing.ndjson(body, UsageIngestion.MAX_LINES);
        String key = UUID.nameUUIDFromBytes(body).toString();
        byte[] sha = Metering.sha256(body);
        long t1 = System.nanoTime();
        IngestResult result = ingestion.ingest(new UsageIngestion.Upload(batch.provider(), "bench", "api",
                batch.retry() ? null : key, sha, "ndjson", null), parsed);
        if (UsageIngestion.PROFILE) {
            System.err.printf(Locale.ROOT, "  parse+hash %d ms, ingest with commit %d ms%n", (t1 - t0) / 1_000_000,
                    (System.nanoTime() - t1) / 1_000_000);
        }
        totals.uploads.incrementAndGet();
        if (batch.retry()) {
            totals.retries.incrementAndGet();
        }
        totals.accepted.addAndGet(result.accepted());
        totals.rejected.addAndGet(result.rejected());
        totals.problems.addAndGet(result.problems());
    }

    /** The plans of the capacity query, custom and generic, for one provider's latest window. */
    static void explain(DataSource dataSource, String provider) throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            var rs = s.executeQuery("select max(max_end_ns) from usage_range where provider_uscc = '" + provider + "'");
            rs.next();
            long to = rs.getLong(1);
            long from = to - 4L * 86_400_000_000_000L;
            s.execute("""
                    prepare cap(text, text, bigint, bigint) as
                    select e.usage_id, e.start_ns, e.end_ns, e.units
                    from usage_range r
                    cross join lateral (
                        select usage_id, start_ns, end_ns, coalesce(units, 0) as units from usage_event
                        where usage_id between r.first_usage_id and r.last_usage_id
                          and in_capacity and start_ns < $4 and end_ns > $3
                        offset 0) e
                    where r.provider_uscc = $1 and r.sku = $2 and r.max_end_ns > $3 and r.min_start_ns < $4
                    """);
            for (String mode : new String[] {"force_custom_plan", "force_generic_plan"}) {
                s.execute("set plan_cache_mode = " + mode);
                rs = s.executeQuery("explain (analyze, buffers) execute cap('" + provider + "', 'GPU-A', " + from + ", "
                        + to + ")");
                System.out.println("  plan (" + mode + "):");
                while (rs.next()) {
                    System.out.println("    " + rs.getString(1));
                }
            }
            s.execute("deallocate cap");
            c.setAutoCommit(false);
            rs = s.executeQuery("""
                    explain (analyze, buffers)
                    update metering_line l set accepted_micros = l.accepted_micros + u.m
                    from (select contract_id as c, sku as s, 1::bigint as m from metering_line
                          where provider_uscc = '%s') as u(c, s, m)
                    where l.contract_id = u.c and l.sku = u.s and u.m <> 0
                    """.formatted(provider));
            System.out.println("  plan (line totals):");
            while (rs.next()) {
                System.out.println("    " + rs.getString(1));
            }
            rs = s.executeQuery("select n_live_tup, n_dead_tup, n_tup_hot_upd, n_tup_upd from pg_stat_user_tables "
                    + "where relname = 'metering_line'");
            rs.next();
            System.out.printf(Locale.ROOT, "  metering_line: live %d dead %d hot updates %d of %d%n", rs.getLong(1),
                    rs.getLong(2), rs.getLong(3), rs.getLong(4));
            c.rollback();
            c.setAutoCommit(true);
            s.execute("reset plan_cache_mode");
        }
    }

    /** Checkpoints so far, WAL written, and the buffers client backends had to write out themselves. */
    static String io(JdbcClient jdbc) {
        return jdbc.sql("""
                select format('checkpoints %s, wal %s MB (%s writes %s ms, %s syncs %s ms), backend writes %s',
                    (select num_timed + num_requested from pg_stat_checkpointer),
                    (select wal_bytes / 1048576 from pg_stat_wal),
                    (select wal_write from pg_stat_wal), (select round(wal_write_time) from pg_stat_wal),
                    (select wal_sync from pg_stat_wal), (select round(wal_sync_time) from pg_stat_wal),
                    (select coalesce(sum(writes), 0) from pg_stat_io where backend_type = 'client backend'))
                """).query(String.class).single();
    }

    static long gcMillis() {
        long millis = 0;
        for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            millis += Math.max(0, gc.getCollectionTime());
        }
        return millis;
    }

    /** CPU time of the JIT compiler threads so far. */
    static long jitNanos() {
        long nanos = 0;
        for (var e : threadCpu().entrySet()) {
            if (e.getKey().startsWith("os:C1 ") || e.getKey().startsWith("os:C2 ")) {
                nanos += e.getValue();
            }
        }
        return nanos;
    }

    static java.util.Map<String, Long> threadCpu() {
        var bean = java.lang.management.ManagementFactory.getThreadMXBean();
        java.util.Map<String, Long> cpu = new java.util.TreeMap<>();
        // every thread of the process as the kernel sees it (JIT compilers, GC workers included)
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
                            .replaceAll("[0-9]+$", "#");
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    cpu.merge("os:" + name, (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L, Long::sum);
                } catch (java.io.IOException | RuntimeException gone) {
                    // the thread ended
                }
            }
        } catch (java.io.IOException e) {
            // no breakdown
        }
        for (long id : bean.getAllThreadIds()) {
            var info = bean.getThreadInfo(id);
            long nanos = bean.getThreadCpuTime(id);
            if (info != null && nanos > 0) {
                cpu.merge(info.getThreadName(), nanos, Long::sum);
            }
        }
        return cpu;
    }

    /**
     * Samples what the busy client backends are doing (PostgreSQL's wait events, or on the CPU)
     * every {@code bench.wait-sample-ms} (20) ms on its own connection, to show waits on locks or
     * I/O that CPU time does not. Its own cost is in the measured part's CPU, and reported.
     */
    static final class WaitSampler {
        private final java.util.concurrent.ConcurrentHashMap<String, Long> counts = new java.util.concurrent.ConcurrentHashMap<>();
        private final Thread thread;
        private final long intervalMillis = Long.getLong("bench.wait-sample-ms", 20);
        private volatile boolean running = true;
        private volatile long samples;
        private volatile long backendTicks;

        WaitSampler(DataSource dataSource) {
            thread = new Thread(() -> {
                try (java.sql.Connection c = dataSource.getConnection();
                     java.sql.PreparedStatement st = c.prepareStatement("""
                             select coalesce(wait_event_type || ':' || wait_event, 'on cpu'), state from pg_stat_activity
                             where backend_type = 'client backend' and pid <> pg_backend_pid() and state <> 'idle'
                             """)) {
                    Path backendStat;
                    try (java.sql.Statement pid = c.createStatement();
                         java.sql.ResultSet rs = pid.executeQuery("select pg_backend_pid()")) {
                        rs.next();
                        backendStat = Path.of("/proc", Integer.toString(rs.getInt(1)), "stat");
                    }
                    long ticksBefore = ticks(backendStat);
                    while (running) {
                        try (java.sql.ResultSet rs = st.executeQuery()) {
                            while (rs.next()) {
                                String what = rs.getString(1);
                                if ("idle in transaction".equals(rs.getString(2)) && "on cpu".equals(what)) {
                                    what = "idle in transaction (the client's turn)";
                                }
                                counts.merge(what, 1L, Long::sum);
                            }
                        }
                        samples++;
                        Thread.sleep(intervalMillis);
                    }
                    backendTicks = ticks(backendStat) - ticksBefore;
                } catch (Exception e) {
                    counts.put("sampler failed: " + e.getMessage(), 0L);
                }
            }, "wait-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        private static long ticks(Path stat) throws java.io.IOException {
            String line = Files.readString(stat);
            String[] f = line.substring(line.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        }

        @SuppressWarnings("deprecation") // Thread.getId: Thread.threadId is Java 19+
        String stop() throws InterruptedException {
            running = false;
            long ownNanos = java.lang.management.ManagementFactory.getThreadMXBean().getThreadCpuTime(thread.getId());
            thread.join();
            long all = counts.values().stream().mapToLong(Long::longValue).sum();
            StringBuilder out = new StringBuilder();
            counts.entrySet().stream().sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed())
                    .forEach(e -> out.append(String.format(Locale.ROOT, "%s %.1f%%; ", e.getKey(),
                            all == 0 ? 0 : 100.0 * e.getValue() / all)));
            out.append(String.format(Locale.ROOT, "%ningest: the sampler itself: %,d samples every %d ms, "
                            + "%.2f s cpu in its JVM thread + %.2f s in its backend (counted in the cpu above)",
                    samples, intervalMillis, Math.max(0, ownNanos) / 1e9, backendTicks / 100.0));
            return out.toString();
        }
    }

    /** CPU used by this JVM and by every PostgreSQL process, to tell cost from a busy machine. */
    static final class CpuMeter {
        private final Path pgData;
        private final long jvmStart;
        private final long jvmKernelStart;
        private final long pgStart;
        private final long wallStart = System.nanoTime();
        private final long stealStart = stealTicks();

        CpuMeter(Path pgData) {
            this.pgData = pgData;
            this.jvmStart = jvmCpuNanos();
            this.jvmKernelStart = jvmKernelTicks();
            this.pgStart = pgCpuNanos();
            this.kindsStart = pgCpuByKind(); // after pgData is set
        }

        private final java.util.Map<String, Long> kindsStart;

        /** PostgreSQL's CPU since the start, by kind of process (backend, autovacuum, checkpointer, ...). */
        String byKind() {
            java.util.Map<String, Long> now = pgCpuByKind();
            StringBuilder out = new StringBuilder();
            now.forEach((kind, nanos) -> {
                long used = nanos - kindsStart.getOrDefault(kind, 0L);
                if (used > 0) {
                    out.append(String.format(Locale.ROOT, "%s %.1f s; ", kind, used / 1e9));
                }
            });
            return out.toString();
        }

        private java.util.Map<String, Long> pgCpuByKind() {
            java.util.Map<String, Long> kinds = new java.util.TreeMap<>();
            try {
                String postmaster = Files.readAllLines(pgData.resolve("postmaster.pid")).get(0).trim();
                try (var procs = Files.list(Path.of("/proc"))) {
                    for (Path proc : (Iterable<Path>) procs::iterator) {
                        String name = proc.getFileName().toString();
                        if (!name.chars().allMatch(Character::isDigit)) {
                            continue;
                        }
                        try {
                            String stat = Files.readString(proc.resolve("stat"));
                            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                            if (!f[1].equals(postmaster)) {
                                continue;
                            }
                            String cmd = Files.readString(proc.resolve("cmdline")).replace('\0', ' ').trim();
                            String kind = cmd.startsWith("postgres: postgres") ? "backends" : cmd.replace("postgres: ", "");
                            kinds.merge(kind, (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L, Long::sum);
                            kinds.merge(kind + " (of it kernel)", Long.parseLong(f[12]) * 10_000_000L, Long::sum);
                        } catch (java.io.IOException gone) {
                            // the process ended
                        }
                    }
                }
            } catch (java.io.IOException | RuntimeException e) {
                // no breakdown
            }
            return kinds;
        }

        String report(long rows) {
            double jvm = (jvmCpuNanos() - jvmStart) / 1e9;
            double pg = (pgCpuNanos() - pgStart) / 1e9;
            double wall = (System.nanoTime() - wallStart) / 1e9;
            return String.format(Locale.ROOT, "cpu %.1f s in the JVM (%.1f s of it kernel) + %.1f s in PostgreSQL over "
                            + "%.1f s = %.1f µs per row (%.2f cores busy; steal %.2f s: the host ran something else "
                            + "on this VM's cores)", jvm, (jvmKernelTicks() - jvmKernelStart) / 100.0,
                    pg, wall, rows == 0 ? 0 : (jvm + pg) * 1e6 / rows, (jvm + pg) / wall,
                    (stealTicks() - stealStart) / 100.0);
        }

        /** Steal time of all cores in ticks (1/100 s), from /proc/stat. */
        private static long stealTicks() {
            try {
                String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
                return Long.parseLong(cpu.trim().split("\\s+")[8]);
            } catch (java.io.IOException | RuntimeException e) {
                return 0;
            }
        }

        /** Kernel time of this JVM in ticks (1/100 s), from /proc/self/stat. */
        private static long jvmKernelTicks() {
            try {
                String stat = Files.readString(Path.of("/proc/self/stat"));
                return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[12]);
            } catch (java.io.IOException | RuntimeException e) {
                return 0;
            }
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

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("check failed: " + what);
        }
        System.out.println("  ok: " + what);
    }

    /** Providers with three SKUs each, enterprises, contracts signed on the platform. */
    record World(List<String> providers, List<List<String[]>> contractsOf) {

        static World create(TransactionTemplate tx, JdbcClient jdbc, int providers, int contracts, LocalDate today) {
            List<String> providerIds = new ArrayList<>();
            List<List<String[]>> contractsOf = new ArrayList<>();
            tx.executeWithoutResult(s -> {
                OffsetDateTime at = OffsetDateTime.now();
                List<String> enterprises = new ArrayList<>();
                for (int e = 0; e < 200; e++) {
                    enterprises.add(org(jdbc, "enterprise", 100_000 + e, at));
                }
                for (int p = 0; p < providers; p++) {
                    String provider = org(jdbc, "provider", 900_000 + p, at);
                    providerIds.add(provider);
                    contractsOf.add(new ArrayList<>());
                    long[] offering = new long[SKUS.length];
                    for (int k = 0; k < SKUS.length; k++) {
                        boolean gpu = !SKUS[k].equals("TOK");
                        offering[k] = jdbc.sql("""
                                insert into pool_offering (provider_uscc, sku, version, category, resource_name, domestic,
                                    unit, capacity, region_code, reference_price_fen, listed_from, listed_to, status,
                                    submitted_by, submitted_at, reviewed_by, reviewed_at)
                                values (:p, :sku, 1, :cat, :res, :dom, :unit, :cap, '330106', :price, :from, :to,
                                    'approved', 'bench', :at, 'bench', :at)
                                returning id
                                """)
                                .param("p", provider).param("sku", SKUS[k])
                                .param("cat", gpu ? (k == 0 ? "compute.domestic" : "compute.other") : "model.filed")
                                .param("res", gpu ? "GPU " + k : "Model")
                                .param("dom", k == 0).param("unit", gpu ? "gpu_hour" : "million_tokens")
                                .param("cap", gpu ? CAPACITY : null).param("price", gpu ? 1_000 + k * 200 : 400)
                                .param("from", today.minusDays(400)).param("to", today.plusDays(400)).param("at", at)
                                .query(Long.class).single();
                    }
                    for (int c = 0; c < contracts / providers; c++) {
                        int k = c % SKUS.length;
                        String enterprise = enterprises.get((p * 31 + c) % enterprises.size());
                        long demand = jdbc.sql("""
                                insert into pool_demand (enterprise_uscc, unit, resource_name, gpus, hours, million_tokens,
                                    start_on, end_on, region_code, local_only, budget_fen, status, created_by, created_at)
                                values (:e, :unit, 'x', :gpus, :hours, :tokens, :from, :to, '330106', false, 1000000000,
                                    'contracted', 'bench', :at)
                                returning id
                                """)
                                .param("e", enterprise).param("unit", k < 2 ? "gpu_hour" : "million_tokens")
                                .param("gpus", k < 2 ? 8 : null).param("hours", k < 2 ? 1000 : null)
                                .param("tokens", k < 2 ? null : new java.math.BigDecimal("1000"))
                                .param("from", today.minusDays(60)).param("to", today.plusDays(30)).param("at", at)
                                .query(Long.class).single();
                        String id = "BC-%d-%05d".formatted(p, c);
                        jdbc.sql("""
                                insert into pool_contract (contract_id, enterprise_uscc, provider_uscc, signed_on,
                                    start_on, end_on, demand_id, created_by, created_at)
                                values (:id, :e, :p, :signed, :from, :to, :demand, 'bench', :at)
                                """)
                                .param("id", id).param("e", enterprise).param("p", provider)
                                .param("signed", today.minusDays(61)).param("from", today.minusDays(60))
                                .param("to", today.plusDays(30)).param("demand", demand).param("at", at).update();
                        jdbc.sql("""
                                insert into pool_contract_line (contract_id, sku, offering_id, unit_price_fen, quantity_max)
                                values (:id, :sku, :o, :price, 100000000)
                                """)
                                .param("id", id).param("sku", SKUS[k]).param("o", offering[k])
                                .param("price", 1_100).update();
                        contractsOf.get(p).add(new String[] {id, SKUS[k]});
                    }
                }
            });
            return new World(providerIds, contractsOf);
        }

        private static String org(JdbcClient jdbc, String kind, int n, OffsetDateTime at) {
            String uscc = Uscc.withCheckCharacter("91330106" + "%09d".formatted(n));
            jdbc.sql("insert into party (id, kind) values (:id, 'organisation')").param("id", uscc).update();
            jdbc.sql("""
                    insert into organisation (uscc, name, kind, region_code, created_at, updated_at)
                    values (:u, :name, :kind, '330106', :at, :at)
                    """)
                    .param("u", uscc).param("name", kind + " " + n).param("kind", kind).param("at", at).update();
            return uscc;
        }

        /**
         * NDJSON uploads for providers {@code [first, first + count)}: each provider's events in
         * time order over the window, jobs of 1–8 GPUs for 1–4 hours (quantity = GPUs × hours) or
         * token volumes; every {@code retryEvery}th upload is followed by its retry.
         */
        List<List<Batch>> generate(java.nio.channels.FileChannel spool, int first, int count, int events,
                                   int batchSize, int retryEvery, long from, long to, long seed) {
            return generate(spool, first, count, events, batchSize, retryEvery, from, to, seed, 0);
        }

        /** As above, the event ids' numbers starting at {@code idBase} (warm-up rounds on the same providers). */
        List<List<Batch>> generate(java.nio.channels.FileChannel spool, int first, int count, int events,
                                   int batchSize, int retryEvery, long from, long to, long seed, long idBase) {
            Random random = new Random(seed);
            List<List<Batch>> perProvider = new ArrayList<>();
            int perProviderEvents = events / count;
            int uploads = 0;
            for (int p = first; p < first + count; p++) {
                String provider = providers.get(p);
                List<String[]> lines = contractsOf.get(p);
                List<Batch> batches = new ArrayList<>();
                int total = p == first + count - 1 ? events - perProviderEvents * (count - 1) : perProviderEvents;
                double step = (to - from) / (double) total;
                StringBuilder body = new StringBuilder(batchSize * 240);
                int inBatch = 0;
                for (int e = 0; e < total; e++) {
                    String[] line = lines.get(random.nextInt(lines.size()));
                    long start = from + (long) (e * step) / 1_000_000_000L * 1_000_000_000L;
                    body.append("{\"event_id\":\"").append(RANDOM_IDS ? new UUID(random.nextLong(), random.nextLong())
                                    : String.format(Locale.ROOT, "job-%02d-%09d", p, idBase + e))
                            .append("\",\"provider_uscc\":\"").append(provider)
                            .append("\",\"contract_id\":\"").append(line[0])
                            .append("\",\"sku\":\"").append(line[1]).append('"');
                    long end;
                    if (line[1].equals("TOK")) {
                        end = start + 600_000_000_000L;
                        body.append(",\"quantity\":\"").append(random.nextInt(50)).append('.')
                                .append(String.format(Locale.ROOT, "%06d", random.nextInt(1_000_000) + 1)).append('"');
                    } else {
                        int gpus = 1 + random.nextInt(8);
                        int hours = 1 + random.nextInt(4);
                        end = start + hours * 3_600_000_000_000L;
                        body.append(",\"units\":").append(gpus).append(",\"quantity\":\"").append(gpus * hours)
                                .append('"');
                    }
                    body.append(",\"start\":\"").append(UsageParsing.format(start))
                            .append("\",\"end\":\"").append(UsageParsing.format(end)).append("\"}\n");
                    if (++inBatch == batchSize || e == total - 1) {
                        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
                        long offset;
                        try {
                            offset = spool.size();
                            spool.write(java.nio.ByteBuffer.wrap(bytes), offset);
                        } catch (java.io.IOException ex) {
                            throw new java.io.UncheckedIOException(ex);
                        }
                        batches.add(new Batch(provider, spool, offset, bytes.length, false));
                        uploads++;
                        if (retryEvery > 0 && uploads % retryEvery == 0) {
                            batches.add(new Batch(provider, spool, offset, bytes.length, true));
                        }
                        body.setLength(0);
                        inBatch = 0;
                    }
                }
                perProvider.add(batches);
            }
            return perProvider;
        }
    }
}

package org.zhice.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.FileSystemUtils;
import org.zhice.ZhiceApplication;

/**
 * Load on loopback against a whole platform started in this JVM (embedded PostgreSQL 17 on a
 * fresh temporary data folder, demo data loaded): a closed loop of {@code bench.connections}
 * clients per target, each sending its next request when the previous one has answered, for
 * {@code bench.warmup-seconds} unmeasured and then {@code bench.seconds} measured.
 * <ul>
 *   <li>{@code gongshi}: {@code GET /public/notices}, the public 公示 page, anonymous;</li>
 *   <li>{@code usage}: {@code POST /api/metering/usage} with the demo provider's token, an NDJSON
 *       batch of {@code bench.batch} new events and a fresh {@code Idempotency-Key} each.</li>
 * </ul>
 * Latency is measured per request from just before the send to the full body read; percentiles
 * come from the sorted array of every measured latency. CPU per request counts this JVM (less
 * the load generator's own threads) and the PostgreSQL processes.
 */
public final class LoadBenchmark {

    static final String PROVIDER_TOKEN = "zt_demo_provider_0000000000000000000000000000";
    static final DateTimeFormatter ISO = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

    public static void main(String[] args) throws Exception {
        int seconds = Integer.getInteger("bench.seconds", 20);
        int warmup = Integer.getInteger("bench.warmup-seconds", 10);
        int connections = Integer.getInteger("bench.connections", 16);
        int batch = Integer.getInteger("bench.batch", 100);
        Path dataDir = Files.createTempDirectory("zhice-bench-load");
        // command-line arguments: they win over application.properties (default properties would not)
        ConfigurableApplicationContext context = new SpringApplicationBuilder(ZhiceApplication.class)
                .run("--server.port=0", "--zhice.data-dir=" + dataDir, "--zhice.data-key=",
                        "--zhice.db.url=", "--zhice.db.embedded.port=0", "--zhice.demo.enabled=true", "--logging.level.root=WARN");
        postgresData = dataDir.resolve("postgres");
        try {
            int port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
            JdbcClient jdbc = context.getBean(JdbcClient.class);
            System.out.printf(Locale.ROOT, "machine: %d cores, %s, Java %s, PostgreSQL %s (fsync %s), load average %s%n",
                    Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"),
                    System.getProperty("java.version"),
                    jdbc.sql("show server_version").query(String.class).single(),
                    jdbc.sql("show fsync").query(String.class).single(), loadAverage());
            String base = "http://127.0.0.1:" + port;
            String[] line = tokenLine(context, jdbc);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            String page = http.send(HttpRequest.newBuilder(URI.create(base + "/public/notices")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            long noticesShown = page.split("href=\"/public/notices/", -1).length - 1;
            System.out.printf(Locale.ROOT, "%d clients per target, %d s warm-up + %d s measured; usage batches of %d events; "
                    + "the 公示 page lists %d redemptions (%d bytes)%n", connections, warmup, seconds, batch,
                    noticesShown, page.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
            Result gongshi = run("gongshi", connections, warmup, seconds, http, worker -> HttpRequest
                    .newBuilder(URI.create(base + "/public/notices")).header("Accept", "text/html").GET()
                    .timeout(Duration.ofSeconds(30)).build(), context);
            System.out.println(gongshi.describe(1));

            AtomicLong requestSeq = new AtomicLong();
            OffsetDateTime start = OffsetDateTime.now(ZoneOffset.ofHours(8)).minusDays(2).withNano(0);
            long before = jdbc.sql("select count(*) from usage_event").query(Long.class).single();
            Result usage = run("usage", connections, warmup, seconds, http, worker -> {
                long n = requestSeq.incrementAndGet();
                StringBuilder body = new StringBuilder(batch * 220);
                for (int i = 0; i < batch; i++) {
                    OffsetDateTime from = start.plusSeconds((n * batch + i) % 86_400);
                    body.append("{\"event_id\":\"load-").append(n).append('-').append(i)
                            .append("\",\"provider_uscc\":\"").append(line[0])
                            .append("\",\"contract_id\":\"").append(line[1])
                            .append("\",\"sku\":\"").append(line[2])
                            .append("\",\"quantity\":\"0.").append(String.format(Locale.ROOT, "%06d", 1 + (i * 7919) % 999_999))
                            .append("\",\"start\":\"").append(ISO.format(from))
                            .append("\",\"end\":\"").append(ISO.format(from.plusMinutes(10))).append("\"}\n");
                }
                return HttpRequest.newBuilder(URI.create(base + "/api/metering/usage"))
                        .header("Authorization", "Bearer " + PROVIDER_TOKEN)
                        .header("Content-Type", "application/x-ndjson")
                        .header("Idempotency-Key", "load-" + n)
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                        .timeout(Duration.ofSeconds(60)).build();
            }, context);
            System.out.println(usage.describe(batch));
            long stored = jdbc.sql("select count(*) from usage_event").query(Long.class).single() - before;
            long expected = usage.okRequests() * batch;
            System.out.printf(Locale.ROOT, "usage events stored: %d (every event of every answered request: %d)%s%n",
                    stored, expected, stored >= expected ? "" : "  ← MISSING EVENTS");
            System.out.printf(Locale.ROOT, "load average after: %s%n", loadAverage());
            System.out.printf(Locale.ROOT,
                    "gongshi_rps=%.0f gongshi_p50_ms=%.2f gongshi_p99_ms=%.2f usage_rps=%.0f usage_p50_ms=%.2f usage_p99_ms=%.2f%n",
                    gongshi.rps(), gongshi.percentileMs(50), gongshi.percentileMs(99),
                    usage.rps(), usage.percentileMs(50), usage.percentileMs(99));
        } finally {
            context.close();
            FileSystemUtils.deleteRecursively(dataDir);
        }
    }

    /** A contract line of the demo provider for token usage, in force around today: provider, contract, sku. */
    static String[] tokenLine(ConfigurableApplicationContext context, JdbcClient jdbc) {
        String provider = jdbc.sql("select org_uscc from app_user where username = 'provider'")
                .query(String.class).single();
        String enterprise = jdbc.sql("select org_uscc from app_user where username = 'enterprise'")
                .query(String.class).single();
        LocalDate today = LocalDate.now(ZoneOffset.ofHours(8));
        OffsetDateTime at = OffsetDateTime.now();
        context.getBean(TransactionTemplate.class).executeWithoutResult(s -> {
            long offering = jdbc.sql("""
                    insert into pool_offering (provider_uscc, sku, version, category, resource_name, domestic,
                        unit, capacity, region_code, reference_price_fen, listed_from, listed_to, status,
                        submitted_by, submitted_at, reviewed_by, reviewed_at)
                    values (:p, 'LOAD-TOK', 1, 'model.filed', 'load model', true, 'million_tokens', null, '330106',
                        400, :from, :to, 'approved', 'bench', :at, 'bench', :at)
                    returning id
                    """)
                    .param("p", provider).param("from", today.minusDays(400)).param("to", today.plusDays(400))
                    .param("at", at).query(Long.class).single();
            long demand = jdbc.sql("""
                    insert into pool_demand (enterprise_uscc, unit, resource_name, gpus, hours, million_tokens,
                        start_on, end_on, region_code, local_only, budget_fen, status, created_by, created_at)
                    values (:e, 'million_tokens', 'x', null, null, 100000000, :from, :to, '330106', false,
                        1000000000, 'contracted', 'bench', :at)
                    returning id
                    """)
                    .param("e", enterprise).param("from", today.minusDays(60)).param("to", today.plusDays(30))
                    .param("at", at).query(Long.class).single();
            jdbc.sql("""
                    insert into pool_contract (contract_id, enterprise_uscc, provider_uscc, signed_on, start_on,
                        end_on, demand_id, created_by, created_at)
                    values ('LOAD-1', :e, :p, :signed, :from, :to, :demand, 'bench', :at)
                    """)
                    .param("e", enterprise).param("p", provider).param("signed", today.minusDays(61))
                    .param("from", today.minusDays(60)).param("to", today.plusDays(30)).param("demand", demand)
                    .param("at", at).update();
            jdbc.sql("""
                    insert into pool_contract_line (contract_id, sku, offering_id, unit_price_fen, quantity_max)
                    values ('LOAD-1', 'LOAD-TOK', :o, 400, 100000000)
                    """).param("o", offering).update();
        });
        return new String[] {provider, "LOAD-1", "LOAD-TOK"};
    }

    static Result run(String name, int connections, int warmupSeconds, int seconds, HttpClient http,
                      IntFunction<HttpRequest> next, ConfigurableApplicationContext context) throws InterruptedException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long warmupEnd = System.nanoTime() + warmupSeconds * 1_000_000_000L;
        long end = warmupEnd + seconds * 1_000_000_000L;
        long[][] latencies = new long[connections][];
        int[] counts = new int[connections];
        long[] errors = new long[connections];
        long[] bytes = new long[connections];
        String[] firstError = new String[1];
        long[] clientCpu = new long[connections];
        long[] cpuAtStart = new long[2];
        CountDownLatch done = new CountDownLatch(connections);
        CountDownLatch measuring = new CountDownLatch(connections);
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < connections; w++) {
            int id = w;
            Thread t = new Thread(() -> {
                long[] mine = new long[1 << 14];
                int n = 0;
                boolean measured = false;
                long cpuBefore = 0;
                try {
                    while (true) {
                        long now = System.nanoTime();
                        if (now >= end) {
                            break;
                        }
                        if (!measured && now >= warmupEnd) {
                            measured = true;
                            cpuBefore = threads.getCurrentThreadCpuTime();
                            measuring.countDown();
                        }
                        HttpRequest request = next.apply(id);
                        long t0 = System.nanoTime();
                        boolean ok;
                        long size = 0;
                        try {
                            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                            ok = response.statusCode() == 200;
                            size = response.body().length;
                            if (!ok) {
                                synchronized (firstError) {
                                    if (firstError[0] == null) {
                                        firstError[0] = response.statusCode() + " "
                                                + new String(response.body(), 0, Math.min(300, response.body().length));
                                    }
                                }
                            }
                        } catch (IOException e) {
                            ok = false;
                            synchronized (firstError) {
                                if (firstError[0] == null) {
                                    firstError[0] = e.toString();
                                }
                            }
                        }
                        long t1 = System.nanoTime();
                        if (measured && t0 >= warmupEnd && t1 <= end) {
                            if (ok) {
                                if (n == mine.length) {
                                    mine = Arrays.copyOf(mine, n * 2);
                                }
                                mine[n++] = t1 - t0;
                                bytes[id] += size;
                            } else {
                                errors[id]++;
                            }
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    if (!measured) {
                        measuring.countDown();
                    } else {
                        clientCpu[id] = threads.getCurrentThreadCpuTime() - cpuBefore;
                    }
                    latencies[id] = mine;
                    counts[id] = n;
                    done.countDown();
                }
            }, "load-" + name + "-" + w);
            t.setDaemon(true);
            workers.add(t);
        }
        workers.forEach(Thread::start);
        Thread.sleep(Math.max(0, (warmupEnd - System.nanoTime()) / 1_000_000));
        measuring.await();
        cpuAtStart[0] = processCpuNanos();
        cpuAtStart[1] = postgresCpuNanos();
        double load1 = loadAverage1();
        done.await();
        long processCpu = processCpuNanos() - cpuAtStart[0];
        long postgresCpu = postgresCpuNanos() - cpuAtStart[1];
        long generatorCpu = Arrays.stream(clientCpu).sum();
        int total = Arrays.stream(counts).sum();
        long[] all = new long[total];
        int at = 0;
        for (int w = 0; w < connections; w++) {
            System.arraycopy(latencies[w], 0, all, at, counts[w]);
            at += counts[w];
        }
        Arrays.sort(all);
        return new Result(name, seconds, all, Arrays.stream(errors).sum(), Arrays.stream(bytes).sum(),
                processCpu - generatorCpu, postgresCpu, generatorCpu, load1, firstError[0]);
    }

    record Result(String name, int seconds, long[] sorted, long errors, long bytes, long serverCpuNanos,
                  long postgresCpuNanos, long generatorCpuNanos, double loadAverageAtStart, String firstError) {

        long okRequests() {
            return sorted.length;
        }

        double rps() {
            return sorted.length / (double) seconds;
        }

        double percentileMs(double p) {
            if (sorted.length == 0) {
                return Double.NaN;
            }
            int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
        }

        String describe(int itemsPerRequest) {
            double per = sorted.length == 0 ? Double.NaN : 1.0 / sorted.length / 1e6;
            return String.format(Locale.ROOT, """
                    %s: %d ok requests in %d s = %.0f req/s%s, %.1f KiB/response, errors %d%s
                      latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f
                      CPU ms per request: server JVM %.2f + PostgreSQL %.2f (load generator %.2f); load average at start %.2f""",
                    name, sorted.length, seconds, rps(),
                    itemsPerRequest > 1 ? String.format(Locale.ROOT, " (%.0f events/s)", rps() * itemsPerRequest) : "",
                    sorted.length == 0 ? 0.0 : bytes / 1024.0 / sorted.length, errors,
                    firstError == null ? "" : " (first: " + firstError.replace('\n', ' ') + ")",
                    percentileMs(50), percentileMs(90), percentileMs(99),
                    sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6,
                    serverCpuNanos * per, postgresCpuNanos * per, generatorCpuNanos * per, loadAverageAtStart);
        }
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static Path postgresData;

    /**
     * utime + stime (and those of reaped children) of the embedded PostgreSQL: the postmaster
     * whose command line names our data folder, and its children (the backends).
     */
    static long postgresCpuNanos() {
        if (postgresData == null) {
            return 0;
        }
        String dir = postgresData.toString();
        java.util.Map<Long, long[]> stats = new java.util.HashMap<>(); // pid -> {ppid, ticks}
        long postmaster = -1;
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                try {
                    String stat = Files.readString(proc.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    // proc(5) fields 4 (ppid) and 14-17 (utime stime cutime cstime), here at 1 and 11-14
                    long pid = Long.parseLong(proc.getFileName().toString());
                    stats.put(pid, new long[] {Long.parseLong(f[1]), Long.parseLong(f[11]) + Long.parseLong(f[12])
                            + Long.parseLong(f[13]) + Long.parseLong(f[14])});
                    if (postmaster < 0) {
                        String cmd = Files.readString(proc.resolve("cmdline")).replace('\0', ' ');
                        if (cmd.contains("bin/postgres") && cmd.contains(dir)) {
                            postmaster = pid;
                        }
                    }
                } catch (IOException | RuntimeException gone) {
                    // exited meanwhile
                }
            }
        } catch (IOException notLinux) {
            return 0;
        }
        long ticks = 0;
        for (var e : stats.entrySet()) {
            if (e.getKey() == postmaster || e.getValue()[0] == postmaster) {
                ticks += e.getValue()[1];
            }
        }
        return ticks * 10_000_000L; // USER_HZ = 100
    }

    static double loadAverage1() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return String.format(Locale.ROOT, "%.2f", loadAverage1());
        }
    }
}

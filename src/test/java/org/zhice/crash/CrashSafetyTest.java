package org.zhice.crash;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zhice.shared.Uscc;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 6, item 2: crash safety. The platform runs as a separate process on its own embedded
 * PostgreSQL; concurrent clients apply for vouchers, review and decide them, push usage and
 * redeem, every write with an {@code Idempotency-Key}; the platform is killed with SIGKILL at
 * seeded random moments (sometimes its PostgreSQL too, as a power loss would) and started again
 * on the same data, and the clients retry what was not answered with the same keys, as a real
 * client does. At the end: the ledger verifies, the budget was never oversold (sampled during
 * the run and checked at the end, in the voucher tables and on the ledger), every acknowledged
 * request is there with the answer it got, and nothing is there twice.
 *
 * <p>Run again with the printed seed: {@code -Dcrash.seed=…}. The platform's logs are kept under
 * {@code <build dir>/crash-safety/}.
 */
class CrashSafetyTest {

    static final String PROGRAM = "crash-drill";
    static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    static final int ENTERPRISES = 20;
    /** More contracts than a run gets through: the clients never run out of work before the last kill. */
    static final int CONTRACTS_PER_ENTERPRISE = 20;
    static final int WORKERS = 6;
    /** Kills while the clients work; one more lands while the platform is starting. */
    static final int KILLS = 3;
    static final String SKU = "CR-910B";
    static final long UNIT_PRICE_FEN = 1_000;
    static final long QUANTITY_MAX_GPU_HOURS = 100;
    /** floor(0.30 × 1,000 fen × 100 GPU-hours). */
    static final long REQUEST_FEN = 30_000;
    /** Room for 12 requests and half of a 13th: the pool runs dry during the run. */
    static final long BUDGET_FEN = 12 * REQUEST_FEN + REQUEST_FEN / 2;
    static final int UPLOADS_PER_CONTRACT = 2;
    static final int EVENTS_PER_UPLOAD = 3;
    /** Each event: 2 GPUs for 4 hours. */
    static final long EVENT_GPU_HOURS = 8;
    static final Duration DEADLINE = Duration.ofMinutes(6);

    private final JsonMapper json = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final long deadline = System.nanoTime() + DEADLINE.toNanos();
    private final ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    private final AtomicInteger retries = new AtomicInteger();
    private final AtomicInteger serverErrors = new AtomicInteger();
    private final AtomicInteger resent = new AtomicInteger();
    /** Requests whose effect was committed but whose answer the crash swallowed: the retry got the stored answer. */
    private final AtomicInteger answersLost = new AtomicInteger();
    private final AtomicInteger budgetSamples = new AtomicInteger();
    private Platform platform;
    private Path dataDir;
    private ExecutorService clients;
    private boolean passed;

    // ------------------------------------------------------------------ the drill

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void killedAtRandomMomentsTheLedgerVerifiesNothingIsOversoldLostOrDoubled() throws Exception {
        long seed = Long.getLong("crash.seed", System.nanoTime());
        System.out.println("CrashSafetyTest seed " + seed + " (rerun with -Dcrash.seed=" + seed + ")");
        Random random = new Random(seed);
        LocalDate today = LocalDate.now(SHANGHAI);

        dataDir = Files.createTempDirectory("zhice-crash-");
        Path programs = Files.createDirectories(dataDir.resolve("programs"));
        Files.writeString(programs.resolve(PROGRAM + ".yaml"), program(today), StandardCharsets.UTF_8);
        Path logs = Files.createDirectories(buildDir().resolve("crash-safety"));
        try (var old = Files.list(logs)) {
            for (Path log : old.toList()) {
                Files.delete(log);
            }
        }
        platform = new Platform(dataDir.resolve("data"), programs, logs, freePort(new Random()));

        platform.start();
        awaitUp("/", null);
        Seed seeded = seed(today);
        awaitUp("/api/vouchers/budget?programId=" + PROGRAM, seeded.auditor());

        List<Contract> work = seeded.contracts();
        AtomicInteger next = new AtomicInteger();
        AtomicBoolean intake = new AtomicBoolean(true);
        AtomicBoolean running = new AtomicBoolean(true);
        List<Contract> started = java.util.Collections.synchronizedList(new ArrayList<>());
        clients = Executors.newFixedThreadPool(WORKERS + 1);
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            long workerSeed = random.nextLong();
            futures.add(clients.submit(() -> {
                Random r = new Random(workerSeed);
                while (intake.get()) {
                    int i = next.getAndIncrement();
                    if (i >= work.size()) {
                        break;
                    }
                    Contract c = work.get(i);
                    started.add(c);
                    pipeline(c, seeded, today, r);
                }
                return null;
            }));
        }
        futures.add(clients.submit(() -> {
            monitorBudget(seeded.auditor(), running);
            return null;
        }));

        int startupKill = 1 + random.nextInt(KILLS);
        for (int k = 1; k <= KILLS; k++) {
            Thread.sleep(1_500 + random.nextInt(4_000));
            boolean powerLoss = k == 2 || (k > 2 && random.nextBoolean());
            int pipelines = started.size();
            int acknowledged = acks.size();
            platform.kill(powerLoss);
            System.out.printf("kill %d (%s) after %d pipelines started, %d requests acknowledged%n", k,
                    powerLoss ? "JVM and PostgreSQL" : "JVM only, PostgreSQL left running", pipelines, acknowledged);
            platform.start();
            if (k == startupKill) {
                Thread.sleep(3_000 + random.nextInt(7_000));
                platform.kill(false);
                System.out.printf("kill %d bis while starting%n", k);
                platform.start();
            }
            awaitUp("/api/vouchers/budget?programId=" + PROGRAM, seeded.auditor());
        }
        Thread.sleep(1_000 + random.nextInt(2_000));
        intake.set(false);
        for (int w = 0; w < WORKERS; w++) {
            futures.get(w).get(remaining(), TimeUnit.NANOSECONDS);
        }
        running.set(false);
        futures.get(WORKERS).get(remaining(), TimeUnit.NANOSECONDS);
        clients.shutdown();
        System.out.printf("%d pipelines (applications %s), %d acknowledged requests (%d re-sent on purpose, %d whose "
                        + "answer a crash swallowed after the effect committed), %d retries, %d server errors, "
                        + "%d budget samples, %d starts%n", started.size(),
                started.stream().collect(Collectors.groupingBy(c -> String.valueOf(c.status), Collectors.counting())),
                acks.size(), resent.get(), answersLost.get(), retries.get(), serverErrors.get(), budgetSamples.get(),
                platform.starts);

        assertThat(violations).as("budget samples during the run").isEmpty();
        assertThat(started.size()).as("pipelines that ran").isGreaterThan(WORKERS);
        assertThat(retries.get()).as("requests that met a dead platform and were sent again").isPositive();
        check(seeded, started);
        passed = true;
    }

    @AfterEach
    void stopEverything() throws Exception {
        if (clients != null) {
            clients.shutdownNow();
        }
        if (platform != null) {
            platform.stop();
        }
        if (passed && dataDir != null) {
            try (var paths = Files.walk(dataDir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        } else if (dataDir != null) {
            System.out.println("CrashSafetyTest kept its data in " + dataDir);
        }
    }

    // ------------------------------------------------------------------ one contract, as a client works it

    /** One contract through the whole flow; every write retried with its key until it is answered. */
    private void pipeline(Contract c, Seed s, LocalDate today, Random random) throws Exception {
        Ack firstUsage = usage(c, 1, s, today, random);
        c.uploadIds.add(firstUsage.body.get("uploadId").asLong());
        Ack apply = post(c.enterpriseToken, c.enterpriseUser, "/api/vouchers/applications", "apply-" + c.id,
                "{\"programId\":\"" + PROGRAM + "\",\"contractId\":\"" + c.id + "\"}", random);
        c.applicationId = apply.body.get("id").asString();
        String status = apply.body.get("status").asString();
        if ("pending".equals(apply.body.get("stage").asString())) {
            post(s.reviewer(), "crash-reviewer", "/api/vouchers/applications/" + c.applicationId + "/preparation",
                    "prepare-" + c.applicationId, "{\"recommendation\":\"approve\"}", random);
            Ack decided = post(s.approver(), "crash-approver",
                    "/api/vouchers/applications/" + c.applicationId + "/decision", "decide-" + c.applicationId,
                    "{\"approve\":true}", random);
            status = decided.body.get("status").asString();
        }
        c.status = status;
        Ack secondUsage = usage(c, 2, s, today, random);
        c.uploadIds.add(secondUsage.body.get("uploadId").asLong());
        if (!"approved".equals(status) && !"partial".equals(status)) {
            return;
        }
        Ack redeem = post(c.enterpriseToken, c.enterpriseUser, "/api/vouchers/redemptions", "redeem-" + c.applicationId,
                "{\"applicationId\":\"" + c.applicationId + "\",\"periodFrom\":\"" + today.minusDays(10)
                        + "\",\"periodTo\":\"" + today.minusDays(1) + "\",\"last\":false,\"invoices\":[\"INV-"
                        + c.id + "\"]}", random);
        c.redemptionId = redeem.body.get("id").asString();
        post(s.reviewer(), "crash-reviewer", "/api/vouchers/redemptions/" + c.redemptionId + "/preparation",
                "rprepare-" + c.redemptionId, "{\"recommendation\":\"approve\"}", random);
        Ack decided = post(s.approver(), "crash-approver", "/api/vouchers/redemptions/" + c.redemptionId + "/decision",
                "rdecide-" + c.redemptionId, "{\"approve\":true}", random);
        c.redemptionStatus = decided.body.get("status").asString();
        c.subsidyFen = decided.body.get("subsidyFen").asLong();
    }

    private Ack usage(Contract c, int upload, Seed s, LocalDate today, Random random) throws Exception {
        StringBuilder body = new StringBuilder();
        for (int e = 0; e < EVENTS_PER_UPLOAD; e++) {
            int n = (upload - 1) * EVENTS_PER_UPLOAD + e;
            OffsetDateTime start = today.minusDays(2 + n % 4).atTime(LocalTime.of(8 + 4 * (n / 4), 0))
                    .atZone(SHANGHAI).toOffsetDateTime();
            String eventId = c.id + "-" + n;
            c.eventIds.add(eventId);
            body.append("{\"event_id\":\"").append(eventId).append("\",\"provider_uscc\":\"").append(s.provider())
                    .append("\",\"contract_id\":\"").append(c.id).append("\",\"sku\":\"").append(SKU)
                    .append("\",\"units\":2,\"quantity\":\"").append(EVENT_GPU_HOURS).append("\",\"start\":\"")
                    .append(start).append("\",\"end\":\"").append(start.plusHours(4)).append("\"}\n");
        }
        Call call = new Call(s.providerToken(), "crash-provider", "/api/metering/usage", "usage-" + c.id + "-" + upload,
                "application/x-ndjson", body.toString());
        Ack ack = send(call);
        assertThat(ack.body.get("accepted").asInt()).as("accepted events of %s", call).isEqualTo(EVENTS_PER_UPLOAD);
        if (random.nextInt(8) == 0) {
            resent.incrementAndGet();
            Ack again = send(call);
            assertThat(again.body.get("replayed").asBoolean()).as("usage sent again under its key").isTrue();
            assertThat(again.body.get("uploadId").asLong()).isEqualTo(ack.body.get("uploadId").asLong());
        }
        return ack;
    }

    private Ack post(String token, String user, String path, String key, String body, Random random) throws Exception {
        Call call = new Call(token, user, path, key, "application/json", body);
        Ack ack = send(call);
        if (random.nextInt(8) == 0) {
            // a client that never saw the answer sends again: the same answer, nothing done twice
            resent.incrementAndGet();
            Ack again = send(call);
            assertThat(again.status).isEqualTo(ack.status);
            assertThat(again.raw).as("answer to %s sent again", call).isEqualTo(ack.raw);
            assertThat(again.replayed).isTrue();
        }
        return ack;
    }

    /** Sends until the platform answers 2xx; a dropped connection or a 5xx is retried with the same key. */
    private Ack send(Call call) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(platform.uri(call.path()))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + call.token())
                .header("Idempotency-Key", call.key())
                .header("Content-Type", call.contentType())
                .header("Accept-Language", "en")
                .POST(HttpRequest.BodyPublishers.ofString(call.body(), StandardCharsets.UTF_8))
                .build();
        boolean failed = false;
        while (true) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("out of time while sending " + call);
            }
            HttpResponse<String> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                failed = true;
                retries.incrementAndGet();
                Thread.sleep(200);
                continue;
            }
            int status = response.statusCode();
            if (status >= 500) {
                serverErrors.incrementAndGet();
                Thread.sleep(200);
                continue;
            }
            if (status >= 300) {
                throw new AssertionError(call + " answered " + status + ": " + response.body());
            }
            Ack ack = new Ack(call, status, response.body(), json.readTree(response.body()),
                    response.headers().firstValue("Idempotent-Replayed").map(Boolean::parseBoolean).orElse(false));
            if (failed && ack.replayed) {
                answersLost.incrementAndGet();
            }
            acks.add(ack);
            return ack;
        }
    }

    /** Samples the budget while the clients work: never below zero, never more out than in. */
    private void monitorBudget(String auditor, AtomicBoolean running) throws InterruptedException {
        while (running.get()) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                                platform.uri("/api/vouchers/budget?programId=" + PROGRAM))
                        .timeout(Duration.ofSeconds(5)).header("Authorization", "Bearer " + auditor).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    JsonNode b = json.readTree(r.body());
                    long budget = b.get("budgetFen").asLong();
                    long reserved = b.get("reservedFen").asLong();
                    long granted = b.get("grantedFen").asLong();
                    long available = b.get("availableFen").asLong();
                    long ledgerAvailable = b.get("ledgerAvailableFen").asLong();
                    budgetSamples.incrementAndGet();
                    if (budget != BUDGET_FEN || reserved < 0 || granted < 0 || reserved + granted > budget
                            || available < 0 || ledgerAvailable < 0) {
                        violations.add(r.body());
                    }
                }
            } catch (IOException e) {
                // the platform is down; the next sample will tell
            }
            Thread.sleep(250);
        }
    }

    // ------------------------------------------------------------------ what must hold at the end

    private void check(Seed s, List<Contract> started) throws Exception {
        // the ledger verifies: hash chain, every balance, every limit
        JsonNode verification = get("/api/ledger/verify", s.auditor());
        assertThat(verification.get("problems").size()).as("ledger problems: %s", verification).isZero();
        assertThat(verification.get("ok").asBoolean()).isTrue();

        // never oversold, and the ledger agrees with the voucher tables
        JsonNode budget = get("/api/vouchers/budget?programId=" + PROGRAM, s.auditor());
        assertThat(budget.get("budgetFen").asLong()).isEqualTo(BUDGET_FEN);
        assertThat(budget.get("availableFen").asLong()).isNotNegative();
        assertThat(budget.get("ledgerAvailableFen").asLong()).isEqualTo(budget.get("availableFen").asLong());
        assertThat(budget.get("reservedFen").asLong() + budget.get("grantedFen").asLong()).isLessThanOrEqualTo(BUDGET_FEN);

        Map<String, Contract> byContract = started.stream().collect(Collectors.toMap(c -> c.id, c -> c));
        try (Connection db = DriverManager.getConnection(
                "jdbc:postgresql://localhost:" + platform.databasePort() + "/postgres?user=postgres")) {
            // every application acknowledged is there, once, with the decision that was answered
            Map<String, List<String[]>> applications = new HashMap<>();
            for (String[] row : rows(db, """
                    select contract_id, id, status, reservation_fen, granted_fen, left_fen from voucher_application
                    where program_id = ?""", PROGRAM)) {
                applications.computeIfAbsent(row[0], k -> new ArrayList<>()).add(row);
            }
            assertThat(applications.keySet()).as("contracts applied for").isEqualTo(byContract.keySet());
            long reservations = 0;
            for (Contract c : started) {
                List<String[]> mine = applications.get(c.id);
                assertThat(mine).as("applications for %s", c.id).hasSize(1);
                assertThat(mine.get(0)[1]).isEqualTo(c.applicationId);
                assertThat(mine.get(0)[2]).as("status of %s", c.applicationId).isEqualTo(c.status);
                reservations += Long.parseLong(mine.get(0)[3]);
            }
            assertThat(reservations).as("reservations of all vouchers").isLessThanOrEqualTo(BUDGET_FEN);
            long approved = started.stream().filter(c -> "approved".equals(c.status)).count();
            long partial = started.stream().filter(c -> "partial".equals(c.status)).count();
            assertThat(reservations).isEqualTo(approved * REQUEST_FEN + (partial == 0 ? 0
                    : BUDGET_FEN - approved * REQUEST_FEN));
            assertThat(partial).isLessThanOrEqualTo(1);

            // every redemption acknowledged is there, once per voucher, with its subsidy granted once
            Map<String, List<String[]>> redemptions = new HashMap<>();
            for (String[] row : rows(db, """
                    select application_id, id, status, subsidy_fen from voucher_redemption where program_id = ?""",
                    PROGRAM)) {
                redemptions.computeIfAbsent(row[0], k -> new ArrayList<>()).add(row);
            }
            long vouchers = 0;
            for (Contract c : started) {
                if (c.redemptionId == null) {
                    assertThat(redemptions).doesNotContainKey(c.applicationId);
                    continue;
                }
                vouchers++;
                List<String[]> mine = redemptions.get(c.applicationId);
                assertThat(mine).as("redemptions of %s", c.applicationId).hasSize(1);
                assertThat(mine.get(0)[1]).isEqualTo(c.redemptionId);
                assertThat(mine.get(0)[2]).isEqualTo(c.redemptionStatus);
                assertThat(Long.parseLong(mine.get(0)[3])).isEqualTo(c.subsidyFen);
                assertThat(c.subsidyFen).as("subsidy of %s", c.redemptionId).isPositive();
                String[] application = applications.get(c.id).get(0);
                assertThat(Long.parseLong(application[4])).as("granted on %s", c.applicationId).isEqualTo(c.subsidyFen);
                assertThat(Long.parseLong(application[4]) + Long.parseLong(application[5]))
                        .isEqualTo(Long.parseLong(application[3]));
            }
            assertThat(vouchers).isEqualTo(approved + partial);
            assertThat(redemptions.size()).isEqualTo(vouchers);

            // money moved once per decision: one reservation per voucher, one grant per redemption
            for (String[] row : rows(db, """
                    select kind, source_id, count(*) from voucher_movement where program_id = ?
                    group by kind, source_id having count(*) > 1""", PROGRAM)) {
                throw new AssertionError("money moved twice: " + String.join(" ", row));
            }
            assertThat(count(db, "select count(*) from voucher_movement where program_id = ? and kind = 'reserve'"))
                    .isEqualTo(approved + partial);
            assertThat(count(db, "select count(*) from voucher_movement where program_id = ? and kind = 'grant'"))
                    .isEqualTo(vouchers);

            // every acknowledged voucher request is stored with the very answer the client got
            Map<String, String> stored = new HashMap<>();
            for (String[] row : rows(db, "select actor, idempotency_key, status, response from voucher_api_request")) {
                assertThat(stored.put(row[0] + " " + row[1], row[2] + " " + row[3])).isNull();
            }
            int voucherAcks = 0;
            for (Ack ack : acks) {
                if (ack.call.path().startsWith("/api/vouchers/")) {
                    voucherAcks++;
                    assertThat(stored.get(ack.call.user() + " " + ack.call.key()))
                            .as("stored answer of %s", ack.call).isEqualTo(ack.status + " " + ack.raw);
                }
            }
            assertThat(voucherAcks).isPositive();

            // usage: every acknowledged upload once, every event once and accepted, counted at most once
            List<String> keys = new ArrayList<>();
            for (Contract c : started) {
                for (int u = 1; u <= UPLOADS_PER_CONTRACT; u++) {
                    keys.add("usage-" + c.id + "-" + u);
                }
            }
            Map<String, Long> uploads = new HashMap<>();
            for (String[] row : rows(db, """
                    select idempotency_key, id, accepted from metering_upload where provider_uscc = ?""", s.provider())) {
                assertThat(uploads.put(row[0], Long.parseLong(row[1]))).as("upload %s", row[0]).isNull();
                assertThat(Integer.parseInt(row[2])).isEqualTo(EVENTS_PER_UPLOAD);
            }
            assertThat(uploads.keySet()).containsExactlyInAnyOrderElementsOf(keys);
            for (Contract c : started) {
                assertThat(c.uploadIds).containsExactly(uploads.get("usage-" + c.id + "-1"),
                        uploads.get("usage-" + c.id + "-2"));
            }
            Map<String, String> events = new HashMap<>();
            for (String[] row : rows(db, "select event_id, status from usage_event where provider_no = (select provider_no from metering_provider where provider_uscc = ?)", s.provider())) {
                assertThat(events.put(row[0], row[1])).as("event %s", row[0]).isNull();
            }
            List<String> sent = started.stream().flatMap(c -> c.eventIds.stream()).toList();
            assertThat(events.keySet()).containsExactlyInAnyOrderElementsOf(sent);
            assertThat(events.values()).containsOnly("accepted");
            for (String[] row : rows(db, """
                    select contract_id, accepted_micros from metering_line where provider_uscc = ?""", s.provider())) {
                assertThat(Long.parseLong(row[1])).as("accepted GPU-hours of %s", row[0])
                        .isEqualTo(UPLOADS_PER_CONTRACT * EVENTS_PER_UPLOAD * EVENT_GPU_HOURS * 1_000_000);
            }
            assertThat(count(db, """
                    select count(*) from voucher_redemption_usage u join voucher_redemption r on r.id = u.redemption_id
                    where r.program_id = ?""")).isEqualTo(vouchers * UPLOADS_PER_CONTRACT * EVENTS_PER_UPLOAD);
            assertThat(count(db, """
                    select count(*) from usage_event e join voucher_redemption r on r.id = e.counted_by
                    where r.program_id = ?""")).isEqualTo(vouchers * UPLOADS_PER_CONTRACT * EVENTS_PER_UPLOAD);
        }
    }

    private static List<String[]> rows(Connection db, String sql, String... params) throws SQLException {
        try (PreparedStatement st = db.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                st.setString(i + 1, params[i]);
            }
            try (ResultSet rs = st.executeQuery()) {
                int n = rs.getMetaData().getColumnCount();
                List<String[]> out = new ArrayList<>();
                while (rs.next()) {
                    String[] row = new String[n];
                    for (int i = 0; i < n; i++) {
                        row[i] = rs.getString(i + 1);
                    }
                    out.add(row);
                }
                return out;
            }
        }
    }

    private static long count(Connection db, String sql) throws SQLException {
        return Long.parseLong(rows(db, sql, PROGRAM).get(0)[0]);
    }

    private JsonNode get(String path, String token) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(platform.uri(path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
        return json.readTree(r.body());
    }

    private void awaitUp(String path, String token) throws Exception {
        while (true) {
            if (System.nanoTime() > deadline || !platform.process.isAlive()) {
                throw new AssertionError("the platform did not come up (alive: " + platform.process.isAlive()
                        + "); see " + platform.log());
            }
            try {
                HttpRequest.Builder b = HttpRequest.newBuilder(platform.uri(path)).timeout(Duration.ofSeconds(5)).GET();
                if (token != null) {
                    b.header("Authorization", "Bearer " + token);
                }
                if (http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
    }

    private long remaining() {
        return Math.max(1, deadline - System.nanoTime());
    }

    // ------------------------------------------------------------------ test data

    /** One contract line of 100 GPU-hours at 10 元, signed 40 days ago, running 80 days. */
    static final class Contract {
        final String id;
        final String enterpriseUser;
        final String enterpriseToken;
        final List<String> eventIds = new ArrayList<>();
        final List<Long> uploadIds = new ArrayList<>();
        volatile String applicationId;
        volatile String status;
        volatile String redemptionId;
        volatile String redemptionStatus;
        volatile long subsidyFen;

        Contract(String id, String enterpriseUser, String enterpriseToken) {
            this.id = id;
            this.enterpriseUser = enterpriseUser;
            this.enterpriseToken = enterpriseToken;
        }
    }

    record Seed(String provider, String providerToken, String reviewer, String approver, String auditor,
                List<Contract> contracts) {
    }

    record Call(String token, String user, String path, String key, String contentType, String body) {
        @Override
        public String toString() {
            return "POST " + path + " [" + key + "]";
        }
    }

    record Ack(Call call, int status, String raw, JsonNode body, boolean replayed) {
    }

    /** The program as its operator would keep it in {@code zhice.programs.dir}: open today, a small budget. */
    static String program(LocalDate today) {
        return """
                id: %s
                name: 崩溃演练算力券
                funder: 测试局
                region_prefix: "3301"
                period: { start: %s, end: %s }
                application_window: { start: %s, end: %s }
                budget_yuan: %d.%02d
                per_enterprise_cap_yuan: 100000000
                categories:
                  compute.domestic: 0.30
                  compute.other: 0.20
                  model.filed: 0.30
                contract_term_days_max: 366
                cap_price_at_reference: true
                exclude_related_parties: true
                notice_working_days: 5
                redemption_mode: claim_after_payment
                """.formatted(PROGRAM, today.minusDays(60), today.plusDays(60), today.minusDays(60),
                today.plusDays(60), BUDGET_FEN / 100, BUDGET_FEN % 100);
    }

    /**
     * What the platform has no API for (organisations come from registry imports, contracts from
     * uploaded PDFs, tokens from an administrator) goes straight into its tables, once, before
     * the drill: a provider with one listed GPU offering, enterprises with contracts, and users
     * with API tokens for every role the clients play.
     */
    private Seed seed(LocalDate today) throws Exception {
        byte[] pdf = "%PDF-1.4\n% crash drill contract\n".getBytes(StandardCharsets.US_ASCII);
        String pdfSha = sha256(pdf);
        OffsetDateTime now = OffsetDateTime.now(SHANGHAI);
        List<Contract> contracts = new ArrayList<>();
        String provider;
        try (Connection db = DriverManager.getConnection(
                "jdbc:postgresql://localhost:" + platform.databasePort() + "/postgres?user=postgres")) {
            db.setAutoCommit(false);
            provider = organisation(db, "provider", "330110", "崩溃演练算力", 0, now);
            try (PreparedStatement st = db.prepareStatement("""
                    insert into pool_offering (provider_uscc, sku, version, category, resource_name, domestic, unit,
                        capacity, region_code, reference_price_fen, listed_from, listed_to, status, submitted_by,
                        submitted_at, reviewed_by, reviewed_at)
                    values (?, ?, 1, 'compute.domestic', ?, true, 'gpu_hour', 100000, '330110', ?, ?, ?, 'approved',
                        'crash-test', ?, 'crash-test', ?)""")) {
                st.setString(1, provider);
                st.setString(2, SKU);
                st.setString(3, SKU);
                st.setLong(4, UNIT_PRICE_FEN);
                st.setObject(5, today.minusDays(400));
                st.setObject(6, today.plusDays(400));
                st.setObject(7, now);
                st.setObject(8, now);
                st.executeUpdate();
            }
            try (PreparedStatement st = db.prepareStatement("""
                    insert into voucher_document (sha256, media_type, size_bytes, content, uploaded_by, uploaded_at)
                    values (?, 'application/pdf', ?, ?, 'crash-test', ?)""")) {
                st.setString(1, pdfSha);
                st.setInt(2, pdf.length);
                st.setBytes(3, pdf);
                st.setObject(4, now);
                st.executeUpdate();
            }
            String providerToken = user(db, "crash-provider", "PROVIDER", provider, now);
            String reviewer = user(db, "crash-reviewer", "REVIEWER", null, now);
            String approver = user(db, "crash-approver", "APPROVER", null, now);
            String auditor = user(db, "crash-auditor", "AUDITOR", null, now);
            List<Contract> byEnterprise = new ArrayList<>();
            for (int e = 1; e <= ENTERPRISES; e++) {
                String enterprise = organisation(db, "enterprise", "330106", "崩溃演练企业" + e, e, now);
                String username = "crash-ent-%02d".formatted(e);
                String token = user(db, username, "ENTERPRISE", enterprise, now);
                for (int k = 1; k <= CONTRACTS_PER_ENTERPRISE; k++) {
                    String id = "UC%04d-%06d".formatted(today.getYear(), 900_000 + e * 100 + k);
                    try (PreparedStatement st = db.prepareStatement("""
                            insert into voucher_contract (contract_id, enterprise_uscc, provider_uscc, signed_on,
                                start_on, end_on, document_sha256, document_name, created_by, created_at)
                            values (?, ?, ?, ?, ?, ?, ?, 'contract.pdf', 'crash-test', ?)""")) {
                        st.setString(1, id);
                        st.setString(2, enterprise);
                        st.setString(3, provider);
                        st.setObject(4, today.minusDays(40));
                        st.setObject(5, today.minusDays(40));
                        st.setObject(6, today.plusDays(40));
                        st.setString(7, pdfSha);
                        st.setObject(8, now);
                        st.executeUpdate();
                    }
                    try (PreparedStatement st = db.prepareStatement("""
                            insert into voucher_contract_line (contract_id, sku, unit_price_fen, quantity_max_micros)
                            values (?, ?, ?, ?)""")) {
                        st.setString(1, id);
                        st.setString(2, SKU);
                        st.setLong(3, UNIT_PRICE_FEN);
                        st.setLong(4, QUANTITY_MAX_GPU_HOURS * 1_000_000);
                        st.executeUpdate();
                    }
                    byEnterprise.add(new Contract(id, username, token));
                }
            }
            db.commit();
            // interleave the enterprises, so that concurrent clients act for different ones
            for (int k = 0; k < CONTRACTS_PER_ENTERPRISE; k++) {
                for (int e = 0; e < ENTERPRISES; e++) {
                    contracts.add(byEnterprise.get(e * CONTRACTS_PER_ENTERPRISE + k));
                }
            }
            return new Seed(provider, providerToken, reviewer, approver, auditor, contracts);
        }
    }

    private static String organisation(Connection db, String kind, String region, String name, int n,
                                       OffsetDateTime now) throws SQLException {
        String uscc = Uscc.withCheckCharacter("91" + region + "%09d".formatted(770_000_000 + n));
        try (PreparedStatement st = db.prepareStatement("insert into party (id, kind) values (?, 'organisation')")) {
            st.setString(1, uscc);
            st.executeUpdate();
        }
        try (PreparedStatement st = db.prepareStatement("""
                insert into organisation (uscc, name, kind, region_code, created_at, updated_at)
                values (?, ?, ?, ?, ?, ?)""")) {
            st.setString(1, uscc);
            st.setString(2, name);
            st.setString(3, kind);
            st.setString(4, region);
            st.setObject(5, now);
            st.setObject(6, now);
            st.executeUpdate();
        }
        return uscc;
    }

    /** A user who signs in only with an API token (the password hash matches no password). */
    private static String user(Connection db, String username, String role, String org, OffsetDateTime now)
            throws Exception {
        long id;
        try (PreparedStatement st = db.prepareStatement("""
                insert into app_user (username, password_hash, display_name, role, org_uscc, created_at)
                values (?, '!', ?, ?, ?, ?) returning id""")) {
            st.setString(1, username);
            st.setString(2, username);
            st.setString(3, role);
            st.setString(4, org);
            st.setObject(5, now);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                id = rs.getLong(1);
            }
        }
        String token = "zt_crash_" + username.replace('-', '_');
        try (PreparedStatement st = db.prepareStatement("""
                insert into api_token (user_id, name, token_sha256, created_at) values (?, 'crash drill', ?, ?)""")) {
            st.setLong(1, id);
            st.setString(2, sha256(token.getBytes(StandardCharsets.UTF_8)));
            st.setObject(3, now);
            st.executeUpdate();
        }
        return token;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /**
     * A free port below Linux's ephemeral range (32768…), so that no outgoing connection of
     * another process takes it while the platform restarts on it.
     */
    private static int freePort(Random random) throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = 20_000 + random.nextInt(12_000);
            try (java.net.ServerSocket socket = new java.net.ServerSocket()) {
                socket.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port));
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port between 20000 and 32000");
    }

    /** The build directory: the parent of the folder these test classes were loaded from. */
    private static Path buildDir() throws Exception {
        return Path.of(CrashSafetyTest.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent();
    }
}

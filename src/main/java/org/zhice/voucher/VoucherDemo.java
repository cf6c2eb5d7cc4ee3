package org.zhice.voucher;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.zhice.identity.Role;
import org.zhice.metering.IngestResult;
import org.zhice.metering.Metering;
import org.zhice.metering.UsageLine;
import org.zhice.pool.ComputePool;
import org.zhice.pool.Offering;
import org.zhice.pool.PoolContract;
import org.zhice.pool.PoolHistory;
import org.zhice.registry.Organisation;
import org.zhice.registry.Registry;
import org.zhice.registry.RegistryDemo;

/**
 * Demo data of the voucher flow, from a fixed seed, every step at its own time (passed
 * explicitly, never the wall clock's):
 *
 * <ul>
 * <li>a year of {@code hz-2025-compute}: the 2025 catalog, 150 applications through the
 *     year on contracts signed offline (approved, partial because of the enterprise cap, rejected
 *     by the rules — related party, signed outside the period, term too long, provider not listed,
 *     duplicate — or in review), their usage sent to metering, redemptions (in full, partial), 公示
 *     with objections (upheld, dismissed), monthly disbursement batches and two clawbacks offset
 *     later;</li>
 * <li>the last weeks of {@code hz-2026-compute} on contracts signed in the pool: vouchers,
 *     usage, redemptions in 公示 now, one held by an objection, one batch paid.</li>
 * </ul>
 *
 * <p>Usage goes through metering as providers send it: the 2025 usage each morning after it ends,
 * received then ({@link Metering#ingestReceivedAt}, so metering's late window is judged as it was
 * at the time; never a time after the clock's now), the 2026 slice now.
 */
@Service
public class VoucherDemo {

    static final long SEED = 20250425L;
    static final String YEAR_PROGRAM = "hz-2025-compute";
    static final String LIVE_PROGRAM = "hz-2026-compute";
    static final int APPLICATIONS = 150;
    private static final Logger log = LoggerFactory.getLogger(VoucherDemo.class);
    private static final byte[] DOCUMENT = ("%PDF-1.4\n% 算力服务合同(演示)\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
            .getBytes(StandardCharsets.UTF_8);

    static final Actor REVIEWER = new Actor("reviewer", Role.REVIEWER, null);
    static final Actor APPROVER = new Actor("approver", Role.APPROVER, null);
    static final Actor OFFICE = new Actor("office", Role.PROGRAM_OFFICE, null);

    /** What was loaded; all zero when the demo was there already. */
    public record Loaded(int applications, int vouchers, int redemptions, int usageAccepted, int usageRefused,
                         int objections, int batches, int clawbacks) {
    }

    /** resource, sku, category, domestic, reference price (fen per GPU-hour or per million tokens) */
    private static final Object[][] GPUS = {
            {"昇腾910B", "HZ25-910B", "compute.domestic", true, 1_500L},
            {"海光DCU Z100", "HZ25-Z100", "compute.domestic", true, 700L},
            {"H20", "HZ25-H20", "compute.other", false, 1_200L},
            {"A800", "HZ25-A800", "compute.other", false, 2_300L}};
    private static final Object[][] MODELS = {
            {"通义千问-Max", "HZ25-QWEN", "model.filed", true, 2_000L},
            {"DeepSeek-V3", "HZ25-DSV3", "model.filed", true, 600L}};
    private static final int GPU_UNITS = 64;

    private final UploadedContracts uploads;
    private final Applications applications;
    private final Redemptions redemptions;
    private final Objections objections;
    private final Disbursements disbursements;
    private final Clawbacks clawbacks;
    private final PoolHistory poolHistory;
    private final ComputePool pool;
    private final Metering metering;
    private final Registry registry;
    private final JdbcClient jdbc;
    private final Clock clock;
    /** Contracts with usage that metering accepted. */
    private final java.util.Set<String> counted = new java.util.HashSet<>();

    VoucherDemo(UploadedContracts uploads, Applications applications, Redemptions redemptions, Objections objections,
                Disbursements disbursements, Clawbacks clawbacks, PoolHistory poolHistory, ComputePool pool,
                Metering metering, Registry registry, JdbcClient jdbc, Clock clock) {
        this.uploads = uploads;
        this.applications = applications;
        this.redemptions = redemptions;
        this.objections = objections;
        this.disbursements = disbursements;
        this.clawbacks = clawbacks;
        this.poolHistory = poolHistory;
        this.pool = pool;
        this.metering = metering;
        this.registry = registry;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** A listing of the 2025 catalog. */
    private record Sku(String provider, String sku, String category, boolean gpu, long referencePriceFen) {
    }

    /** One voucher of the demo and its usage plan. */
    private record Planned(String applicationId, String contractId, String enterprise, String provider, Sku sku,
                           LocalDate startOn, LocalDate endOn, long quantityMaxMicros, boolean capLimited) {
    }

    /** A step at a time: steps run in time order (then by kind, then as added). */
    private record Step(Instant at, int order, Runnable action) {
    }

    /** Steps waiting to run, earliest first; a step may add later ones (its review, its decision). */
    private static final class Steps {
        private record Queued(Step step, long seq) {
        }

        private final java.util.PriorityQueue<Queued> queue = new java.util.PriorityQueue<>(
                Comparator.comparing((Queued q) -> q.step().at()).thenComparingInt(q -> q.step().order())
                        .thenComparingLong(Queued::seq));
        private long seq;

        void add(Step step) {
            queue.add(new Queued(step, seq++));
        }

        void run() {
            while (!queue.isEmpty()) {
                queue.poll().step().action().run();
            }
        }
    }

    /**
     * Loads the demo after the registry, the programs and the pool. Loading twice changes nothing.
     *
     * @param providerUsccs   the demo providers
     * @param enterpriseUsccs the demo enterprises
     */
    @Transactional
    public Loaded load(List<String> providerUsccs, List<String> enterpriseUsccs, RegistryDemo.DemoParties parties) {
        if (jdbc.sql("select exists (select 1 from voucher_application)").query(Boolean.class).single()) {
            return new Loaded(0, 0, 0, 0, 0, 0, 0, 0);
        }
        long started = System.nanoTime();
        counted.clear();
        Random random = new Random(SEED);
        Counter counter = new Counter();
        List<Sku> catalog = catalog2025(providerUsccs, random);
        if (catalog.isEmpty() || enterpriseUsccs.isEmpty()) {
            return new Loaded(0, 0, 0, 0, 0, 0, 0, 0);
        }
        year2025(catalog, enterpriseUsccs, parties, random, counter);
        live2026(enterpriseUsccs, random, counter);
        log.info("voucher demo: {} applications, {} vouchers, {} redemptions, usage {} accepted / {} refused by "
                        + "metering, {} objections, {} batches, {} clawbacks in {} ms", counter.applications,
                counter.vouchers, counter.redemptions, counter.usageAccepted, counter.usageRefused, counter.objections,
                counter.batches, counter.clawbacks, (System.nanoTime() - started) / 1_000_000);
        return new Loaded(counter.applications, counter.vouchers, counter.redemptions, counter.usageAccepted,
                counter.usageRefused, counter.objections, counter.batches, counter.clawbacks);
    }

    private static final class Counter {
        int applications;
        int vouchers;
        int redemptions;
        int usageAccepted;
        int usageRefused;
        int objections;
        int batches;
        int clawbacks;
        int invoices;
        int events;
    }

    // ------------------------------------------------------------------ 2025: the year to show

    private List<Sku> catalog2025(List<String> providers, Random random) {
        List<Sku> catalog = new ArrayList<>();
        LocalDate from = LocalDate.of(2024, 12, 1);
        LocalDate to = LocalDate.of(2025, 12, 31);
        for (String provider : providers) {
            Organisation org = registry.organisation(provider).orElse(null);
            if (org == null) {
                continue;
            }
            boolean models = org.industry() != null && org.industry().contains("模型");
            Object[][] kinds = models ? MODELS : GPUS;
            int first = random.nextInt(kinds.length);
            for (int k = 0; k < Math.min(2, kinds.length); k++) {
                Object[] kind = kinds[(first + k) % kinds.length];
                long price = (Long) kind[4] * (90 + random.nextInt(21)) / 100;
                boolean gpu = !models;
                Offering row = poolHistory.listPast(provider, (String) kind[1], (String) kind[2], (String) kind[0],
                        (Boolean) kind[3], gpu ? Offering.GPU_HOUR : Offering.MILLION_TOKENS, gpu ? 4_096 : null,
                        org.regionCode(), price, from, to, "demo");
                catalog.add(new Sku(provider, row.sku(), row.category(), gpu, row.referencePriceFen()));
            }
        }
        return catalog;
    }

    private void year2025(List<Sku> catalog, List<String> enterprises, RegistryDemo.DemoParties parties, Random random,
                          Counter counter) {
        Steps steps = new Steps();
        List<Planned> vouchers = new ArrayList<>();
        // a few heavy users whose contracts pass the 800万 cap: partial (CAP_LIMITED), then ENTERPRISE_CAP_REACHED
        List<String> heavy = enterprises.subList(1, Math.min(4, enterprises.size()));
        for (int i = 0; i < APPLICATIONS; i++) {
            LocalDate signed = LocalDate.of(2025, 1, 3).plusDays(i * 330L / APPLICATIONS);
            String enterprise = i % 25 == 7 && !heavy.isEmpty() ? heavy.get(i % heavy.size())
                    : enterprises.get(random.nextInt(enterprises.size()));
            Sku sku = catalog.get(random.nextInt(catalog.size()));
            String special = i == 11 ? "related" : i == 23 ? "before" : i == 37 ? "long" : i == 51 ? "unlisted" : null;
            if ("related".equals(special)) {
                enterprise = parties.relatedEnterprise();
                Sku own = catalog.stream().filter(s -> s.provider().equals(parties.showcaseProvider())).findFirst()
                        .orElse(sku);
                sku = own;
            }
            LocalDate signedOn = "before".equals(special) ? LocalDate.of(2024, 12, 20) : signed;
            LocalDate startOn = signed.plusDays(random.nextInt(5));
            LocalDate endOn = startOn.plusDays("long".equals(special) ? 400 : 199);
            long quantity = sku.gpu() ? 20_000L + random.nextInt(28) * 10_000L : 10_000L + random.nextInt(15) * 10_000L;
            if (heavy.contains(enterprise) && !"related".equals(special)) {
                quantity *= 10;
            }
            long price = sku.referencePriceFen() * (100 + (random.nextInt(4) == 0 ? 5 + random.nextInt(20) : 0)) / 100;
            String lines = "sku,unit_price_fen,quantity_max\n" + sku.sku() + "," + price + "," + quantity + "\n"
                    + ("unlisted".equals(special) ? "OFFLIST-GPU," + price + ",100\n" : "");
            Instant uploaded = at(signed.plusDays(1), 9, random.nextInt(60));
            String contractId = uploads.store(new Actor("demo", Role.ENTERPRISE, enterprise), enterprise,
                    new UploadedContracts.Upload(sku.provider(), "HZ2025-" + (1000 + i), signedOn.toString(),
                            startOn.toString(), endOn.toString(), lines, "合同扫描件.pdf", DOCUMENT),
                    Clocks.at(uploaded));
            Instant submitted = uploaded.plusSeconds(3600L + random.nextInt(3600));
            Instant prepared = submitted.plusSeconds(86_400L * (1 + random.nextInt(3)));
            Instant decided = prepared.plusSeconds(86_400L * (1 + random.nextInt(3)));
            boolean rejectInReview = random.nextInt(40) == 0;
            boolean leaveInReview = i >= APPLICATIONS - 4;
            final String e = enterprise;
            final Sku s = sku;
            final long q = quantity;
            steps.add(new Step(submitted, 0, () -> {
                ApplicationRecord a = applications.apply(new Actor("demo", Role.ENTERPRISE, e), YEAR_PROGRAM,
                        contractId, submitted);
                counter.applications++;
                if (!a.decided() && !leaveInReview) {
                    steps.add(new Step(prepared, 1, () -> applications.prepare(REVIEWER, a.id(),
                            rejectInReview ? "reject" : "approve", rejectInReview ? "合同用途与人工智能无关" : "材料齐全",
                            prepared)));
                    steps.add(new Step(decided, 2, () -> {
                        ApplicationRecord d = applications.decide(APPROVER, a.id(), !rejectInReview,
                                rejectInReview ? "同意初审意见" : null, decided);
                        if (d.voucher()) {
                            counter.vouchers++;
                            vouchers.add(new Planned(d.id(), contractId, e, s.provider(), s, startOn, endOn,
                                    q * 1_000_000L, "partial".equals(d.status())));
                        }
                    }));
                }
            }));
            // two enterprises apply again with a contract that already has a voucher: DUPLICATE_APPLICATION
            if (i == 60 || i == 120) {
                Instant again = decided.plusSeconds(86_400L * 3);
                steps.add(new Step(again, 3, () -> {
                    applications.apply(new Actor("demo", Role.ENTERPRISE, e), YEAR_PROGRAM, contractId, again);
                    counter.applications++;
                }));
            }
        }
        steps.run();
        redemptions2025(vouchers, random, counter);
    }

    private void redemptions2025(List<Planned> vouchers, Random random, Counter counter) {
        Steps steps = new Steps();
        Map<String, List<UsageLine>> usage = new LinkedHashMap<>();
        List<Step> redeemSteps = new ArrayList<>();
        int n = 0;
        for (Planned v : vouchers) {
            n++;
            if (!v.capLimited() && (n % 10 == 3 || n % 10 == 6 || n % 10 == 9)) {
                continue; // some vouchers are not redeemed (yet): their reservations stay reserved
            }
            long max = v.quantityMaxMicros() / 1_000_000L;
            // a voucher cut by the enterprise cap runs out on its usage: a partial (RESERVATION_LIMITED) subsidy
            long first = v.capLimited() ? max * (92 + random.nextInt(4)) / 100 : max * (25 + random.nextInt(15)) / 100;
            long second = Math.min(max - first, max * (20 + random.nextInt(15)) / 100);
            Instant start1 = at(v.startOn().plusDays(1), 8, 0);
            Event e1 = event(v, start1, first, counter);
            Instant end1 = e1.line().end();
            Event e2 = event(v, end1.plusSeconds(86_400L * 2), second, counter);
            Instant end2 = e2.line().end();
            usage.computeIfAbsent(v.provider(), k -> new ArrayList<>()).add(e1.line());
            usage.computeIfAbsent(v.provider(), k -> new ArrayList<>()).add(e2.line());
            LocalDate split = Clocks.dateOf(end1);
            boolean last = n % 3 == 0;
            redeemSteps.add(redeemStep(v, v.startOn(), split, false, Clocks.dateOf(end1).plusDays(3), random, counter));
            if (n % 2 == 0) {
                redeemSteps.add(redeemStep(v, split.plusDays(1), v.endOn(), last, Clocks.dateOf(end2).plusDays(3), random,
                        counter));
            }
        }
        // usage arrives as providers send it: each provider's events in one upload the morning after they end
        Map<String, Map<Instant, List<UsageLine>>> arrivals = new LinkedHashMap<>();
        for (Map.Entry<String, List<UsageLine>> provider : usage.entrySet()) {
            for (UsageLine line : provider.getValue()) {
                Instant arrives = at(Clocks.dateOf(line.end()).plusDays(1), 6, 0);
                arrivals.computeIfAbsent(provider.getKey(), k -> new java.util.TreeMap<>())
                        .computeIfAbsent(arrives, k -> new ArrayList<>()).add(line);
            }
        }
        arrivals.forEach((provider, uploads) -> uploads.forEach((arrives, lines) -> steps.add(new Step(arrives, 3,
                () -> arrive(provider, lines, arrives, counter)))));
        redeemSteps.forEach(steps::add);
        // monthly disbursement batches, on the fifth of each month
        for (LocalDate day = LocalDate.of(2025, 2, 5); !day.isAfter(Clocks.today(clock).minusDays(1));
             day = day.plusMonths(1)) {
            Instant batchAt = at(day, 15, 0);
            steps.add(new Step(batchAt, 9, () -> batch(YEAR_PROGRAM, batchAt, counter)));
        }
        steps.run();
    }

    /** A provider's upload received at {@code arrives} (not yet, when that is still to come). */
    private void arrive(String provider, List<UsageLine> lines, Instant arrives, Counter counter) {
        if (arrives.isAfter(clock.instant())) {
            return;
        }
        lines.sort(Comparator.comparing(UsageLine::start).thenComparing(UsageLine::eventId));
        IngestResult result = metering.ingestReceivedAt(provider, lines, arrives);
        counter.usageAccepted += result.accepted();
        counter.usageRefused += result.rejected() + result.problems();
        for (IngestResult.LineResult line : result.results()) {
            if (line.outcome() == IngestResult.Outcome.ACCEPTED) {
                counted.add(lines.get(line.line() - 1).contractId());
            }
        }
    }

    private record Event(UsageLine line) {
    }

    /**
     * A usage event of about {@code quantity} units starting at {@code start}: GPU usage runs at
     * most 70 days with as many GPUs as that takes (quantity = GPUs × hours exactly); token usage
     * over 20 days.
     */
    private Event event(Planned v, Instant start, long quantity, Counter counter) {
        counter.events++;
        String id = "hz25-" + v.contractId() + "-" + counter.events;
        if (v.sku().gpu()) {
            long hours = Math.max(24, Math.min(70 * 24, quantity / GPU_UNITS));
            long units = Math.max(1, quantity / hours);
            return new Event(new UsageLine(id, v.provider(), v.contractId(), v.sku().sku(), (int) units,
                    BigDecimal.valueOf(units * hours), start, start.plusSeconds(hours * 3600)));
        }
        return new Event(new UsageLine(id, v.provider(), v.contractId(), v.sku().sku(), null,
                BigDecimal.valueOf(quantity), start, start.plusSeconds(86_400L * 20)));
    }

    private Step redeemStep(Planned v, LocalDate from, LocalDate to, boolean last, LocalDate filedOn, Random random,
                            Counter counter) {
        Instant filed = at(filedOn, 10, random.nextInt(60));
        Instant prepared = filed.plusSeconds(86_400L * (1 + random.nextInt(2)));
        Instant decided = prepared.plusSeconds(86_400L * (1 + random.nextInt(2)));
        String invoice = "33012025" + "%08d".formatted(++counter.invoices);
        return new Step(filed, 4, () -> {
            if (filed.isAfter(clock.instant()) || !counted.contains(v.contractId())) {
                return; // no usage of the contract counts (metering refused it): nothing to redeem
            }
            ApplicationRecord voucher = applications.find(v.applicationId()).orElseThrow();
            if (voucher.closed()) {
                return;
            }
            RedemptionRecord r = redemptions.file(new Actor("demo", Role.ENTERPRISE, v.enterprise()),
                    new Redemptions.Claim(v.applicationId(), from, to, last, List.of(invoice)), filed);
            counter.redemptions++;
            if (r.decided() || decided.isAfter(clock.instant())) {
                return;
            }
            redemptions.prepare(REVIEWER, r.id(), "approve", null, prepared);
            RedemptionRecord d = redemptions.decide(APPROVER, r.id(), true, null, decided);
            objectionsFor(d, decided, counter);
        });
    }

    /** Every 40th subsidy in 公示 gets an objection: upheld, dismissed, or (the last) still open. */
    private void objectionsFor(RedemptionRecord r, Instant decided, Counter counter) {
        if (!r.inNotice() || counter.redemptions % 40 != 0) {
            return;
        }
        Instant filed = decided.plusSeconds(86_400L + 3_600);
        long id = objections.file(r.id(), new Objections.Form(counter.objections % 2 == 0 ? "市民王先生" : null,
                "139****" + (1000 + counter.objections), counter.objections % 2 == 0
                ? "据了解该企业同期并未开展大模型训练,算力用量可能虚报,请核实。"
                : "合同单价明显高于市场价,请核实是否存在关联交易。"), "demo-" + counter.objections, filed);
        counter.objections++;
        Instant resolved = filed.plusSeconds(86_400L * 2);
        if (resolved.isAfter(clock.instant().minusSeconds(86_400L * 20))) {
            return; // a recent one stays open: the item is held
        }
        boolean upheld = counter.objections % 3 == 1;
        objections.resolve(OFFICE, id, upheld, upheld ? "经核查用量记录与机房日志不符,异议成立" : "经核查用量属实,异议不成立",
                resolved);
    }

    private void batch(String program, Instant at, Counter counter) {
        if (disbursements.ready(program, Clocks.dateOf(at)).isEmpty()) {
            return;
        }
        Disbursements.Batch batch = disbursements.run(OFFICE, program, at);
        counter.batches++;
        // two clawbacks on the first paid batches; the enterprises' next subsidies are offset
        if (counter.clawbacks < 2) {
            // on the enterprise with the most vouchers still open, so that a later subsidy is offset
            Disbursements.Line line = disbursements.lines(batch.id()).stream()
                    .max(Comparator.comparingInt(l -> openVouchers(program, l.redemptionId()))).orElseThrow();
            long amount = Math.max(1, line.grossFen() / 5);
            Instant later = at.plusSeconds(86_400L * 2);
            Instant now = clock.instant().minusSeconds(60);
            clawbacks.record(OFFICE, line.redemptionId(), amount, "抽查发现部分用量重复计量,追回相应补贴",
                    later.isAfter(now) ? now : later);
            counter.clawbacks++;
        }
    }

    /** Open vouchers (something left, not closed) of the enterprise of a redemption, in the program. */
    private int openVouchers(String program, String redemptionId) {
        return jdbc.sql("""
                        select count(*) from voucher_application a
                        where a.program_id = :p and a.left_fen > 0 and not a.closed
                          and a.enterprise_uscc = (select enterprise_uscc from voucher_redemption where id = :r)""")
                .param("p", program).param("r", redemptionId).query(Integer.class).single();
    }

    // ------------------------------------------------------------------ 2026: the last weeks, live

    private void live2026(List<String> enterprises, Random random, Counter counter) {
        LocalDate today = Clocks.today(clock);
        Steps steps = new Steps();
        int taken = 0;
        for (String enterprise : enterprises.subList(0, Math.min(40, enterprises.size()))) {
            for (PoolContract c : pool.contractsOf(enterprise)) {
                LocalDate from = c.startOn().isAfter(today.minusDays(24)) ? c.startOn() : today.minusDays(24);
                LocalDate to = c.endOn().isBefore(today.minusDays(2)) ? c.endOn() : today.minusDays(2);
                if (c.signedOn().getYear() != 2026 || from.isAfter(to) || c.lines().isEmpty() || taken >= 12) {
                    continue;
                }
                taken++;
                Instant submitted = at(c.signedOn(), 11, random.nextInt(60));
                if (!submitted.isBefore(clock.instant())) {
                    continue;
                }
                Instant decided = submitted.plusSeconds(3_600 * 5);
                if (!decided.isBefore(at(from, 0, 0))) {
                    decided = submitted.plusSeconds(3_600);
                }
                final Instant decidedAt = decided;
                PoolContract.Line line = c.lines().get(0);
                Offering offering = pool.offeringInForce(c.providerUscc(), line.sku(), c.signedOn()).orElse(null);
                if (offering == null) {
                    continue;
                }
                steps.add(new Step(submitted, 0, () -> {
                    ApplicationRecord a = applications.apply(new Actor("demo", Role.ENTERPRISE, enterprise), LIVE_PROGRAM,
                            c.contractId(), submitted);
                    counter.applications++;
                    if (a.decided()) {
                        return;
                    }
                    applications.prepare(REVIEWER, a.id(), "approve", null, submitted.plusSeconds(1_800));
                    ApplicationRecord d = applications.decide(APPROVER, a.id(), true, null, decidedAt);
                    if (!d.voucher()) {
                        return;
                    }
                    counter.vouchers++;
                    // one usage event of the contract in the last weeks; redeemed two days after it ends
                    Instant start = at(from, 9, 0);
                    Instant end;
                    UsageLine usage;
                    String eventId = "hz26-" + c.contractId();
                    if (offering.gpu()) {
                        int units = Math.min(8, offering.capacity());
                        long hours = Math.min(48, line.quantityMax().longValue() / units);
                        end = start.plusSeconds(3_600 * Math.max(1, hours));
                        usage = new UsageLine(eventId, c.providerUscc(), c.contractId(), line.sku(), units,
                                BigDecimal.valueOf(units * Math.max(1, hours)), start, end);
                    } else {
                        end = start.plusSeconds(3_600 * 20);
                        usage = new UsageLine(eventId, c.providerUscc(), c.contractId(), line.sku(), null,
                                line.quantityMax().divide(BigDecimal.valueOf(3), 6, java.math.RoundingMode.DOWN), start,
                                end);
                    }
                    IngestResult result = metering.ingest(c.providerUscc(), List.of(usage));
                    counter.usageAccepted += result.accepted();
                    counter.usageRefused += result.rejected() + result.problems();
                    Instant filed = end.plusSeconds(86_400L * 2);
                    if (filed.isAfter(clock.instant())) {
                        filed = clock.instant().minusSeconds(3_600);
                    }
                    Instant fileAt = filed;
                    RedemptionRecord r = redemptions.file(new Actor("demo", Role.ENTERPRISE, enterprise),
                            new Redemptions.Claim(a.id(), from, to, false, List.of("33012026" + "%08d"
                                    .formatted(++counter.invoices))), fileAt);
                    counter.redemptions++;
                    redemptions.prepare(REVIEWER, r.id(), "approve", null, fileAt.plusSeconds(600));
                    RedemptionRecord dr = redemptions.decide(APPROVER, r.id(), true, null, fileAt.plusSeconds(1_200));
                    if (dr.inNotice() && counter.objections < 6 && Clocks.dateOf(fileAt).isAfter(today.minusDays(4))) {
                        objections.file(dr.id(), new Objections.Form(null, "zhang@example.cn",
                                        "该企业与服务商为同一实际控制人控制,疑似关联交易,请核实。"),
                                "demo-live", fileAt.plusSeconds(3_600));
                        counter.objections++;
                    }
                }));
            }
        }
        Instant batchAt = at(today.minusDays(1), 16, 0);
        steps.add(new Step(batchAt, 9, () -> batch(LIVE_PROGRAM, batchAt, counter)));
        steps.run();
    }

    // ------------------------------------------------------------------ helpers

    private static Instant at(LocalDate day, int hour, int minute) {
        return LocalDateTime.of(day, java.time.LocalTime.of(hour, minute)).atZone(Clocks.SHANGHAI).toInstant();
    }

}

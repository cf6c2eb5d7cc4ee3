package org.zhice.pool;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.zhice.registry.Organisation;
import org.zhice.registry.Registry;

/**
 * Demo data for the pool, from a fixed seed: 3–6 approved offerings per provider (domestic and
 * other GPUs for compute providers, services on filed models for model-service providers), some
 * with an earlier version at another price, two awaiting review; demands of the enterprises
 * given, most of them contracted over the last two months (so that the public charts show
 * utilisation over time) and some still open. Dates are relative to today. Loading twice
 * changes nothing.
 */
@Service
public class PoolDemo {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PoolDemo.class);

    static final long SEED = 20250425L;
    static final String ACTOR = "demo";

    /** resource, sku, category, domestic, lowest and highest price in fen per GPU-hour */
    private static final Object[][] GPUS = {
            {"昇腾910B", "ASCEND-910B", "compute.domestic", true, 1_300, 2_000},
            {"海光DCU Z100", "HYGON-Z100", "compute.domestic", true, 500, 850},
            {"寒武纪MLU370", "MLU370-X8", "compute.domestic", true, 600, 950},
            {"H20", "NV-H20", "compute.other", false, 1_000, 1_500},
            {"A800", "NV-A800", "compute.other", false, 1_900, 2_700},
            {"H800", "NV-H800", "compute.other", false, 3_200, 4_300},
    };
    /** model service, sku, lowest and highest price in fen per million tokens */
    private static final Object[][] MODELS = {
            {"通义千问-Max", "QWEN-MAX", 1_600, 2_400},
            {"DeepSeek-V3", "DEEPSEEK-V3", 400, 900},
            {"文心大模型4.0", "ERNIE-4", 2_400, 3_200},
            {"智谱GLM-4", "GLM-4", 800, 1_500},
            {"Kimi-k1.5", "MOONSHOT-K15", 1_000, 1_800},
    };
    private static final int[] CAPACITIES = {8, 16, 16, 32, 32, 64, 128};
    private static final int[] GPUS_WANTED = {2, 4, 8, 8, 16, 16, 32};
    private static final int MAX_ENTERPRISES = 120;

    public record Loaded(int offerings, int demands, int contracts) {
    }

    private final Offerings offerings;
    private final Demands demands;
    private final Contracts contracts;
    private final Registry registry;
    private final JdbcClient jdbc;
    private final Clock clock;

    PoolDemo(Offerings offerings, Demands demands, Contracts contracts, Registry registry, JdbcClient jdbc,
             Clock clock) {
        this.offerings = offerings;
        this.demands = demands;
        this.contracts = contracts;
        this.registry = registry;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * Lists offerings for the providers and demands (and contracts) for the enterprises. The
     * first enterprise, the one the demo user acts for, gets two contracts and two open demands.
     */
    @Transactional
    public Loaded load(List<String> providerUsccs, List<String> enterpriseUsccs) {
        if (jdbc.sql("select count(*) from pool_offering").query(Long.class).single() > 0) {
            return new Loaded(0, 0, 0);
        }
        long started = System.nanoTime();
        Random random = new Random(SEED);
        LocalDate today = Offerings.today(clock);
        List<Offering> listed = new ArrayList<>();
        int rows = 0;
        for (String provider : providerUsccs) {
            Organisation org = registry.organisation(provider).orElse(null);
            if (org == null) {
                continue;
            }
            boolean models = org.industry() != null && org.industry().contains("模型");
            int count = 3 + random.nextInt(4);
            List<Integer> picks = distinct(random, models ? MODELS.length : GPUS.length, Math.min(count,
                    models ? MODELS.length : GPUS.length));
            for (int k = 0; k < picks.size(); k++) {
                Offerings.Draft draft = models ? modelDraft(MODELS[picks.get(k)], org.regionCode(), random, today)
                        : gpuDraft(GPUS[picks.get(k)], org.regionCode(), random, today);
                boolean repriced = random.nextInt(3) == 0;
                if (repriced) {
                    // an earlier version at a higher price, superseded a month ago
                    LocalDate switched = today.minusDays(20 + random.nextInt(20));
                    Offerings.Draft earlier = new Offerings.Draft(draft.sku(), draft.category(), draft.resourceName(),
                            draft.domestic(), draft.unit(), draft.capacity(), draft.regionCode(),
                            draft.referencePriceFen() * (110 + random.nextInt(20)) / 100, draft.listedFrom(),
                            switched.minusDays(1));
                    Offering v1 = offerings.insertApproved(provider, earlier, 1, null, ACTOR);
                    Offerings.Draft later = new Offerings.Draft(draft.sku(), draft.category(), draft.resourceName(),
                            draft.domestic(), draft.unit(), draft.capacity(), draft.regionCode(),
                            draft.referencePriceFen(), switched, draft.listedTo());
                    listed.add(v1);
                    listed.add(offerings.insertApproved(provider, later, 2, v1.id(), ACTOR));
                    rows += 2;
                } else {
                    listed.add(offerings.insertApproved(provider, draft, 1, null, ACTOR));
                    rows++;
                }
            }
        }
        rows += pendingReviews(providerUsccs, listed, today);

        int demandCount = 0;
        int contractCount = 0;
        List<String> enterprises = enterpriseUsccs.stream().filter(e -> registry.organisation(e).isPresent()).toList();
        List<Offering> gpuRows = listed.stream().filter(Offering::gpu).toList();
        for (int n = 0; n < enterprises.size() && n < MAX_ENTERPRISES && !listed.isEmpty(); n++) {
            String enterprise = enterprises.get(n);
            String region = registry.organisation(enterprise).map(Organisation::regionCode).orElseThrow();
            int own = n == 0 ? 4 : 1 + random.nextInt(2);
            for (int k = 0; k < own; k++) {
                boolean open = n == 0 ? k >= 2 : random.nextInt(4) == 0;
                boolean tokens = gpuRows.isEmpty() || random.nextInt(4) == 0;
                List<Offering> pool = tokens ? listed.stream().filter(o -> !o.gpu()).toList() : gpuRows;
                if (pool.isEmpty()) {
                    pool = listed;
                }
                Offering target = pool.get(random.nextInt(pool.size()));
                LocalDate start = open ? today.plusDays(3 + random.nextInt(20))
                        : today.minusDays(random.nextInt(70)).plusDays(random.nextInt(15));
                LocalDate end = start.plusDays(13 + random.nextInt(60));
                LocalDate signedOn = open ? null : (start.isAfter(today) ? today : start.minusDays(random.nextInt(4)));
                Offering row = signedOn == null ? target : inForce(listed, target, signedOn, end);
                if (row == null) {
                    continue;
                }
                Demands.Form form = demandFor(row, start, end, region, random);
                PoolDemand demand = demands.insert(enterprise, form, ACTOR);
                demandCount++;
                if (!open) {
                    try {
                        contracts.sign(demand, row.id(), signedOn, ACTOR);
                        contractCount++;
                    } catch (PoolException full) {
                        // the offering was full on those days: the demand stays open
                    }
                }
            }
        }
        log.info("pool demo: {} offerings, {} demands, {} contracts in {} ms", rows, demandCount, contractCount,
                (System.nanoTime() - started) / 1_000_000);
        return new Loaded(rows, demandCount, contractCount);
    }

    /** Two new offerings awaiting the program office's review. */
    private int pendingReviews(List<String> providerUsccs, List<Offering> listed, LocalDate today) {
        int rows = 0;
        List<Organisation> computeProviders = providerUsccs.stream()
                .map(p -> registry.organisation(p).orElse(null))
                .filter(o -> o != null && (o.industry() == null || !o.industry().contains("模型")))
                .limit(2)
                .toList();
        for (int k = 0; k < computeProviders.size(); k++) {
            Organisation org = computeProviders.get(k);
            String provider = org.uscc();
            String sku = "NV-H20-2025Q" + (k + 3);
            boolean taken = listed.stream().anyMatch(o -> o.providerUscc().equals(provider) && o.sku().equals(sku));
            if (taken) {
                continue;
            }
            Offerings.Draft draft = new Offerings.Draft(sku, "compute.other", "H20", false, Offering.GPU_HOUR,
                    64 * (k + 1), org.regionCode(), 1_150L + 50L * k, today.plusDays(7), today.plusDays(372));
            offerings.insert(provider, draft, 1, null, Offering.PENDING, ACTOR);
            rows++;
        }
        return rows;
    }

    private static Offerings.Draft gpuDraft(Object[] gpu, String region, Random random, LocalDate today) {
        int low = (int) gpu[4];
        int high = (int) gpu[5];
        long price = (low + random.nextInt(high - low + 1)) / 10 * 10L;
        return new Offerings.Draft((String) gpu[1], (String) gpu[2], (String) gpu[0], (boolean) gpu[3],
                Offering.GPU_HOUR, CAPACITIES[random.nextInt(CAPACITIES.length)], region, price,
                today.minusDays(150 + random.nextInt(60)), today.plusDays(200 + random.nextInt(200)));
    }

    private static Offerings.Draft modelDraft(Object[] model, String region, Random random, LocalDate today) {
        int low = (int) model[2];
        int high = (int) model[3];
        long price = (low + random.nextInt(high - low + 1)) / 10 * 10L;
        return new Offerings.Draft((String) model[1], "model.filed", (String) model[0], true, Offering.MILLION_TOKENS,
                null, region, price, today.minusDays(150 + random.nextInt(60)), today.plusDays(200 + random.nextInt(200)));
    }

    /** A demand the offering can serve, with a budget that leaves room over its gross price. */
    private static Demands.Form demandFor(Offering row, LocalDate start, LocalDate end, String region, Random random) {
        if (row.gpu()) {
            int gpus = Math.min(GPUS_WANTED[random.nextInt(GPUS_WANTED.length)], row.capacity());
            int days = (int) (end.toEpochDay() - start.toEpochDay() + 1);
            int hours = 24 * Math.max(1, days * (40 + random.nextInt(50)) / 100);
            long gross = (long) gpus * hours * row.referencePriceFen();
            return new Demands.Form(Offering.GPU_HOUR, row.resourceName(), gpus, hours, null, start, end, region,
                    false, gross * (105 + random.nextInt(30)) / 100);
        }
        BigDecimal tokens = BigDecimal.valueOf(200 + 100L * random.nextInt(50));
        long gross = tokens.longValueExact() * row.referencePriceFen();
        return new Demands.Form(Offering.MILLION_TOKENS, row.resourceName(), null, null, tokens, start, end, region,
                false, gross * (105 + random.nextInt(30)) / 100);
    }

    /** The version of the target's SKU in force on {@code signedOn} and listed through {@code end}, if any. */
    private static Offering inForce(List<Offering> listed, Offering target, LocalDate signedOn, LocalDate end) {
        for (Offering o : listed) {
            if (o.providerUscc().equals(target.providerUscc()) && o.sku().equals(target.sku())
                    && o.inForceOn(signedOn) && !o.listedTo().isBefore(end)) {
                return o;
            }
        }
        return null;
    }

    private static List<Integer> distinct(Random random, int bound, int count) {
        List<Integer> picks = new ArrayList<>();
        while (picks.size() < count) {
            int pick = random.nextInt(bound);
            if (!picks.contains(pick)) {
                picks.add(pick);
            }
        }
        return picks;
    }
}

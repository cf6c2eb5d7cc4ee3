package org.zhice.pool;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Plausible matching rounds for the benchmark and the property tests, from a seed: offerings of
 * six GPU models at their 2025 market prices in a dozen regions, and demands of Hangzhou
 * enterprises for one of those models (1–16 GPUs for 1–30 days of a 30-day round, a budget set
 * by what each is ready to pay per GPU-hour, a quarter of them needing compute in their own city).
 */
final class MatchingInstances {

    record Instance(List<Matcher.Demand> demands, List<Matcher.Offer> offers) {
    }

    /** model, category, lowest and highest price in fen per GPU-hour, weight among offers and demands */
    private static final Object[][] MODELS = {
            {"昇腾910B", "compute.domestic", 1_200, 2_200, 30},
            {"海光DCU Z100", "compute.domestic", 500, 900, 10},
            {"寒武纪MLU370", "compute.domestic", 600, 1_000, 10},
            {"H20", "compute.other", 1_000, 1_600, 20},
            {"A800", "compute.other", 1_800, 2_800, 18},
            {"H800", "compute.other", 3_000, 4_500, 12},
    };
    private static final String[] OFFER_REGIONS = {
            "330106", "330108", "330110", "330110", "330109", "330102", "330114", // Hangzhou
            "330212", "330481", "320100", "310000", "520100", "150100"}; // Ningbo, Jiaxing, Nanjing, Shanghai, Guiyang, Hohhot
    private static final String[] DEMAND_REGIONS = {"330106", "330108", "330110", "330102", "330105", "330109", "330212"};
    private static final int[] CAPACITIES = {8, 16, 16, 32, 32, 64, 64, 96, 128, 256};
    private static final int[] GPUS = {1, 2, 2, 4, 4, 4, 8, 8, 16};
    static final Map<String, BigDecimal> RATIOS = Map.of(
            "compute.domestic", new BigDecimal("0.30"), "compute.other", new BigDecimal("0.20"),
            "model.filed", new BigDecimal("0.30"));

    private MatchingInstances() {
    }

    /** A round of {@code demandCount} demands and {@code offerCount} offers. */
    static Instance round(long seed, int demandCount, int offerCount) {
        return round(new Random(seed), demandCount, offerCount, CAPACITIES, GPUS);
    }

    static Instance round(Random random, int demandCount, int offerCount, int[] capacities, int[] gpuChoices) {
        List<Matcher.Offer> offers = new ArrayList<>();
        for (int j = 0; j < offerCount; j++) {
            Object[] model = model(random);
            int low = (int) model[2];
            int high = (int) model[3];
            long price = low + random.nextInt(high - low + 1);
            offers.add(new Matcher.Offer(j + 1, "P" + (j % 97), "SKU-" + j, (String) model[1], (String) model[0],
                    "gpu_hour", OFFER_REGIONS[random.nextInt(OFFER_REGIONS.length)], price,
                    capacities[random.nextInt(capacities.length)]));
        }
        List<Matcher.Demand> demands = new ArrayList<>();
        for (int i = 0; i < demandCount; i++) {
            Object[] model = model(random);
            int low = (int) model[2];
            int high = (int) model[3];
            BigDecimal ratio = RATIOS.get((String) model[1]);
            // ready to pay per GPU-hour, net of the voucher: around the model's mid net price
            long midNet = BigDecimal.valueOf((low + high) / 2).multiply(BigDecimal.ONE.subtract(ratio)).longValue();
            long willingness = midNet * (70 + random.nextInt(81)) / 100;
            int gpus = gpuChoices[random.nextInt(gpuChoices.length)];
            int hours = 24 * (1 + random.nextInt(30));
            long quantity = (long) gpus * hours;
            demands.add(new Matcher.Demand(i + 1, (String) model[0], "gpu_hour", gpus, quantity * 1_000_000L,
                    DEMAND_REGIONS[random.nextInt(DEMAND_REGIONS.length)], random.nextInt(4) == 0,
                    quantity * willingness, RATIOS));
        }
        return new Instance(demands, offers);
    }

    /**
     * A small round where everything competes: one resource, offers of 2–16 GPUs in two cities,
     * demands of 1–8 GPUs, budgets from tight to loose (some offers over budget), a third of the
     * demands needing their own city. Small enough for an exhaustive search of the best assignment.
     */
    static Instance contended(Random random, int demandCount, int offerCount, boolean unitGpus) {
        String[] regions = {"330106", "330108", "320100"};
        List<Matcher.Offer> offers = new ArrayList<>();
        for (int j = 0; j < offerCount; j++) {
            boolean domestic = random.nextBoolean();
            offers.add(new Matcher.Offer(j + 1, "P" + j, "S" + j, domestic ? "compute.domestic" : "compute.other",
                    "X", "gpu_hour", regions[random.nextInt(regions.length)], 500 + random.nextInt(1_500),
                    unitGpus ? 1 + random.nextInt(4) : 2 + random.nextInt(15)));
        }
        List<Matcher.Demand> demands = new ArrayList<>();
        for (int i = 0; i < demandCount; i++) {
            int gpus = unitGpus ? 1 : 1 + random.nextInt(8);
            int hours = 1 + random.nextInt(100);
            long quantity = (long) gpus * hours;
            demands.add(new Matcher.Demand(i + 1, "X", "gpu_hour", gpus, quantity * 1_000_000L,
                    regions[random.nextInt(2)], random.nextInt(3) == 0, quantity * (300 + random.nextInt(1_500)),
                    RATIOS));
        }
        return new Instance(demands, offers);
    }

    private static Object[] model(Random random) {
        int total = 0;
        for (Object[] m : MODELS) {
            total += (int) m[4];
        }
        int pick = random.nextInt(total);
        for (Object[] m : MODELS) {
            pick -= (int) m[4];
            if (pick < 0) {
                return m;
            }
        }
        throw new AssertionError();
    }
}

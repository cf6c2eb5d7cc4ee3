package org.zhice.pool;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;

/**
 * bench/matching: one round of 10,000 open demands and 500 offerings (MatchingInstances, seeded).
 * The platform's matcher assigns it five times (after warming the JIT on three other rounds of
 * the same shape, as a running server would be); the median wall time is reported. Then the
 * exact bound (TransportationBound: the best value any assignment could serve, demands even
 * split) is computed on the same round. Last line: {@code seconds=<t> value_ratio=<x>}.
 */
public final class MatchingBench {

    private static final int RUNS = 5;
    private static final int WARM_UP_ROUNDS = 3;

    public static void main(String[] args) {
        long seed = args.length > 0 ? Long.parseLong(args[0]) : 20250425L;
        int demands = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int offers = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        for (int w = 1; w <= WARM_UP_ROUNDS; w++) {
            MatchingInstances.Instance other = MatchingInstances.round(seed + w, demands, offers);
            Matcher.assign(other.demands(), other.offers());
        }
        MatchingInstances.Instance round = MatchingInstances.round(seed, demands, offers);
        double[] seconds = new double[RUNS];
        Matcher.Assignment assignment = null;
        for (int r = 0; r < RUNS; r++) {
            long started = System.nanoTime();
            assignment = Matcher.assign(round.demands(), round.offers());
            seconds[r] = (System.nanoTime() - started) / 1e9;
        }
        double[] sorted = seconds.clone();
        Arrays.sort(sorted);
        double median = sorted[RUNS / 2];

        long boundStarted = System.nanoTime();
        BigDecimal bound = TransportationBound.value(round.demands(), round.offers());
        double boundSeconds = (System.nanoTime() - boundStarted) / 1e9;

        long demandedGpus = round.demands().stream().mapToLong(Matcher.Demand::gpus).sum();
        long capacityGpus = round.offers().stream().mapToLong(Matcher.Offer::freeGpus).sum();
        BigDecimal ratio = BigDecimal.valueOf(assignment.valueFen()).divide(bound, MathContext.DECIMAL64);
        System.out.printf("round: seed %d, %d demands asking %d GPUs, %d offers of %d GPUs, %d candidate pairs%n",
                seed, demands, demandedGpus, offers, capacityGpus, pairs(round));
        System.out.printf("matcher: %d demands served, value %d fen; runs %s s%n", assignment.served(),
                assignment.valueFen(), Arrays.toString(Arrays.stream(seconds)
                        .mapToObj(s -> String.format("%.3f", s)).toArray()));
        System.out.printf("bound (exact, demands splittable): value %s fen in %.1f s%n", bound.toPlainString(),
                boundSeconds);
        System.out.printf("seconds=%.3f value_ratio=%.4f%n", median, ratio.doubleValue());
    }

    private static long pairs(MatchingInstances.Instance round) {
        long n = 0;
        for (Matcher.Demand d : round.demands()) {
            n += Matcher.rank(d, round.offers()).quotes().size();
        }
        return n;
    }
}

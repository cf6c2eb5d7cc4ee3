package org.zhice.pool;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Properties of the matcher on random small rounds where everything competes, checked against
 * an exhaustive search of every assignment and against the exact LP bound (two independent
 * min-cost-flow solvers that must agree).
 */
class MatcherProperties {

    @Property(tries = 300)
    void neverAssignsBeyondCapacityOrBudgetAndNeverBeatsTheOptimum(@ForAll long seed,
                                                                   @ForAll @IntRange(min = 1, max = 8) int demands,
                                                                   @ForAll @IntRange(min = 1, max = 3) int offers) {
        MatchingInstances.Instance round = MatchingInstances.contended(new Random(seed), demands, offers, false);
        Matcher.Assignment assignment = Matcher.assign(round.demands(), round.offers());
        assertFeasible(round, assignment);

        long optimum = bestAssignment(round);
        BigDecimal bound = TransportationBound.value(round.demands(), round.offers());
        assertThat(bound).isEqualByComparingTo(TransportationBound.valueBySuccessiveShortestPaths(round.demands(),
                round.offers()));
        assertThat(assignment.valueFen()).isLessThanOrEqualTo(optimum);
        assertThat(BigDecimal.valueOf(optimum)).isLessThanOrEqualTo(bound);
        // a demand left out is never worth more than all it would have to push out together
        for (Matcher.Demand d : round.demands()) {
            for (Matcher.Quote q : Matcher.rank(d, round.offers()).quotes()) {
                assertThat(assignment.valueFen()).isGreaterThanOrEqualTo(d.budgetFen() - q.netFen());
            }
        }
    }

    @Property(tries = 200)
    void withOneGpuPerDemandTheBoundIsExactlyTheOptimum(@ForAll long seed,
                                                                @ForAll @IntRange(min = 1, max = 8) int demands,
                                                                @ForAll @IntRange(min = 1, max = 3) int offers) {
        MatchingInstances.Instance round = MatchingInstances.contended(new Random(seed), demands, offers, true);
        long optimum = bestAssignment(round);
        assertThat(TransportationBound.value(round.demands(), round.offers()))
                .isEqualByComparingTo(BigDecimal.valueOf(optimum));
        Matcher.Assignment assignment = Matcher.assign(round.demands(), round.offers());
        assertFeasible(round, assignment);
        assertThat(assignment.valueFen()).isLessThanOrEqualTo(optimum);
    }

    @Property(tries = 20)
    void largerRoundsServeAtLeast98PercentOfTheBound(@ForAll @IntRange(min = 1, max = 1_000_000) int seed) {
        MatchingInstances.Instance round = MatchingInstances.round(seed, 1_000, 50);
        Matcher.Assignment assignment = Matcher.assign(round.demands(), round.offers());
        assertFeasible(round, assignment);
        BigDecimal bound = TransportationBound.value(round.demands(), round.offers());
        assertThat(BigDecimal.valueOf(assignment.valueFen()))
                .isGreaterThanOrEqualTo(bound.multiply(new BigDecimal("0.98")));
    }

    /** Each demand at most once, at an offer it fits, within budget; no offer's GPUs overcommitted. */
    static void assertFeasible(MatchingInstances.Instance round, Matcher.Assignment assignment) {
        List<Matcher.Demand> demands = round.demands();
        List<Matcher.Offer> offers = round.offers();
        assertThat(assignment.offerOf()).hasSize(demands.size());
        Map<Integer, Long> used = new HashMap<>();
        long total = 0;
        for (int i = 0; i < demands.size(); i++) {
            int j = assignment.offerOf()[i];
            if (j < 0) {
                continue;
            }
            Matcher.Demand d = demands.get(i);
            Matcher.Offer o = offers.get(j);
            List<Matcher.Quote> quotes = Matcher.rank(d, List.of(o)).quotes();
            assertThat(quotes).as("demand %d fits offer %d", d.id(), o.id()).hasSize(1);
            assertThat(quotes.get(0).netFen()).isLessThanOrEqualTo(d.budgetFen());
            used.merge(j, (long) d.gpus(), Long::sum);
            total += d.budgetFen() - quotes.get(0).netFen();
        }
        used.forEach((j, gpus) -> assertThat(gpus).isLessThanOrEqualTo(offers.get(j).freeGpus()));
        assertThat(assignment.valueFen()).isEqualTo(total);
    }

    /** The best total value over every assignment (each demand to one fitting offer or none). */
    static long bestAssignment(MatchingInstances.Instance round) {
        List<Matcher.Demand> demands = round.demands();
        List<Matcher.Offer> offers = round.offers();
        long[][] value = new long[demands.size()][offers.size()];
        for (int i = 0; i < demands.size(); i++) {
            java.util.Arrays.fill(value[i], -1);
            for (Matcher.Quote q : Matcher.rank(demands.get(i), offers).quotes()) {
                value[i][offers.indexOf(q.offer())] = demands.get(i).budgetFen() - q.netFen();
            }
        }
        int[] free = offers.stream().mapToInt(Matcher.Offer::freeGpus).toArray();
        return search(0, demands, value, free);
    }

    private static long search(int i, List<Matcher.Demand> demands, long[][] value, int[] free) {
        if (i == demands.size()) {
            return 0;
        }
        long best = search(i + 1, demands, value, free);
        int gpus = demands.get(i).gpus();
        for (int j = 0; j < free.length; j++) {
            if (value[i][j] >= 0 && free[j] >= gpus) {
                free[j] -= gpus;
                best = Math.max(best, value[i][j] + search(i + 1, demands, value, free));
                free[j] += gpus;
            }
        }
        return best;
    }
}

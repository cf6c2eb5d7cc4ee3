package org.zhice.pool;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The matcher's ranking rules and its quality on rounds shaped like the benchmark's. */
class MatcherTest {

    static final Map<String, BigDecimal> RATIOS = MatchingInstances.RATIOS;

    static Matcher.Offer offer(long id, String category, String region, long price, int free) {
        return new Matcher.Offer(id, "P" + id, "S" + id, category, "H20", "gpu_hour", region, price, free);
    }

    static Matcher.Demand demand(int gpus, int hours, String region, boolean localOnly, long budget) {
        return new Matcher.Demand(1, "H20", "gpu_hour", gpus, (long) gpus * hours * 1_000_000L, region, localOnly,
                budget, RATIOS);
    }

    @Test
    void ranksByNetPriceThenClosenessThenFreeCapacity() {
        List<Matcher.Offer> offers = List.of(
                offer(1, "compute.other", "320100", 1_000, 8),     // net 800
                offer(2, "compute.domestic", "330108", 1_100, 8),  // net 770
                offer(3, "compute.domestic", "330106", 1_100, 8),  // net 770, same district
                offer(4, "compute.domestic", "330106", 1_100, 64), // net 770, same district, more free
                offer(5, "compute.other", "330106", 900, 2),       // too few GPUs
                offer(6, "compute.other", "330106", 5_000, 64),    // over budget
                new Matcher.Offer(7, "P7", "S7", "compute.other", "A800", "gpu_hour", "330106", 1, 64)); // other model
        Matcher.Ranking ranking = Matcher.rank(demand(4, 10, "330106", false, 50_000), offers);
        assertThat(ranking.quotes()).extracting(q -> q.offer().id()).containsExactly(4L, 3L, 2L, 1L);
        assertThat(ranking.quotes().get(0).netFen()).isEqualTo(30_800);
        assertThat(ranking.quotes().get(0).closeness()).isEqualTo(3);
        assertThat(ranking.quotes().get(2).closeness()).isEqualTo(2);
        assertThat(ranking.quotes().get(3).closeness()).isEqualTo(0);
        assertThat(ranking.tooLittleCapacity()).isEqualTo(1);
        assertThat(ranking.overBudget()).isEqualTo(1);

        Matcher.Ranking local = Matcher.rank(demand(4, 10, "330106", true, 50_000), offers);
        assertThat(local.quotes()).extracting(q -> q.offer().id()).containsExactly(4L, 3L, 2L);
        assertThat(local.outsideCity()).isEqualTo(1);
    }

    @Test
    void pricesAreExact() {
        // 3 GPUs × 7 h × 1,001 fen = 21,021; 30% = 6,306.3 → 6,306; net 14,715
        Matcher.Quote q = Matcher.rank(demand(3, 7, "330106", false, 14_715),
                List.of(offer(1, "compute.domestic", "330106", 1_001, 3))).quotes().get(0);
        assertThat(q.grossFen()).isEqualTo(21_021);
        assertThat(q.voucherFen()).isEqualTo(6_306);
        assertThat(q.netFen()).isEqualTo(14_715);
        // a token quantity with decimals: 0.333333 M × 1,000 fen = 333.333 → 333
        Matcher.Demand tokens = new Matcher.Demand(2, "M", "million_tokens", 0, 333_333, "330106", false, 1_000,
                Map.of());
        Matcher.Quote t = Matcher.rank(tokens, List.of(new Matcher.Offer(9, "P", "S", "model.filed", "M",
                "million_tokens", "330106", 1_000, Matcher.UNLIMITED))).quotes().get(0);
        assertThat(t.grossFen()).isEqualTo(333);
        assertThat(t.voucherFen()).isZero();
    }

    @Test
    void servesNearlyAllTheValueAnyAssignmentCouldOnBenchmarkShapedRounds() {
        for (long seed = 1; seed <= 3; seed++) {
            MatchingInstances.Instance round = MatchingInstances.round(seed, 2_000, 100);
            Matcher.Assignment assignment = Matcher.assign(round.demands(), round.offers());
            BigDecimal bound = TransportationBound.value(round.demands(), round.offers());
            BigDecimal ratio = BigDecimal.valueOf(assignment.valueFen()).divide(bound, 6, java.math.RoundingMode.DOWN);
            assertThat(ratio).as("seed " + seed).isGreaterThanOrEqualTo(new BigDecimal("0.98"));
            MatcherProperties.assertFeasible(round, assignment);
        }
    }
}

package org.zhice.pool;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Service;

/**
 * A matching round over the open demands, for the program office: which offer each demand would
 * best take so that the pool serves the most value ({@link Matcher#assign}). A proposal only:
 * each enterprise still accepts an offer itself, and accepting re-checks the listing, the free
 * capacity over its own window and the budget. For the round every offering's free GPUs are
 * counted over the span of all the open demands' windows (conservative: the demands of a round
 * are taken to overlap), and only offerings in force today are offered.
 */
@Service
class MatchingRound {

    static final int MAX_DEMANDS = 10_000;

    private final Demands demands;
    private final Offerings offerings;
    private final VoucherRatios ratios;
    private final Clock clock;

    MatchingRound(Demands demands, Offerings offerings, VoucherRatios ratios, Clock clock) {
        this.demands = demands;
        this.offerings = offerings;
        this.ratios = ratios;
        this.clock = clock;
    }

    record Proposal(PoolDemand demand, Offering offering, Matcher.Quote quote, long valueFen) {
    }

    record Result(List<Proposal> proposals, int openDemands, int offers, long valueFen, long millis) {
    }

    Result propose() {
        LocalDate today = Offerings.today(clock);
        List<PoolDemand> open = demands.open(MAX_DEMANDS);
        if (open.isEmpty()) {
            return new Result(List.of(), 0, 0, 0, 0);
        }
        LocalDate from = open.stream().map(PoolDemand::startOn).min(LocalDate::compareTo).orElseThrow();
        LocalDate to = open.stream().map(PoolDemand::endOn).max(LocalDate::compareTo).orElseThrow();
        List<Offering> rows = offerings.inForceOn(today);
        Map<Long, Integer> peaks = demands.peakReserved(rows, from, to);
        List<Matcher.Offer> offers = rows.stream().map(o -> Demands.forMatcher(o, peaks.getOrDefault(o.id(), 0)))
                .toList();
        Map<String, Map<String, BigDecimal>> ratiosByEnterprise = new HashMap<>();
        List<Matcher.Demand> asked = open.stream()
                .map(d -> d.forMatcher(ratiosByEnterprise.computeIfAbsent(d.enterpriseUscc(), e -> ratios.of(e, today))))
                .toList();
        long started = System.nanoTime();
        Matcher.Assignment assignment = Matcher.assign(asked, offers);
        long millis = (System.nanoTime() - started) / 1_000_000;
        List<Proposal> proposals = new ArrayList<>();
        for (int i = 0; i < open.size(); i++) {
            int j = assignment.offerOf()[i];
            if (j < 0) {
                continue;
            }
            Matcher.Quote quote = Matcher.rank(asked.get(i), List.of(offers.get(j))).quotes().get(0);
            proposals.add(new Proposal(open.get(i), rows.get(j), quote, open.get(i).budgetFen() - quote.netFen()));
        }
        return new Result(proposals, open.size(), offers.size(), assignment.valueFen(), millis);
    }
}

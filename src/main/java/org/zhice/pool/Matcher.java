package org.zhice.pool;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Matches demands to offers, in two ways. {@link #rank} orders the offers that one demand can
 * take, as its enterprise sees them: cheapest net of the voucher first, then nearest, then most
 * free capacity. {@link #assign} assigns many open demands of one matching round to offerings at
 * once, maximising the value served (see {@code docs/pool.md}): a greedy pass by value per GPU,
 * then improving moves until none helps. Pure: no database, no clock, no floating point.
 *
 * <p>Money is integer fen. A quote for a demand of {@code q} units at unit price {@code p}:
 * {@code gross = round_half_up(q × p)}, {@code voucher = floor(ratio × gross)},
 * {@code net = gross − voucher}; the demand's budget caps {@code net}, and the value of serving
 * the demand with that offer is {@code budget − net}: what the enterprise keeps of what it was
 * ready to pay.
 */
public final class Matcher {

    /** The largest budget a demand may have: 10,000,000,000 yuan (values stay below 2^40 fen). */
    public static final long MAX_BUDGET_FEN = 1_000_000_000_000L;

    /** Free capacity of an offer without a GPU limit (token services). */
    public static final int UNLIMITED = Integer.MAX_VALUE;

    private static final long MICROS = 1_000_000L;
    private static final long BASIS = 10_000L;

    private Matcher() {
    }

    /**
     * An offering as a demand sees it: in force, with the GPUs still free over the demand's
     * window ({@link #UNLIMITED} for token services).
     */
    public record Offer(long id, String providerUscc, String sku, String category, String resource, String unit,
                        String regionCode, long unitPriceFen, int freeGpus) {
        public Offer {
            Objects.requireNonNull(category, "category");
            Objects.requireNonNull(resource, "resource");
            Objects.requireNonNull(unit, "unit");
            Objects.requireNonNull(regionCode, "regionCode");
            if (unitPriceFen < 0 || freeGpus < 0) {
                throw new IllegalArgumentException("negative price or capacity on offer " + id);
            }
        }

        /** No GPU limit (a token service). */
        public boolean unlimited() {
            return freeGpus == UNLIMITED;
        }
    }

    /**
     * What an enterprise asks for. {@code gpus} is the GPUs it needs at once (0 for tokens);
     * {@code quantityMicros} the units it buys, in millionths (GPU-hours or millions of tokens);
     * {@code localOnly}: the compute must run in the enterprise's own city (first four digits of
     * the region code); {@code voucherRatios}: the subsidy ratio this enterprise would get per
     * category (a category not in the map gets none).
     */
    public record Demand(long id, String resource, String unit, int gpus, long quantityMicros, String regionCode,
                         boolean localOnly, long budgetFen, Map<String, BigDecimal> voucherRatios) {
        public Demand {
            Objects.requireNonNull(resource, "resource");
            Objects.requireNonNull(unit, "unit");
            Objects.requireNonNull(regionCode, "regionCode");
            voucherRatios = Map.copyOf(voucherRatios);
            if (gpus < 0 || quantityMicros <= 0 || budgetFen < 0 || budgetFen > MAX_BUDGET_FEN) {
                throw new IllegalArgumentException("bad demand " + id);
            }
        }
    }

    /**
     * An offer priced for a demand. {@code closeness}: 3 same district, 2 same city, 1 same
     * province, 0 elsewhere.
     */
    public record Quote(Offer offer, long grossFen, long voucherFen, long netFen, BigDecimal voucherRatio,
                        int closeness) {
    }

    /** Why offers of the demand's resource were left out of a ranking. */
    public record Ranking(List<Quote> quotes, int overBudget, int tooLittleCapacity, int outsideCity) {
        public Ranking {
            quotes = List.copyOf(quotes);
        }
    }

    /** Offers that fit first by net price, then closeness, then free capacity, then id. */
    static final Comparator<Quote> RANK_ORDER = Comparator.comparingLong(Quote::netFen)
            .thenComparing(Comparator.comparingInt(Quote::closeness).reversed())
            .thenComparing(Comparator.comparingInt((Quote q) -> q.offer().freeGpus()).reversed())
            .thenComparingLong(q -> q.offer().id());

    /** The offers this demand can take, best first, and counts of those that do not fit. */
    public static Ranking rank(Demand demand, List<Offer> offers) {
        List<Quote> quotes = new ArrayList<>();
        int overBudget = 0;
        int tooLittle = 0;
        int outside = 0;
        for (Offer offer : offers) {
            if (!offer.unit().equals(demand.unit()) || !offer.resource().equals(demand.resource())) {
                continue;
            }
            if (demand.localOnly() && !sameCity(demand.regionCode(), offer.regionCode())) {
                outside++;
                continue;
            }
            if (offer.freeGpus() < demand.gpus()) {
                tooLittle++;
                continue;
            }
            BigDecimal ratio = demand.voucherRatios().getOrDefault(offer.category(), BigDecimal.ZERO);
            long gross = gross(demand.quantityMicros(), offer.unitPriceFen());
            long voucher = floorRatio(gross, basisPoints(ratio));
            long net = gross - voucher;
            if (net > demand.budgetFen()) {
                overBudget++;
                continue;
            }
            quotes.add(new Quote(offer, gross, voucher, net, ratio, closeness(demand.regionCode(), offer.regionCode())));
        }
        quotes.sort(RANK_ORDER);
        return new Ranking(quotes, overBudget, tooLittle, outside);
    }

    /**
     * An assignment of demands to offers: {@code offerOf[i]} is the index in the offer list of
     * the offer demand {@code i} gets, or -1.
     */
    public record Assignment(int[] offerOf, long valueFen) {
        public int served() {
            int n = 0;
            for (int j : offerOf) {
                if (j >= 0) {
                    n++;
                }
            }
            return n;
        }
    }

    /**
     * Assigns the demands of one matching round to offers, each demand whole to at most one
     * offer, never more GPUs to an offer than its {@code freeGpus} (all demands of a round are
     * taken to overlap in time) and never a net price above a budget, so that the total value
     * ({@code budget − net} summed over served demands) is as large as the heuristic finds.
     */
    public static Assignment assign(List<Demand> demands, List<Offer> offers) {
        return new Round(demands, offers).solve();
    }

    /** {@code round_half_up(quantity × price)} in fen, exact. */
    static long gross(long quantityMicros, long priceFen) {
        long high = Math.multiplyHigh(quantityMicros, priceFen);
        long product = quantityMicros * priceFen;
        if (high == 0 && product >= 0 && product <= Long.MAX_VALUE - MICROS / 2) {
            return (product + MICROS / 2) / MICROS;
        }
        return BigDecimal.valueOf(quantityMicros).movePointLeft(6).multiply(BigDecimal.valueOf(priceFen))
                .setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    /** {@code floor(ratio × fen)} for a ratio in basis points (1/10,000), exact. */
    static long floorRatio(long fen, int basisPoints) {
        long high = Math.multiplyHigh(fen, basisPoints);
        long product = fen * basisPoints;
        if (high == 0 && product >= 0) {
            return product / BASIS;
        }
        return BigDecimal.valueOf(fen).multiply(BigDecimal.valueOf(basisPoints)).divide(BigDecimal.valueOf(BASIS), 0,
                RoundingMode.FLOOR).longValueExact();
    }

    /** A ratio of at most four decimals in basis points. */
    static int basisPoints(BigDecimal ratio) {
        return ratio.movePointRight(4).setScale(0, RoundingMode.UNNECESSARY).intValueExact();
    }

    static boolean sameCity(String a, String b) {
        return a.regionMatches(0, b, 0, 4);
    }

    static int closeness(String a, String b) {
        if (a.equals(b)) {
            return 3;
        }
        if (sameCity(a, b)) {
            return 2;
        }
        return a.regionMatches(0, b, 0, 2) ? 1 : 0;
    }

    /**
     * One matching round. Candidate pairs (demand, offer) that fit are kept in arrays grouped by
     * demand, best value first.
     *
     * <p>Phase 1 is an auction (after Bertsekas): each demand in turn bids, per GPU, for room at
     * the offer that leaves it the most value after the price of that room, raising the price by
     * what it gains over its second-best choice plus a step of 1/20 of its value per GPU; the
     * room's price is 0 while an offer has free GPUs, else just above the bids of the holders it
     * would push out, who then bid again elsewhere. Prices only rise, so it ends.
     *
     * <p>Phase 2 makes moves that raise the total until none does or {@value #PASSES} passes
     * have run: any demand, served or not, takes free room at a better offer or pushes out the
     * holders of least value per GPU there when it gains more than they are worth together. Every move raises the total, so it ends. When it ends
     * by convergence (and no room needs more than {@value #MAX_EVICTED} demands pushed out), no
     * single demand–offer pair is worth more than the total served. On the benchmark round it
     * serves 99.8% of the exact upper bound (docs/pool.md).
     */
    private static final class Round {
        private static final int PASSES = 20;
        private static final int MAX_EVICTED = 8;
        private static final long MILLI = 1_000;
        private static final long STEP_DIVISOR = 20;
        private static final long NO_ROOM = -1;
        private static final int OFFER_BITS = 23;
        private static final long OFFER_MASK = (1L << OFFER_BITS) - 1;

        private final int demandCount;
        private final int offerCount;
        private final int[] gpus;
        private final int[] free;
        // candidate pairs, grouped by demand: pairStart[i] .. pairStart[i+1], by value descending
        private int[] pairStart;
        private int[] pairOffer;
        private long[] pairValue;
        // the assignment
        private final int[] offerOf;
        private final int[] pairOf;
        private final IntList[] servedBy;
        // phase 1 only: each served demand's bid per GPU, in milli-fen; holders kept by bid
        private long[] bid;
        private final int[] evicted = new int[MAX_EVICTED];
        private long evictedValue;
        // per offer, the holder of least value per GPU (its value and GPUs), found again after a change
        private long[] leastValue;
        private int[] leastGpus;
        private boolean[] leastKnown;
        // phase 2 only: when each offer last changed and each demand was last looked at; a
        // demand none of whose offers changed since cannot have a new move
        private long clock;
        private long[] changedAt;
        private long[] checkedAt;

        Round(List<Demand> demands, List<Offer> offers) {
            if (offers.size() > OFFER_MASK) {
                throw new IllegalArgumentException("at most " + OFFER_MASK + " offers in one round");
            }
            demandCount = demands.size();
            offerCount = offers.size();
            gpus = new int[demandCount];
            free = new int[offerCount];
            offerOf = new int[demandCount];
            pairOf = new int[demandCount];
            Arrays.fill(offerOf, -1);
            Arrays.fill(pairOf, -1);
            servedBy = new IntList[offerCount];
            for (int j = 0; j < offerCount; j++) {
                free[j] = offers.get(j).freeGpus();
                servedBy[j] = new IntList();
            }
            buildPairs(demands, offers);
        }

        private void buildPairs(List<Demand> demands, List<Offer> offers) {
            Map<String, IntList> byResource = new HashMap<>();
            Map<String, Integer> categoryIndex = new HashMap<>();
            int[] offerCategory = new int[offerCount];
            for (int j = 0; j < offerCount; j++) {
                Offer o = offers.get(j);
                byResource.computeIfAbsent(o.unit() + '\u0000' + o.resource(), k -> new IntList()).add(j);
                offerCategory[j] = categoryIndex.computeIfAbsent(o.category(), k -> categoryIndex.size());
            }
            pairStart = new int[demandCount + 1];
            IntList offerList = new IntList();
            LongList valueList = new LongList();
            Map<Map<String, BigDecimal>, int[]> ratioCache = new HashMap<>();
            for (int i = 0; i < demandCount; i++) {
                Demand d = demands.get(i);
                gpus[i] = d.gpus();
                pairStart[i] = offerList.size();
                IntList candidates = byResource.get(d.unit() + '\u0000' + d.resource());
                if (candidates == null) {
                    continue;
                }
                int[] ratios = ratioCache.computeIfAbsent(d.voucherRatios(), m -> {
                    int[] bp = new int[categoryIndex.size()];
                    categoryIndex.forEach((category, index) ->
                            bp[index] = basisPoints(m.getOrDefault(category, BigDecimal.ZERO)));
                    return bp;
                });
                int from = offerList.size();
                for (int c = 0; c < candidates.size(); c++) {
                    int j = candidates.get(c);
                    Offer o = offers.get(j);
                    if (free[j] < d.gpus() || (d.localOnly() && !sameCity(d.regionCode(), o.regionCode()))) {
                        continue;
                    }
                    long gross = gross(d.quantityMicros(), o.unitPriceFen());
                    long net = gross - floorRatio(gross, ratios[offerCategory[j]]);
                    if (net > d.budgetFen()) {
                        continue;
                    }
                    offerList.add(j);
                    valueList.add(d.budgetFen() - net);
                }
                sortByValueDescending(offerList, valueList, from, offerList.size());
            }
            pairStart[demandCount] = offerList.size();
            pairOffer = offerList.toArray();
            pairValue = valueList.toArray();
        }

        Assignment solve() {
            auction();
            improve();
            long total = 0;
            for (int i = 0; i < demandCount; i++) {
                if (pairOf[i] >= 0) {
                    total += pairValue[pairOf[i]];
                }
            }
            return new Assignment(offerOf.clone(), total);
        }

        /** Phase 1: the auction. */
        private void auction() {
            bid = new long[demandCount];
            int[] queue = new int[demandCount + 1];
            int head = 0;
            int tail = 0;
            for (int i = 0; i < demandCount; i++) {
                if (pairStart[i] < pairStart[i + 1]) {
                    queue[tail++] = i;
                }
            }
            while (head != tail) {
                int i = queue[head];
                head = (head + 1) % queue.length;
                long perGpu = Math.max(1, gpus[i]);
                long best = 0;
                long second = 0;
                int bestPair = -1;
                for (int p = pairStart[i]; p < pairStart[i + 1]; p++) {
                    long value = pairValue[p] * MILLI;
                    if (value <= second) {
                        break; // by value descending: no later pair can be first or second
                    }
                    long price = roomPrice(pairOffer[p], gpus[i]);
                    if (price == NO_ROOM) {
                        continue;
                    }
                    long profit = value - price * perGpu;
                    if (profit > best) {
                        second = best;
                        best = profit;
                        bestPair = p;
                    } else if (profit > second) {
                        second = profit;
                    }
                }
                if (bestPair < 0) {
                    continue; // nothing leaves it any value: it stays unserved
                }
                int j = pairOffer[bestPair];
                long most = pairValue[bestPair] * MILLI / perGpu;
                long step = Math.max(MILLI, most / STEP_DIVISOR);
                long offered = Math.min(most, roomPrice(j, gpus[i]) + (best - second) / perGpu + step);
                while (free[j] < gpus[i]) {
                    int k = servedBy[j].get(0); // the lowest bid
                    unplace(k);
                    queue[tail] = k;
                    tail = (tail + 1) % queue.length;
                }
                bid[i] = offered;
                place(i, bestPair);
            }
            bid = null;
        }

        /**
         * The bid per GPU (milli-fen) that wins {@code g} GPUs at offer {@code j}: 0 when it
         * has room, else one more than the highest bid among the lowest holders it must push out.
         */
        private long roomPrice(int j, int g) {
            if (free[j] >= g) {
                return 0;
            }
            int need = g - free[j];
            IntList holders = servedBy[j];
            for (int s = 0; s < holders.size(); s++) {
                int k = holders.get(s);
                need -= gpus[k];
                if (need <= 0) {
                    return bid[k] + 1;
                }
            }
            return NO_ROOM;
        }

        /** Phase 2: improving moves, pass after pass, while a pass gains. */
        private void improve() {
            leastValue = new long[offerCount];
            leastGpus = new int[offerCount];
            leastKnown = new boolean[offerCount];
            changedAt = new long[offerCount];
            checkedAt = new long[demandCount];
            Arrays.fill(checkedAt, -1);
            for (int pass = 0; pass < PASSES; pass++) {
                boolean changed = false;
                for (int i = 0; i < demandCount; i++) {
                    if (offerOf[i] >= 0 && mayHaveMove(i) && tryToImprove(i)) {
                        changed = true;
                    }
                }
                for (int i = 0; i < demandCount; i++) {
                    if (offerOf[i] < 0 && mayHaveMove(i) && tryToPlace(i)) {
                        changed = true;
                    }
                }
                if (!changed) {
                    return;
                }
            }
        }

        /**
         * Whether pushing out holders of offer {@code j} to make {@code need} GPUs of room could
         * cost less than {@code gain}: they are worth at least {@code need} × the least value per
         * GPU among its holders (exact, by cross-multiplication).
         */
        private boolean evictionMayPay(int j, int need, long gain) {
            if (!leastKnown[j]) {
                leastValue[j] = Long.MAX_VALUE;
                leastGpus[j] = 1;
                IntList holders = servedBy[j];
                for (int s = 0; s < holders.size(); s++) {
                    int k = holders.get(s);
                    long v = pairValue[pairOf[k]];
                    int g = Math.max(1, gpus[k]);
                    if (leastValue[j] == Long.MAX_VALUE || v * leastGpus[j] < leastValue[j] * g) {
                        leastValue[j] = v;
                        leastGpus[j] = g;
                    }
                }
                leastKnown[j] = true;
            }
            return leastValue[j] == Long.MAX_VALUE
                    || Math.multiplyHigh(gain, leastGpus[j]) != 0
                    || gain * leastGpus[j] > leastValue[j] * need;
        }

        /** Whether any offer of demand {@code i} changed since it was last looked at; marks it looked at. */
        private boolean mayHaveMove(int i) {
            long last = checkedAt[i];
            checkedAt[i] = clock;
            if (last < 0) {
                return pairStart[i] < pairStart[i + 1];
            }
            for (int p = pairStart[i]; p < pairStart[i + 1]; p++) {
                if (changedAt[pairOffer[p]] > last) {
                    return true;
                }
            }
            return false;
        }

        /**
         * The best move of served demand {@code k} to a better offer: into free room, or pushing
         * out the holders of least value per GPU there when it gains more than they are worth.
         */
        private boolean tryToImprove(int k) {
            long kValue = pairValue[pairOf[k]];
            long bestGain = 0;
            int bestPair = -1;
            for (int p = pairStart[k]; p < pairStart[k + 1] && pairValue[p] > kValue; p++) {
                int j2 = pairOffer[p];
                long gain = pairValue[p] - kValue;
                if (gain <= bestGain) {
                    break; // by value descending: no later pair can gain more
                }
                if (free[j2] >= gpus[k]) {
                    bestGain = gain;
                    bestPair = p;
                    break;
                }
                int need = gpus[k] - free[j2];
                if (evictionMayPay(j2, need, gain - bestGain) && cheapestHolders(j2, need) > 0
                        && gain - evictedValue > bestGain) {
                    bestGain = gain - evictedValue;
                    bestPair = p;
                }
            }
            if (bestPair < 0) {
                return false;
            }
            unplace(k);
            int j2 = pairOffer[bestPair];
            if (free[j2] < gpus[k]) {
                int count = cheapestHolders(j2, gpus[k] - free[j2]);
                for (int e = 0; e < count; e++) {
                    unplace(evicted[e]);
                }
            }
            place(k, bestPair);
            return true;
        }

        /**
         * The best place for unserved demand {@code i}: free room, or room made by pushing out
         * the holders of least value per GPU when {@code i} is worth more than all of them.
         */
        private boolean tryToPlace(int i) {
            long bestGain = 0;
            int bestPair = -1;
            for (int p = pairStart[i]; p < pairStart[i + 1]; p++) {
                long value = pairValue[p];
                if (value <= bestGain) {
                    break; // by value descending: no later pair can gain more
                }
                int j = pairOffer[p];
                if (free[j] >= gpus[i]) {
                    bestGain = value;
                    bestPair = p;
                    break;
                }
                if (!evictionMayPay(j, gpus[i] - free[j], value - bestGain)) {
                    continue;
                }
                int count = cheapestHolders(j, gpus[i] - free[j]);
                if (count < 0) {
                    continue;
                }
                long gain = value - evictedValue;
                if (gain > bestGain) {
                    bestGain = gain;
                    bestPair = p;
                }
            }
            if (bestPair < 0) {
                return false;
            }
            int j = pairOffer[bestPair];
            if (free[j] < gpus[i]) {
                int count = cheapestHolders(j, gpus[i] - free[j]);
                for (int e = 0; e < count; e++) {
                    unplace(evicted[e]);
                }
            }
            place(i, bestPair);
            return true;
        }

        /**
         * Picks into {@link #evicted} the holders of offer {@code j} of least value per GPU until
         * they hold {@code need} GPUs; returns how many, or -1 when more than {@value #MAX_EVICTED}
         * would be needed.
         */
        private int cheapestHolders(int j, int need) {
            evictedValue = 0;
            IntList holders = servedBy[j];
            int count = 0;
            while (need > 0) {
                if (count == MAX_EVICTED) {
                    return -1;
                }
                int pick = -1;
                for (int s = 0; s < holders.size(); s++) {
                    int k = holders.get(s);
                    if (isPicked(k, count)) {
                        continue;
                    }
                    // value per GPU: v_k / g_k < v_pick / g_pick, exactly
                    if (pick < 0 || pairValue[pairOf[k]] * Math.max(1, gpus[pick])
                            < pairValue[pairOf[pick]] * Math.max(1, gpus[k])) {
                        pick = k;
                    }
                }
                if (pick < 0) {
                    return -1;
                }
                evicted[count++] = pick;
                evictedValue += pairValue[pairOf[pick]];
                need -= gpus[pick];
            }
            return count;
        }

        private boolean isPicked(int k, int count) {
            for (int e = 0; e < count; e++) {
                if (evicted[e] == k) {
                    return true;
                }
            }
            return false;
        }

        private void place(int i, int p) {
            int j = pairOffer[p];
            offerOf[i] = j;
            pairOf[i] = p;
            free[j] -= gpus[i];
            if (changedAt != null) {
                changedAt[j] = ++clock;
                leastKnown[j] = false;
            }
            if (bid == null) {
                servedBy[j].add(i);
            } else {
                servedBy[j].insertSorted(i, bid);
            }
        }

        private void unplace(int i) {
            int j = offerOf[i];
            free[j] += gpus[i];
            if (changedAt != null) {
                changedAt[j] = ++clock;
                leastKnown[j] = false;
            }
            servedBy[j].removeKeepingOrder(i);
            offerOf[i] = -1;
            pairOf[i] = -1;
        }

        /**
         * Sorts one demand's pairs by value descending, then offer ascending: each pair packed in
         * a long (value above, offer below; values stay under 2^40 fen because budgets do).
         */
        private static void sortByValueDescending(IntList offers, LongList values, int from, int to) {
            long[] packed = new long[to - from];
            for (int k = from; k < to; k++) {
                packed[k - from] = (values.get(k) << OFFER_BITS) | (OFFER_MASK - offers.get(k));
            }
            Arrays.sort(packed);
            for (int k = 0; k < packed.length; k++) {
                long key = packed[packed.length - 1 - k];
                values.set(from + k, key >>> OFFER_BITS);
                offers.set(from + k, (int) (OFFER_MASK - (key & OFFER_MASK)));
            }
        }
    }

    /** A growable int array. */
    private static final class IntList {
        private int[] items = new int[8];
        private int size;

        void add(int value) {
            if (size == items.length) {
                items = Arrays.copyOf(items, size * 2);
            }
            items[size++] = value;
        }

        int get(int index) {
            return items[index];
        }

        void set(int index, int value) {
            items[index] = value;
        }

        int size() {
            return size;
        }

        void insertSorted(int value, long[] key) {
            add(value);
            int k = size - 1;
            while (k > 0 && key[items[k - 1]] > key[value]) {
                items[k] = items[k - 1];
                k--;
            }
            items[k] = value;
        }

        void removeKeepingOrder(int value) {
            for (int k = 0; k < size; k++) {
                if (items[k] == value) {
                    System.arraycopy(items, k + 1, items, k, size - k - 1);
                    size--;
                    return;
                }
            }
        }

        int[] toArray() {
            return Arrays.copyOf(items, size);
        }
    }

    /** A growable long array. */
    private static final class LongList {
        private long[] items = new long[8];
        private int size;

        void add(long value) {
            if (size == items.length) {
                items = Arrays.copyOf(items, size * 2);
            }
            items[size++] = value;
        }

        long get(int index) {
            return items[index];
        }

        void set(int index, long value) {
            items[index] = value;
        }

        int size() {
            return size;
        }

        long[] toArray() {
            return Arrays.copyOf(items, size);
        }
    }
}

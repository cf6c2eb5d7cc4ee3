package org.zhice.pool;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.List;

/**
 * The best total value any assignment could serve, computed exactly: the linear relaxation of
 * the matching round, in which a demand may be split across offers. It is a transportation
 * problem (GPUs flow from offers to demands, value per GPU {@code (budget − net) / gpus}) and is
 * solved as a min-cost flow by successive shortest paths (Dijkstra with potentials), adding one
 * demand at a time. The constraint matrix is totally unimodular, so the optimum splits demands
 * only in whole GPUs; an unsplittable assignment (the matcher's) can never beat it, so
 * {@code matcher / bound} is a lower bound of the matcher's true optimality ratio.
 *
 * <p>Pair values are taken from {@link Matcher#rank}, the same quote the platform shows; demands
 * needing no GPUs (token services, unlimited capacity) simply take their best quote.
 */
final class TransportationBound {

    private TransportationBound() {
    }

    /**
     * The bound, in fen (exact, possibly fractional), by cost scaling, solved apart for each
     * resource (a demand can only take offers of the resource it names).
     */
    static BigDecimal value(List<Matcher.Demand> demands, List<Matcher.Offer> offers) {
        java.util.Map<String, List<Matcher.Demand>> demandsByResource = new java.util.TreeMap<>();
        java.util.Map<String, List<Matcher.Offer>> offersByResource = new java.util.TreeMap<>();
        for (Matcher.Demand d : demands) {
            demandsByResource.computeIfAbsent(d.unit() + '\u0000' + d.resource(), k -> new java.util.ArrayList<>()).add(d);
        }
        for (Matcher.Offer o : offers) {
            offersByResource.computeIfAbsent(o.unit() + '\u0000' + o.resource(), k -> new java.util.ArrayList<>()).add(o);
        }
        BigDecimal total = BigDecimal.ZERO;
        for (var group : demandsByResource.entrySet()) {
            List<Matcher.Offer> groupOffers = offersByResource.getOrDefault(group.getKey(), List.of());
            total = total.add(new Flow(group.getValue(), groupOffers).byCostScaling());
        }
        return total;
    }

    /** The same bound by successive shortest paths: slower, an independent check. */
    static BigDecimal valueBySuccessiveShortestPaths(List<Matcher.Demand> demands, List<Matcher.Offer> offers) {
        return new Flow(demands, offers).solve();
    }

    private static final class Flow {
        private final int n;
        private final int m;
        private final int target;
        private final int[] supply;
        private final long scale;
        private long unlimitedValue;
        // arcs as pairs (e, e ^ 1)
        private int[] head;
        private int[] next;
        private int[] to;
        private long[] cap;
        private long[] cost;
        private int arcs;

        Flow(List<Matcher.Demand> demands, List<Matcher.Offer> offers) {
            n = demands.size();
            m = offers.size();
            target = n + m;
            supply = new int[n];
            long lcm = 1;
            for (Matcher.Demand d : demands) {
                if (d.gpus() > 0) {
                    lcm = lcm(lcm, d.gpus());
                }
            }
            scale = lcm;
            head = new int[n + m + 1];
            Arrays.fill(head, -1);
            int capacity = 1024;
            next = new int[capacity];
            to = new int[capacity];
            cap = new long[capacity];
            cost = new long[capacity];
            java.util.Map<Long, Integer> offerIndex = new java.util.HashMap<>();
            for (int j = 0; j < m; j++) {
                offerIndex.put(offers.get(j).id(), j);
                Matcher.Offer o = offers.get(j);
                if (o.freeGpus() != Matcher.UNLIMITED) {
                    addArc(n + j, target, o.freeGpus(), 0);
                }
            }
            for (int i = 0; i < n; i++) {
                Matcher.Demand d = demands.get(i);
                List<Matcher.Quote> quotes = Matcher.rank(d, offers).quotes();
                if (d.gpus() == 0) {
                    long best = 0;
                    for (Matcher.Quote q : quotes) {
                        best = Math.max(best, d.budgetFen() - q.netFen());
                    }
                    unlimitedValue += best;
                    continue;
                }
                supply[i] = d.gpus();
                addArc(i, target, d.gpus(), 0); // left unserved
                for (Matcher.Quote q : quotes) {
                    long value = d.budgetFen() - q.netFen();
                    if (value > 0) {
                        int j = offerIndex.get(q.offer().id());
                        addArc(i, n + j, d.gpus(), -Math.multiplyExact(value, scale / d.gpus()));
                    }
                }
            }
        }

        private static long lcm(long a, long b) {
            return Math.multiplyExact(a / BigInteger.valueOf(a).gcd(BigInteger.valueOf(b)).longValue(), b);
        }

        private void addArc(int u, int v, long capacity, long c) {
            if (arcs + 2 > to.length) {
                int size = to.length * 2;
                next = Arrays.copyOf(next, size);
                to = Arrays.copyOf(to, size);
                cap = Arrays.copyOf(cap, size);
                cost = Arrays.copyOf(cost, size);
            }
            to[arcs] = v; cap[arcs] = capacity; cost[arcs] = c; next[arcs] = head[u]; head[u] = arcs++;
            to[arcs] = u; cap[arcs] = 0; cost[arcs] = -c; next[arcs] = head[v]; head[v] = arcs++;
        }

        /** The same network as a circulation: source → demands → offers → target → source. */
        BigDecimal byCostScaling() {
            int source = n + m + 1;
            MinCostCirculation circulation = new MinCostCirculation(n + m + 2);
            long total = 0;
            for (int u = 0; u < n + m; u++) {
                for (int e = head[u]; e >= 0; e = next[e]) {
                    if ((e & 1) == 0 && !(u < n && to[e] == target)) {
                        circulation.addArc(u, to[e], cap[e], cost[e]);
                    }
                }
            }
            for (int i = 0; i < n; i++) {
                if (supply[i] > 0) {
                    circulation.addArc(source, i, supply[i], 0);
                    total += supply[i];
                }
            }
            circulation.addArc(target, source, total, 0);
            long minCost = circulation.solve();
            return BigDecimal.valueOf(-minCost).divide(BigDecimal.valueOf(scale), 6, RoundingMode.HALF_EVEN)
                    .add(BigDecimal.valueOf(unlimitedValue));
        }

        BigDecimal solve() {
            int nodes = n + m + 1;
            long[] potential = new long[nodes];
            long[] dist = new long[nodes];
            int[] seen = new int[nodes];
            int[] parentArc = new int[nodes];
            boolean[] settled = new boolean[nodes];
            int[] settledList = new int[nodes];
            int[] touched = new int[nodes];
            Heap heap = new Heap();
            int stamp = 0;
            long totalCost = 0;
            for (int source = 0; source < n; source++) {
                if (supply[source] == 0) {
                    continue;
                }
                // make every arc out of the new source have a non-negative reduced cost
                long p = potential[target];
                for (int e = head[source]; e >= 0; e = next[e]) {
                    if (cap[e] > 0) {
                        p = Math.max(p, potential[to[e]] - cost[e]);
                    }
                }
                potential[source] = p;
                long left = supply[source];
                while (left > 0) {
                    stamp++;
                    heap.clear();
                    int touchedCount = 0;
                    int settledCount = 0;
                    seen[source] = stamp;
                    dist[source] = 0;
                    parentArc[source] = -1;
                    touched[touchedCount++] = source;
                    heap.push(0, source);
                    long reach = -1;
                    while (!heap.isEmpty()) {
                        long d = heap.topKey();
                        int u = heap.pop();
                        if (settled[u] || d > dist[u]) {
                            continue;
                        }
                        settled[u] = true;
                        settledList[settledCount++] = u;
                        if (u == target) {
                            reach = d;
                            break;
                        }
                        for (int e = head[u]; e >= 0; e = next[e]) {
                            if (cap[e] <= 0) {
                                continue;
                            }
                            int v = to[e];
                            long nd = d + cost[e] + potential[u] - potential[v];
                            if (seen[v] != stamp) {
                                seen[v] = stamp;
                                touched[touchedCount++] = v;
                                dist[v] = Long.MAX_VALUE;
                            }
                            if (nd < dist[v] && !settled[v]) {
                                dist[v] = nd;
                                parentArc[v] = e;
                                heap.push(nd, v);
                            }
                        }
                    }
                    if (reach < 0) {
                        throw new IllegalStateException("no path to the target from demand " + source);
                    }
                    // potentials: settled nodes by their distance, every other node by the target's
                    for (int v = 0; v < nodes; v++) {
                        potential[v] += reach;
                    }
                    for (int k = 0; k < settledCount; k++) {
                        int v = settledList[k];
                        potential[v] += dist[v] - reach;
                        settled[v] = false;
                    }
                    long push = left;
                    for (int v = target; v != source; v = to[parentArc[v] ^ 1]) {
                        push = Math.min(push, cap[parentArc[v]]);
                    }
                    for (int v = target; v != source; v = to[parentArc[v] ^ 1]) {
                        int e = parentArc[v];
                        cap[e] -= push;
                        cap[e ^ 1] += push;
                        totalCost += push * cost[e];
                    }
                    left -= push;
                }
            }
            return BigDecimal.valueOf(-totalCost).divide(BigDecimal.valueOf(scale), 6, RoundingMode.HALF_EVEN)
                    .add(BigDecimal.valueOf(unlimitedValue));
        }
    }

    /** A binary min-heap of (key, node), lazy: stale entries are skipped by the caller. */
    private static final class Heap {
        private long[] keys = new long[1024];
        private int[] nodes = new int[1024];
        private int size;

        void clear() {
            size = 0;
        }

        boolean isEmpty() {
            return size == 0;
        }

        long topKey() {
            return keys[0];
        }

        void push(long key, int node) {
            if (size == keys.length) {
                keys = Arrays.copyOf(keys, size * 2);
                nodes = Arrays.copyOf(nodes, size * 2);
            }
            int k = size++;
            while (k > 0) {
                int parent = (k - 1) >>> 1;
                if (keys[parent] <= key) {
                    break;
                }
                keys[k] = keys[parent];
                nodes[k] = nodes[parent];
                k = parent;
            }
            keys[k] = key;
            nodes[k] = node;
        }

        int pop() {
            int top = nodes[0];
            size--;
            if (size > 0) {
                long key = keys[size];
                int node = nodes[size];
                int k = 0;
                while (true) {
                    int child = 2 * k + 1;
                    if (child >= size) {
                        break;
                    }
                    if (child + 1 < size && keys[child + 1] < keys[child]) {
                        child++;
                    }
                    if (keys[child] >= key) {
                        break;
                    }
                    keys[k] = keys[child];
                    nodes[k] = nodes[child];
                    k = child;
                }
                keys[k] = key;
                nodes[k] = node;
            }
            return top;
        }
    }
}

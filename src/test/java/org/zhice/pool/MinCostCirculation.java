package org.zhice.pool;

import java.util.Arrays;

/**
 * An exact minimum-cost circulation by cost scaling (Goldberg and Tarjan, push–relabel with
 * FIFO order and current arcs): costs are multiplied by {@code n + 1}, and each refine divides the
 * slack ε by 8 until it is 1, at which point the circulation is optimal for the original
 * integer costs. Arcs are stored in pairs {@code (e, e ^ 1)}; capacities and costs are longs.
 */
final class MinCostCirculation {

    private static final int ALPHA = 8;

    private final int nodes;
    private int[] from = new int[1024];
    private int[] to = new int[1024];
    private long[] residual = new long[1024];
    private long[] cost = new long[1024];
    private int arcs;

    MinCostCirculation(int nodes) {
        this.nodes = nodes;
    }

    /** Adds an arc {@code u → v}; returns its index, whose flow {@link #flow} reports. */
    int addArc(int u, int v, long capacity, long arcCost) {
        if (arcs + 2 > to.length) {
            int size = to.length * 2;
            from = Arrays.copyOf(from, size);
            to = Arrays.copyOf(to, size);
            residual = Arrays.copyOf(residual, size);
            cost = Arrays.copyOf(cost, size);
        }
        from[arcs] = u; to[arcs] = v; residual[arcs] = capacity; cost[arcs] = arcCost;
        arcs++;
        from[arcs] = v; to[arcs] = u; residual[arcs] = 0; cost[arcs] = -arcCost;
        arcs++;
        return arcs - 2;
    }

    long flow(int arc) {
        return residual[arc ^ 1];
    }

    /** Solves and returns the minimum total cost (in the original units). */
    long solve() {
        // adjacency in CSR form
        int[] start = new int[nodes + 1];
        for (int e = 0; e < arcs; e++) {
            start[from[e] + 1]++;
        }
        for (int v = 0; v < nodes; v++) {
            start[v + 1] += start[v];
        }
        int[] adjacent = new int[arcs];
        int[] fill = Arrays.copyOf(start, nodes);
        for (int e = 0; e < arcs; e++) {
            adjacent[fill[from[e]]++] = e;
        }
        long scale = nodes + 1L;
        long[] c = new long[arcs];
        long maxCost = 0;
        for (int e = 0; e < arcs; e++) {
            c[e] = Math.multiplyExact(cost[e], scale);
            maxCost = Math.max(maxCost, Math.abs(c[e]));
        }
        long[] price = new long[nodes];
        long[] excess = new long[nodes];
        int[] current = new int[nodes];
        int[] queue = new int[nodes + 1];
        boolean[] queued = new boolean[nodes];
        long epsilon = Math.max(1, maxCost);
        while (epsilon > 1) {
            epsilon = Math.max(1, epsilon / ALPHA);
            // saturate every admissible arc: the pseudoflow is then 0-optimal
            for (int e = 0; e < arcs; e++) {
                if (residual[e] > 0 && c[e] + price[from[e]] - price[to[e]] < 0) {
                    long d = residual[e];
                    residual[e] = 0;
                    residual[e ^ 1] += d;
                    excess[from[e]] -= d;
                    excess[to[e]] += d;
                }
            }
            int head = 0;
            int tail = 0;
            for (int v = 0; v < nodes; v++) {
                current[v] = start[v];
                if (excess[v] > 0) {
                    queue[tail] = v;
                    tail = (tail + 1) % queue.length;
                    queued[v] = true;
                }
            }
            while (head != tail) {
                int v = queue[head];
                head = (head + 1) % queue.length;
                queued[v] = false;
                // discharge v
                while (excess[v] > 0) {
                    if (current[v] == start[v + 1]) {
                        // relabel: the highest price that makes some residual arc admissible
                        long best = Long.MIN_VALUE;
                        for (int k = start[v]; k < start[v + 1]; k++) {
                            int e = adjacent[k];
                            if (residual[e] > 0) {
                                best = Math.max(best, price[to[e]] - c[e]);
                            }
                        }
                        if (best == Long.MIN_VALUE) {
                            throw new IllegalStateException("excess at a node without residual arcs: infeasible");
                        }
                        price[v] = best - epsilon;
                        current[v] = start[v];
                    }
                    int e = adjacent[current[v]];
                    int w = to[e];
                    if (residual[e] > 0 && c[e] + price[v] - price[w] < 0) {
                        long d = Math.min(excess[v], residual[e]);
                        residual[e] -= d;
                        residual[e ^ 1] += d;
                        excess[v] -= d;
                        excess[w] += d;
                        if (excess[w] > 0 && !queued[w]) {
                            queue[tail] = w;
                            tail = (tail + 1) % queue.length;
                            queued[w] = true;
                        }
                    } else {
                        current[v]++;
                    }
                }
            }
        }
        long total = 0;
        for (int e = 0; e < arcs; e += 2) {
            total += flow(e) * cost[e];
        }
        return total;
    }
}

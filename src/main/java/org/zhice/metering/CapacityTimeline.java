package org.zhice.metering;

import java.util.Arrays;

/**
 * GPUs in use over time on one {@code (provider, sku)}, for the online capacity check: events
 * add their {@code units} on {@code [start, end)}, and the peak over an interval is asked before
 * an event joins. Time is cut at the given instants (every start and end that will be used); a
 * segment tree keeps, per node, the units added to the whole node plus the peak below it.
 *
 * <p>When every event that joined starts no later than the one being checked (events in
 * {@code (start, event_id)} order, as in a batch replay), the peak over {@code [start, end)} is the
 * use at {@code start}, which is what spec §4.5 checks; an event that arrives after events that
 * start later than it is checked against all of them, so that the capacity is never exceeded at
 * any instant.
 */
final class CapacityTimeline {

    private final long[] points;
    private final int segments;
    private final long[] peak;
    private final long[] added;

    /** @param instants every instant that {@link #add} and {@link #peak} will be called with, in any order */
    CapacityTimeline(long[] instants) {
        long[] sorted = instants.clone();
        Arrays.sort(sorted);
        int unique = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (i == 0 || sorted[i] != sorted[i - 1]) {
                sorted[unique++] = sorted[i];
            }
        }
        points = Arrays.copyOf(sorted, unique);
        segments = Math.max(1, unique - 1);
        peak = new long[4 * segments];
        added = new long[4 * segments];
    }

    /** Adds {@code units} (may be negative) on {@code [start, end)}. */
    void add(long start, long end, long units) {
        int from = index(start);
        int to = index(end);
        if (from < to && units != 0) {
            add(1, 0, segments, from, to, units);
        }
    }

    /** The most units in use at any instant of {@code [start, end)}. */
    long peak(long start, long end) {
        int from = index(start);
        int to = index(end);
        return from < to ? peak(1, 0, segments, from, to) : 0;
    }

    private int index(long instant) {
        int i = Arrays.binarySearch(points, instant);
        if (i < 0) {
            throw new IllegalArgumentException("instant " + instant + " was not given to the timeline");
        }
        return i;
    }

    private void add(int node, int lo, int hi, int from, int to, long units) {
        if (from <= lo && hi <= to) {
            added[node] += units;
            peak[node] += units;
            return;
        }
        int mid = (lo + hi) >>> 1;
        if (from < mid) {
            add(2 * node, lo, mid, from, to, units);
        }
        if (to > mid) {
            add(2 * node + 1, mid, hi, from, to, units);
        }
        peak[node] = added[node] + Math.max(peak[2 * node], peak[2 * node + 1]);
    }

    private long peak(int node, int lo, int hi, int from, int to) {
        if (from <= lo && hi <= to) {
            return peak[node];
        }
        int mid = (lo + hi) >>> 1;
        long best = Long.MIN_VALUE;
        if (from < mid) {
            best = peak(2 * node, lo, mid, from, to);
        }
        if (to > mid) {
            best = Math.max(best, peak(2 * node + 1, mid, hi, from, to));
        }
        return added[node] + best;
    }
}

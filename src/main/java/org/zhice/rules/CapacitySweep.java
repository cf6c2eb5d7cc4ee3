package org.zhice.rules;

import java.util.Arrays;

/**
 * Check 5 for one {@code (provider, sku)} (spec §4.5): events offered in {@code (start, event_id)}
 * order join a running set of events active on {@code [start, end)}; one that would lift the
 * set's {@code units} above the capacity is refused and does not join. An event that ends
 * exactly when another starts is no longer active then. A min-heap on end instants.
 */
public final class CapacitySweep {

    private long[] ends = new long[16];
    private int[] units = new int[16];
    private int size;
    private long activeUnits;

    /**
     * Offers the next event in {@code (start, event_id)} order.
     *
     * @param capacity {@link CatalogRow#NO_CAPACITY}, or the capacity that applies to this event
     * @param checked  whether this event gets the capacity check at all ({@code gpu_hour} line and
     *                 a capacity listed on the date of its start); unchecked events still join
     * @param eventUnits GPUs used, or {@link UsageChecks#NO_UNITS} (counts as 0)
     * @return {@code true} when admitted, {@code false} when {@code CAPACITY_EXCEEDED}
     */
    public boolean admit(long startNanos, long endNanos, int eventUnits, long capacity, boolean checked) {
        while (size > 0 && ends[0] <= startNanos) {
            activeUnits -= units[0];
            removeTop();
        }
        int counted = Math.max(eventUnits, 0);
        if (checked && capacity != CatalogRow.NO_CAPACITY && activeUnits + counted > capacity) {
            return false;
        }
        push(endNanos, counted);
        activeUnits += counted;
        return true;
    }

    /** GPUs in use by the admitted events still active at the last start offered. */
    public long activeUnits() {
        return activeUnits;
    }

    /** Forgets every event, for the next {@code (provider, sku)}. */
    public void clear() {
        size = 0;
        activeUnits = 0;
    }

    private void push(long end, int eventUnits) {
        if (size == ends.length) {
            ends = Arrays.copyOf(ends, size * 2);
            units = Arrays.copyOf(units, size * 2);
        }
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (ends[parent] <= end) {
                break;
            }
            ends[i] = ends[parent];
            units[i] = units[parent];
            i = parent;
        }
        ends[i] = end;
        units[i] = eventUnits;
    }

    private void removeTop() {
        size--;
        if (size == 0) {
            return;
        }
        long end = ends[size];
        int eventUnits = units[size];
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && ends[child + 1] < ends[child]) {
                child++;
            }
            if (ends[child] >= end) {
                break;
            }
            ends[i] = ends[child];
            units[i] = units[child];
            i = child;
        }
        ends[i] = end;
        units[i] = eventUnits;
    }
}

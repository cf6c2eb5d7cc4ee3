package org.zhice.rules;

/**
 * Sorts a range of event indexes by a total order without boxing: a merge sort (insertion sort
 * on short runs) that first checks whether the range is already in order, as usage logs mostly are.
 */
final class IndexSort {

    @FunctionalInterface
    interface Order {
        int compare(int a, int b);
    }

    private static final int INSERTION = 24;

    private IndexSort() {
    }

    static void sort(int[] values, int from, int to, int[] scratch, Order order) {
        boolean sorted = true;
        for (int i = from + 1; i < to; i++) {
            if (order.compare(values[i - 1], values[i]) > 0) {
                sorted = false;
                break;
            }
        }
        if (!sorted) {
            System.arraycopy(values, from, scratch, from, to - from);
            mergeSort(scratch, values, from, to, order);
        }
    }

    /** Sorts {@code source[from, to)} into {@code target[from, to)}; both start as copies. */
    private static void mergeSort(int[] source, int[] target, int from, int to, Order order) {
        if (to - from <= INSERTION) {
            for (int i = from + 1; i < to; i++) {
                int value = target[i];
                int j = i - 1;
                while (j >= from && order.compare(target[j], value) > 0) {
                    target[j + 1] = target[j];
                    j--;
                }
                target[j + 1] = value;
            }
            return;
        }
        int middle = (from + to) >>> 1;
        mergeSort(target, source, from, middle, order);
        mergeSort(target, source, middle, to, order);
        if (order.compare(source[middle - 1], source[middle]) <= 0) {
            System.arraycopy(source, from, target, from, to - from);
            return;
        }
        for (int i = from, p = from, q = middle; i < to; i++) {
            if (q >= to || (p < middle && order.compare(source[p], source[q]) <= 0)) {
                target[i] = source[p++];
            } else {
                target[i] = source[q++];
            }
        }
    }
}

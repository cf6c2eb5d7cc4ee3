package org.zhice.rules;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Usage events in file order, stored column by column so that ten million of them fit in a few
 * hundred megabytes: provider, contract and SKU ids interned to ints, the event id as UTF-8
 * bytes in one arena, quantities in micros, instants in epoch nanoseconds.
 */
public final class UsageLog {

    private final ByteInterner providers = new ByteInterner();
    private final ByteInterner contracts = new ByteInterner();
    private final ByteInterner skus = new ByteInterner();

    private int size;
    private int[] provider;
    private int[] contract;
    private int[] sku;
    private int[] units;
    private long[] quantityMicros;
    private long[] startNanos;
    private long[] endNanos;
    private int[] idStart;
    private byte[] ids;

    public UsageLog() {
        this(1024);
    }

    /** @param expectedEvents a capacity hint, to avoid growing the columns */
    public UsageLog(int expectedEvents) {
        this(expectedEvents, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(16, expectedEvents) * 12L));
    }

    private UsageLog(int expectedEvents, int idCapacity) {
        int capacity = Math.max(16, expectedEvents);
        provider = new int[capacity];
        contract = new int[capacity];
        sku = new int[capacity];
        units = new int[capacity];
        quantityMicros = new long[capacity];
        startNanos = new long[capacity];
        endNanos = new long[capacity];
        idStart = new int[capacity + 1];
        ids = new byte[Math.max(16, idCapacity)];
    }

    public ByteInterner providers() {
        return providers;
    }

    public ByteInterner contracts() {
        return contracts;
    }

    public ByteInterner skus() {
        return skus;
    }

    public int size() {
        return size;
    }

    /**
     * Appends an event whose ids are already interned in this log's interners.
     *
     * @param eventUnits GPUs used at once, or {@link UsageChecks#NO_UNITS}
     */
    public int add(byte[] eventId, int idOffset, int idLength, int providerId, int contractId, int skuId,
                   int eventUnits, long quantity, long start, long end) {
        if (size == provider.length) {
            grow();
        }
        int idEnd = idStart[size];
        if (idEnd + idLength > ids.length) {
            long capacity = Math.max(ids.length * 3L / 2, (long) idEnd + idLength);
            if (capacity > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("event ids take more than 2 GB");
            }
            ids = Arrays.copyOf(ids, (int) capacity);
        }
        System.arraycopy(eventId, idOffset, ids, idEnd, idLength);
        idStart[size + 1] = idEnd + idLength;
        provider[size] = providerId;
        contract[size] = contractId;
        sku[size] = skuId;
        units[size] = eventUnits;
        quantityMicros[size] = quantity;
        startNanos[size] = start;
        endNanos[size] = end;
        return size++;
    }

    /** Appends an event given as text (tests, online use). */
    public int add(String eventId, String providerUscc, String contractId, String skuCode,
                   int eventUnits, long quantity, long start, long end) {
        byte[] id = eventId.getBytes(StandardCharsets.UTF_8);
        return add(id, 0, id.length, providers.intern(providerUscc), contracts.intern(contractId), skus.intern(skuCode),
                eventUnits, quantity, start, end);
    }

    /**
     * A log of exactly {@code capacity} slots to be filled in parallel: hand out disjoint
     * {@link #slice slices}, let each fill its own, then {@link #seal} them in order.
     */
    public static UsageLog withSlots(int capacity) {
        return new UsageLog(capacity, 16);
    }

    /** The slots {@code [from, to)} of this log, for one thread to fill in order. */
    public Slice slice(int from, int to) {
        if (from < size || to > provider.length || from > to) {
            throw new IllegalArgumentException("slice [" + from + ", " + to + ") of " + provider.length);
        }
        return new Slice(from, to);
    }

    /**
     * Makes the filled slices (in file order, disjoint, in ascending positions) the log: closes
     * the gaps of slots left unused, maps each slice's interned ids to this log's, and gathers
     * the event ids into one arena. Slices are released from the list as they are taken.
     */
    public void seal(List<Slice> slices) {
        long idBytes = 0;
        for (Slice slice : slices) {
            idBytes += slice.idsSize;
        }
        if (idBytes > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("event ids take more than 2 GB");
        }
        ids = new byte[(int) Math.max(16, idBytes)];
        int write = size;
        for (int k = 0; k < slices.size(); k++) {
            Slice slice = slices.set(k, null);
            int[] providerMap = remap(slice.providers, providers);
            int[] contractMap = remap(slice.contracts, contracts);
            int[] skuMap = remap(slice.skus, skus);
            int n = slice.next - slice.from;
            int from = slice.from;
            for (int i = 0; i < n; i++) { // write ≤ from: moving down in place is safe going forwards
                provider[write + i] = providerMap[provider[from + i]];
                contract[write + i] = contractMap[contract[from + i]];
                sku[write + i] = skuMap[sku[from + i]];
            }
            System.arraycopy(units, from, units, write, n);
            System.arraycopy(quantityMicros, from, quantityMicros, write, n);
            System.arraycopy(startNanos, from, startNanos, write, n);
            System.arraycopy(endNanos, from, endNanos, write, n);
            int idBase = idStart[write];
            System.arraycopy(slice.ids, 0, ids, idBase, slice.idsSize);
            for (int i = 0; i < n; i++) {
                idStart[write + i + 1] = idBase + slice.idEnds[i];
            }
            write += n;
        }
        size = write;
    }

    private static int[] remap(ByteInterner from, ByteInterner to) {
        int[] map = new int[from.size()];
        for (int id = 0; id < map.length; id++) {
            map[id] = to.intern(from, id);
        }
        return map;
    }

    /** Slots of a log filled by one thread, with its own interners and event-id arena. */
    public final class Slice {
        private final int from;
        private final int to;
        private int next;
        private final ByteInterner providers = new ByteInterner();
        private final ByteInterner contracts = new ByteInterner();
        private final ByteInterner skus = new ByteInterner();
        private byte[] ids;
        private int idsSize;
        private final int[] idEnds;

        private Slice(int from, int to) {
            this.from = from;
            this.to = to;
            this.next = from;
            this.idEnds = new int[to - from];
            this.ids = new byte[(int) Math.min(Integer.MAX_VALUE - 16, Math.max(16, (to - from) * 12L))];
        }

        public ByteInterner providers() {
            return providers;
        }

        public ByteInterner contracts() {
            return contracts;
        }

        public ByteInterner skus() {
            return skus;
        }

        /** Appends an event whose ids are interned in this slice's interners. */
        public void add(byte[] eventId, int idOffset, int idLength, int providerId, int contractId, int skuId,
                        int eventUnits, long quantity, long start, long end) {
            if (next == to) {
                throw new IllegalStateException("slice full");
            }
            if (idsSize + idLength > ids.length) {
                long capacity = Math.max(ids.length * 3L / 2, (long) idsSize + idLength);
                if (capacity > Integer.MAX_VALUE - 16) {
                    throw new IllegalStateException("event ids take more than 2 GB");
                }
                ids = Arrays.copyOf(ids, (int) capacity);
            }
            System.arraycopy(eventId, idOffset, ids, idsSize, idLength);
            idsSize += idLength;
            int i = next++;
            idEnds[i - from] = idsSize;
            provider[i] = providerId;
            contract[i] = contractId;
            sku[i] = skuId;
            units[i] = eventUnits;
            quantityMicros[i] = quantity;
            startNanos[i] = start;
            endNanos[i] = end;
        }
    }

    private void grow() {
        int capacity = provider.length + (provider.length >> 1) + 16;
        provider = Arrays.copyOf(provider, capacity);
        contract = Arrays.copyOf(contract, capacity);
        sku = Arrays.copyOf(sku, capacity);
        units = Arrays.copyOf(units, capacity);
        quantityMicros = Arrays.copyOf(quantityMicros, capacity);
        startNanos = Arrays.copyOf(startNanos, capacity);
        endNanos = Arrays.copyOf(endNanos, capacity);
        idStart = Arrays.copyOf(idStart, capacity + 1);
    }

    public int provider(int event) {
        return provider[event];
    }

    public int contract(int event) {
        return contract[event];
    }

    public int sku(int event) {
        return sku[event];
    }

    public int units(int event) {
        return units[event];
    }

    public long quantityMicros(int event) {
        return quantityMicros[event];
    }

    public long startNanos(int event) {
        return startNanos[event];
    }

    public long endNanos(int event) {
        return endNanos[event];
    }

    public String eventId(int event) {
        return new String(ids, idStart[event], idStart[event + 1] - idStart[event], StandardCharsets.UTF_8);
    }

    public String providerUscc(int event) {
        return providers.name(provider[event]);
    }

    /** Event ids in code point order (unsigned UTF-8 bytes). */
    public int compareIds(int a, int b) {
        return Arrays.compareUnsigned(ids, idStart[a], idStart[a + 1], ids, idStart[b], idStart[b + 1]);
    }

    /** Whether two events have the same event id. */
    boolean sameId(int a, int b) {
        return Arrays.equals(ids, idStart[a], idStart[a + 1], ids, idStart[b], idStart[b + 1]);
    }

    int hashId(int event) {
        return ByteInterner.hash(ids, idStart[event], idStart[event + 1] - idStart[event]);
    }
}

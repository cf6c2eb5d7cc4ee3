package org.zhice.rules;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

import org.zhice.policy.Program;

/**
 * Runs the checks of spec §4 over a whole usage log and keeps the verdicts: a reason per
 * rejected event and, for the accepted ones, an index by contract and start date from which
 * redemptions take (and spend) their events.
 *
 * <p>Check 1 compares an event only with earlier events of its own (provider, event id), so the
 * keys are split by hash into partitions, each gone through in file order; checks 2–4 look at
 * each event alone. Checks 5–6
 * need {@code (start, event_id)} order: the events that passed 1–4 are bucketed by
 * {@code (provider, sku)} (every line of a bucket has that provider and SKU, so per-line order
 * is the bucket order restricted to the line), each bucket sorted once and swept once for
 * capacity, then for the line's quantity. Buckets share nothing, so they run in parallel
 * (as do the ranges of checks 2–4); every verdict is the same as in a sequential run.
 */
public final class UsageVerdicts {

    private static final long DAY_BIAS = 1L << 20;

    private final Program program;
    private final UsageLog log;
    private final byte[] reasons; // 0 = accepted, else ordinal + 1
    private final int[] eventLine;

    // contract lines, indexed
    private final List<PricedLine> lines = new ArrayList<>();
    private final Map<String, Integer> contractIndex = new HashMap<>();
    private int[] lineContract;
    private int[] lineGroup;
    private int[] lineCategory; // index into categories, -1 when the program does not cover it
    private final List<String> categories = new ArrayList<>();

    // accepted events by contract: keys (start day + bias) << 32 | event, sorted per contract,
    // with each one's line and quantity at the same position; spent marks positions
    private int[] acceptedStart;
    private long[] acceptedKeys;
    private int[] acceptedLine;
    private long[] acceptedMicros;
    private final BitSet spent = new BitSet();

    private UsageVerdicts(Program program, UsageLog log) {
        this.program = program;
        this.log = log;
        this.reasons = new byte[log.size()];
        this.eventLine = new int[log.size()];
    }

    /** Checks every event of {@code log} against the contracts and the catalog. */
    public static UsageVerdicts check(Program program, Collection<Contract> contracts, Catalog catalog, UsageLog log) {
        UsageVerdicts verdicts = new UsageVerdicts(program, log);
        verdicts.run(contracts, catalog);
        return verdicts;
    }

    /** The reason an event was rejected, or {@code null} when it counts. */
    public UsageReason reason(int event) {
        byte code = reasons[event];
        return code == 0 ? null : UsageReason.values()[code - 1];
    }

    public UsageLog log() {
        return log;
    }

    private void run(Collection<Contract> contracts, Catalog catalog) {
        // index the lines; (contract id, sku) as interned by the log -> line
        List<String[]> groups = new ArrayList<>();
        Map<List<String>, Integer> groupIndex = new HashMap<>();
        LongIntMap lineByKey = new LongIntMap(Math.max(16, contracts.size() * 2));
        List<Integer> groupOfLine = new ArrayList<>();
        for (Contract contract : contracts) {
            contractIndex.putIfAbsent(contract.id(), contractIndex.size());
            int contractId = log.contracts().find(contract.id());
            for (ContractLine line : contract.lines()) {
                int index = lines.size();
                lines.add(PricedLine.of(contract, line, catalog, program));
                Integer group = groupIndex.computeIfAbsent(List.of(contract.providerUscc(), line.sku()), key -> {
                    groups.add(new String[] {key.get(0), key.get(1)});
                    return groups.size() - 1;
                });
                groupOfLine.add(group);
                int skuId = log.skus().find(line.sku());
                if (contractId >= 0 && skuId >= 0) {
                    lineByKey.put(key(contractId, skuId), index);
                }
            }
        }
        int lineCount = lines.size();
        lineContract = new int[lineCount];
        lineGroup = new int[lineCount];
        lineCategory = new int[lineCount];
        categories.addAll(program.categories().keySet());
        int[] lineProvider = new int[lineCount];
        long[] termStart = new long[lineCount];
        long[] termEnd = new long[lineCount];
        Unit[] lineUnit = new Unit[lineCount];
        for (int l = 0; l < lineCount; l++) {
            PricedLine line = lines.get(l);
            Contract contract = line.contract();
            lineContract[l] = contractIndex.get(contract.id());
            lineGroup[l] = groupOfLine.get(l);
            lineProvider[l] = log.providers().find(contract.providerUscc());
            termStart[l] = ShanghaiTime.startOfDayNanos(contract.startOn());
            termEnd[l] = ShanghaiTime.startOfDayNanos(contract.endOn().plusDays(1));
            lineUnit[l] = line.unit();
            lineCategory[l] = program.covers(line.category()) ? categories.indexOf(line.category()) : -1;
        }

        // check 1: per (provider, event id) in file order; keys are split by hash into
        // partitions that share nothing, so they run in parallel. Then checks 2-4.
        int n = log.size();
        Arrays.fill(eventLine, -1);
        int[] hashes = new int[n];
        IntStream.range(0, ranges(n)).parallel().forEach(r -> {
            for (int i = rangeStart(n, r); i < rangeStart(n, r + 1); i++) {
                hashes[i] = DuplicateIndex.hash(log, i);
            }
        });
        int partitions = Integer.highestOneBit(Math.max(1, Math.min(16, Runtime.getRuntime().availableProcessors())));
        IntStream.range(0, partitions).parallel().forEach(part -> {
            DuplicateIndex seen = new DuplicateIndex(log, n / partitions + 16);
            for (int i = 0; i < n; i++) {
                int hash = hashes[i];
                if ((hash & (partitions - 1)) == part && !seen.add(i, hash)) {
                    reasons[i] = (byte) (UsageReason.DUPLICATE_EVENT.ordinal() + 1);
                }
            }
        });
        int groupCount = groups.size();
        int ranges = ranges(n);
        int[][] counts = new int[ranges][];
        IntStream.range(0, ranges).parallel().forEach(r -> {
            int[] count = new int[groupCount];
            int to = rangeStart(n, r + 1);
            for (int i = rangeStart(n, r); i < to; i++) {
                if (reasons[i] != 0) {
                    continue;
                }
                int line = lineByKey.get(key(log.contract(i), log.sku(i)));
                if (line < 0 || lineProvider[line] != log.provider(i)) {
                    reject(i, UsageReason.UNKNOWN_CONTRACT_LINE);
                    continue;
                }
                long start = log.startNanos(i);
                long end = log.endNanos(i);
                if (UsageChecks.outsideTerm(start, end, termStart[line], termEnd[line])) {
                    reject(i, UsageReason.OUTSIDE_CONTRACT_TERM);
                    continue;
                }
                if (UsageChecks.inconsistentQuantity(lineUnit[line], log.units(i), log.quantityMicros(i), start, end)) {
                    reject(i, UsageReason.INCONSISTENT_QUANTITY);
                    continue;
                }
                eventLine[i] = line;
                count[lineGroup[line]]++;
            }
            counts[r] = count;
        });

        // bucket by (provider, sku), file order within a bucket
        int[] groupStart = new int[groupCount + 1];
        for (int[] count : counts) {
            for (int g = 0; g < groupCount; g++) {
                groupStart[g + 1] += count[g];
            }
        }
        for (int g = 0; g < groupCount; g++) {
            groupStart[g + 1] += groupStart[g];
        }
        int[] order = new int[groupStart[groupCount]];
        int[] fill = Arrays.copyOf(groupStart, groupCount);
        for (int i = 0; i < n; i++) {
            if (eventLine[i] >= 0) {
                order[fill[lineGroup[eventLine[i]]]++] = i;
            }
        }
        fill = null;

        // checks 5-6 per bucket in (start, event_id) order; buckets are independent
        long[] lineAcceptedMicros = new long[lineCount];
        long[] quantityMax = new long[lineCount];
        for (int l = 0; l < lineCount; l++) {
            quantityMax[l] = lines.get(l).line().quantityMaxMicros();
        }
        int[] scratch = new int[order.length];
        IntStream.range(0, groupCount).parallel().forEach(g -> sweep(groups.get(g), groupStart[g], groupStart[g + 1],
                order, scratch, catalog, lineUnit, lineAcceptedMicros, quantityMax));
        indexAccepted();
    }

    /** Sorts one (provider, sku) bucket by (start, event_id), then runs checks 5 and 6 over it. */
    private void sweep(String[] group, int from, int to, int[] order, int[] scratch, Catalog catalog, Unit[] lineUnit,
                       long[] lineAcceptedMicros, long[] quantityMax) {
        sortByStartThenId(order, from, to, scratch);
        List<CatalogRow> rows = catalog.rows(group[0], group[1]);
        long[] fromDay = new long[rows.size()];
        long[] toDay = new long[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            fromDay[r] = rows.get(r).listedFrom().toEpochDay();
            toDay[r] = rows.get(r).listedTo().toEpochDay();
        }
        CapacitySweep sweep = new CapacitySweep();
        for (int k = from; k < to; k++) {
            int i = order[k];
            int line = eventLine[i];
            long start = log.startNanos(i);
            long capacity = CatalogRow.NO_CAPACITY;
            if (lineUnit[line] == Unit.GPU_HOUR) {
                long day = ShanghaiTime.epochDayOfNanos(start);
                for (int r = 0; r < fromDay.length; r++) {
                    if (fromDay[r] <= day && day <= toDay[r]) {
                        capacity = rows.get(r).capacity();
                        break;
                    }
                }
            }
            boolean checked = capacity != CatalogRow.NO_CAPACITY;
            if (!sweep.admit(start, log.endNanos(i), log.units(i), capacity, checked)) {
                reject(i, UsageReason.CAPACITY_EXCEEDED);
                continue;
            }
            long quantity = log.quantityMicros(i);
            if (UsageChecks.overContractQuantity(lineAcceptedMicros[line], quantity, quantityMax[line])) {
                reject(i, UsageReason.OVER_CONTRACT_QUANTITY);
                continue;
            }
            lineAcceptedMicros[line] += quantity;
        }
    }

    /**
     * Sorts {@code order[from, to)} by (start, event id). Usage instants are mostly whole
     * seconds or milliseconds; then (start − min) in that unit and the position fit one long
     * key and a primitive sort does the work, after which runs of equal starts are put in id
     * order. Otherwise a comparator sort.
     */
    private void sortByStartThenId(int[] order, int from, int to, int[] scratch) {
        int n = to - from;
        if (n < 2) {
            return;
        }
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        boolean seconds = true;
        boolean millis = true;
        for (int k = from; k < to; k++) {
            long start = log.startNanos(order[k]);
            min = Math.min(min, start);
            max = Math.max(max, start);
            seconds &= start % 1_000_000_000L == 0;
            millis &= start % 1_000_000L == 0;
        }
        long unit = seconds ? 1_000_000_000L : millis ? 1_000_000L : 0;
        int indexBits = Math.max(1, 32 - Integer.numberOfLeadingZeros(n - 1));
        long span = max - min; // both within 1678–2261 in nanoseconds: may overflow, checked below
        if (unit == 0 || span < 0 || span / unit >= (1L << (63 - indexBits))) {
            IndexSort.sort(order, from, to, scratch, (a, b) -> {
                int c = Long.compare(log.startNanos(a), log.startNanos(b));
                return c != 0 ? c : log.compareIds(a, b);
            });
            return;
        }
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = ((log.startNanos(order[from + i]) - min) / unit) << indexBits | i;
        }
        Arrays.sort(keys);
        long mask = (1L << indexBits) - 1;
        for (int i = 0; i < n; i++) {
            scratch[from + i] = order[from + (int) (keys[i] & mask)];
        }
        System.arraycopy(scratch, from, order, from, n);
        int run = from;
        for (int k = from + 1; k <= to; k++) {
            if (k == to || log.startNanos(order[k]) != log.startNanos(order[run])) {
                if (k - run > 1) {
                    IndexSort.sort(order, run, k, scratch, log::compareIds);
                }
                run = k;
            }
        }
    }

    private static int ranges(int n) {
        return Math.min(64, Math.max(1, n / 65_536));
    }

    private static int rangeStart(int n, int range) {
        return (int) ((long) n * range / ranges(n));
    }

    private void reject(int event, UsageReason reason) {
        reasons[event] = (byte) (reason.ordinal() + 1);
        eventLine[event] = -1;
    }

    /**
     * Builds the per-contract index of accepted events by start date, in file order (so memory
     * is read in order), with each event's line and quantity beside its key for the redemptions.
     */
    private void indexAccepted() {
        int n = log.size();
        int contracts = contractIndex.size();
        acceptedStart = new int[contracts + 1];
        for (int i = 0; i < n; i++) {
            if (eventLine[i] >= 0) {
                acceptedStart[lineContract[eventLine[i]] + 1]++;
            }
        }
        for (int c = 0; c < contracts; c++) {
            acceptedStart[c + 1] += acceptedStart[c];
        }
        acceptedKeys = new long[acceptedStart[contracts]];
        int[] fill = Arrays.copyOf(acceptedStart, contracts);
        for (int i = 0; i < n; i++) {
            if (eventLine[i] >= 0) {
                long day = ShanghaiTime.epochDayOfNanos(log.startNanos(i)) + DAY_BIAS;
                acceptedKeys[fill[lineContract[eventLine[i]]]++] = (day << 32) | i;
            }
        }
        IntStream.range(0, contracts).parallel()
                .forEach(c -> Arrays.sort(acceptedKeys, acceptedStart[c], acceptedStart[c + 1]));
        acceptedLine = new int[acceptedKeys.length];
        acceptedMicros = new long[acceptedKeys.length];
        for (int k = 0; k < acceptedKeys.length; k++) {
            int event = (int) acceptedKeys[k];
            acceptedLine[k] = eventLine[event];
            acceptedMicros[k] = log.quantityMicros(event);
        }
    }

    /**
     * Takes the accepted, not yet spent events of a contract whose start date lies in
     * {@code [from, to]} and whose line's category the program covers; spends them and returns
     * the sum of their amounts per category.
     */
    public Map<String, Long> take(String contractId, LocalDate from, LocalDate to) {
        Map<String, Long> sums = new TreeMap<>();
        Integer contract = contractIndex.get(contractId);
        if (contract == null || from.isAfter(to)) {
            return sums;
        }
        long fromKey = (from.toEpochDay() + DAY_BIAS) << 32;
        long toKey = ((to.toEpochDay() + DAY_BIAS) << 32) | 0xFFFF_FFFFL;
        int lo = acceptedStart[contract];
        int hi = acceptedStart[contract + 1];
        int k = Arrays.binarySearch(acceptedKeys, lo, hi, fromKey);
        if (k < 0) {
            k = -k - 1;
        }
        long[] byCategory = new long[categories.size()];
        boolean[] taken = new boolean[categories.size()];
        for (; k < hi && acceptedKeys[k] <= toKey; k++) {
            int line = acceptedLine[k];
            int category = lineCategory[line];
            if (category < 0 || spent.get(k)) {
                continue;
            }
            spent.set(k);
            long amount = Fen.amount(acceptedMicros[k], lines.get(line).priceBasisFen());
            byCategory[category] = Math.addExact(byCategory[category], amount);
            taken[category] = true;
        }
        for (int c = 0; c < byCategory.length; c++) {
            if (taken[c]) {
                sums.put(categories.get(c), byCategory[c]);
            }
        }
        return sums;
    }

    private static long key(int contractId, int skuId) {
        return ((long) contractId << 32) | (skuId & 0xFFFF_FFFFL);
    }

    /**
     * The first sight of each (provider, event id), over the log in file order: open addressing
     * with a 32-bit fingerprint beside each event, so a probe seldom has to look at the log.
     */
    private static final class DuplicateIndex {
        private final UsageLog log;
        private final long[] table; // hash << 32 | event + 1; 0 = empty
        private final int mask;

        DuplicateIndex(UsageLog log, int expected) {
            this.log = log;
            int capacity = Integer.highestOneBit(Math.max(16, expected + (expected >> 1))) << 1;
            this.table = new long[capacity];
            this.mask = capacity - 1;
        }

        static int hash(UsageLog log, int event) {
            int hash = log.hashId(event) * 31 + log.provider(event);
            return hash ^ (hash >>> 16);
        }

        /** @return false when an earlier event has the same provider and event id */
        boolean add(int event, int hash) {
            for (int slot = (hash >>> 4) & mask; ; slot = (slot + 1) & mask) {
                long entry = table[slot];
                if (entry == 0) {
                    table[slot] = (long) hash << 32 | (event + 1L);
                    return true;
                }
                int other = (int) entry - 1;
                if ((int) (entry >>> 32) == hash && log.provider(other) == log.provider(event)
                        && log.sameId(other, event)) {
                    return false;
                }
            }
        }
    }

    /** An open-addressing long → int map (absent = -1). */
    private static final class LongIntMap {
        private long[] keys;
        private int[] values;
        private boolean[] used;
        private int size;

        LongIntMap(int expected) {
            int capacity = Integer.highestOneBit(Math.max(16, expected * 2)) << 1;
            keys = new long[capacity];
            values = new int[capacity];
            used = new boolean[capacity];
        }

        void put(long key, int value) {
            if ((size + 1) * 2 > keys.length) {
                resize();
            }
            int mask = keys.length - 1;
            for (int slot = mix(key) & mask; ; slot = (slot + 1) & mask) {
                if (!used[slot]) {
                    used[slot] = true;
                    keys[slot] = key;
                    values[slot] = value;
                    size++;
                    return;
                }
                if (keys[slot] == key) {
                    values[slot] = value;
                    return;
                }
            }
        }

        int get(long key) {
            int mask = keys.length - 1;
            for (int slot = mix(key) & mask; ; slot = (slot + 1) & mask) {
                if (!used[slot]) {
                    return -1;
                }
                if (keys[slot] == key) {
                    return values[slot];
                }
            }
        }

        private void resize() {
            long[] oldKeys = keys;
            int[] oldValues = values;
            boolean[] oldUsed = used;
            keys = new long[oldKeys.length * 2];
            values = new int[oldKeys.length * 2];
            used = new boolean[oldKeys.length * 2];
            size = 0;
            for (int s = 0; s < oldKeys.length; s++) {
                if (oldUsed[s]) {
                    put(oldKeys[s], oldValues[s]);
                }
            }
        }

        private static int mix(long key) {
            long h = key * 0x9E3779B97F4A7C15L;
            return (int) (h ^ (h >>> 32));
        }
    }
}

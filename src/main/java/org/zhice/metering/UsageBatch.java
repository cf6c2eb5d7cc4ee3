package org.zhice.metering;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.zhice.rules.UsageChecks;

/**
 * The well-formed events of one upload, column by column, in line order, and the lines that were
 * not well formed. Instants are epoch nanoseconds, quantities micros; {@code units} is
 * {@link UsageChecks#NO_UNITS} when absent. Repeated strings (provider, contract, SKU) share one
 * instance, and each event knows the number of its {@code (contract_id, sku)} pair and of its SKU
 * in this upload, so that the checks group events without hashing strings again.
 */
final class UsageBatch {

    private int size;
    private int lines;
    private int[] line = new int[64];
    private String[] eventId = new String[64];
    private String[] provider = new String[64];
    private String[] contract = new String[64];
    private String[] sku = new String[64];
    private String[] adjusts = new String[64];
    private int[] units = new int[64];
    private long[] quantity = new long[64];
    private long[] start = new long[64];
    private long[] end = new long[64];
    private int[] pair = new int[64];
    private final List<LineProblem> problems = new ArrayList<>();
    private final Map<String, String> strings = new HashMap<>();
    private final Map<String, Integer> contractNumbers = new HashMap<>();
    private final List<int[]> pairsOfContract = new ArrayList<>(); // per contract: sku number, pair number, ...
    private final Map<String, Integer> skuNumbers = new HashMap<>();
    private final List<String> skuList = new ArrayList<>();
    private final List<String> pairContracts = new ArrayList<>();
    private final List<String> pairSkus = new ArrayList<>();
    private final List<Integer> pairSkuNumbers = new ArrayList<>();

    void add(int lineNo, String id, String providerUscc, String contractId, String skuCode, int gpus,
             long quantityMicros, long startNanos, long endNanos, String adjustsEventId) {
        if (size == line.length) {
            int capacity = size * 2;
            line = Arrays.copyOf(line, capacity);
            eventId = Arrays.copyOf(eventId, capacity);
            provider = Arrays.copyOf(provider, capacity);
            contract = Arrays.copyOf(contract, capacity);
            sku = Arrays.copyOf(sku, capacity);
            adjusts = Arrays.copyOf(adjusts, capacity);
            units = Arrays.copyOf(units, capacity);
            quantity = Arrays.copyOf(quantity, capacity);
            start = Arrays.copyOf(start, capacity);
            end = Arrays.copyOf(end, capacity);
            pair = Arrays.copyOf(pair, capacity);
        }
        line[size] = lineNo;
        eventId[size] = id;
        provider[size] = shared(providerUscc);
        Integer contractNo = contractNumbers.get(contractId);
        if (contractNo == null) {
            contractNo = contractNumbers.size();
            contractNumbers.put(contractId, contractNo);
            pairsOfContract.add(new int[0]);
        }
        Integer skuNo = skuNumbers.get(skuCode);
        if (skuNo == null) {
            skuNo = skuList.size();
            skuNumbers.put(skuCode, skuNo);
            skuList.add(skuCode);
        }
        int[] pairs = pairsOfContract.get(contractNo);
        int pairNo = -1;
        for (int k = 0; k < pairs.length; k += 2) {
            if (pairs[k] == skuNo) {
                pairNo = pairs[k + 1];
                break;
            }
        }
        if (pairNo < 0) {
            pairNo = pairContracts.size();
            pairContracts.add(contractId);
            pairSkus.add(skuList.get(skuNo));
            pairSkuNumbers.add(skuNo);
            pairs = Arrays.copyOf(pairs, pairs.length + 2);
            pairs[pairs.length - 2] = skuNo;
            pairs[pairs.length - 1] = pairNo;
            pairsOfContract.set(contractNo, pairs);
        }
        contract[size] = pairContracts.get(pairNo);
        sku[size] = pairSkus.get(pairNo);
        pair[size] = pairNo;
        adjusts[size] = adjustsEventId;
        units[size] = gpus;
        quantity[size] = quantityMicros;
        start[size] = startNanos;
        end[size] = endNanos;
        size++;
        lines = Math.max(lines, lineNo);
    }

    void problem(LineProblem problem) {
        problems.add(problem);
        lines = Math.max(lines, problem.line());
    }

    /** Counts a line that held nothing (blank), so that the upload's line count is right. */
    void blank(int lineNo) {
        lines = Math.max(lines, lineNo);
    }

    private String shared(String value) {
        String known = strings.putIfAbsent(value, value);
        return known == null ? value : known;
    }

    int size() {
        return size;
    }

    /** The number of event {@code i}'s {@code (contract_id, sku)} in this upload, from 0. */
    int pair(int i) {
        return pair[i];
    }

    /** How many different {@code (contract_id, sku)} the events name. */
    int pairs() {
        return pairContracts.size();
    }

    String pairContract(int pairNo) {
        return pairContracts.get(pairNo);
    }

    String pairSku(int pairNo) {
        return pairSkus.get(pairNo);
    }

    /** The number of a pair's SKU in this upload, from 0. */
    int pairSkuNumber(int pairNo) {
        return pairSkuNumbers.get(pairNo);
    }

    /** How many different SKUs the events name. */
    int skus() {
        return skuList.size();
    }



    /** The last line number seen (CSV: counting the header as line 1). */
    int lines() {
        return lines;
    }

    List<LineProblem> problems() {
        return problems;
    }

    int line(int i) {
        return line[i];
    }

    String eventId(int i) {
        return eventId[i];
    }

    String provider(int i) {
        return provider[i];
    }

    String contract(int i) {
        return contract[i];
    }

    String sku(int i) {
        return sku[i];
    }

    String adjusts(int i) {
        return adjusts[i];
    }

    int units(int i) {
        return units[i];
    }

    long quantityMicros(int i) {
        return quantity[i];
    }

    long startNanos(int i) {
        return start[i];
    }

    long endNanos(int i) {
        return end[i];
    }

    /** Whether event {@code i} says the same as event {@code j} (both of one provider and event id). */
    boolean sameBody(int i, int j) {
        return sameBody(i, contract[j], sku[j], units[j], quantity[j], start[j], end[j], adjusts[j]);
    }

    /** Whether event {@code i} says the same as a stored event with these fields. */
    boolean sameBody(int i, String contractId, String skuCode, int gpus, long quantityMicros, long startNanos,
                     long endNanos, String adjustsEventId) {
        return contract[i].equals(contractId) && sku[i].equals(skuCode) && units[i] == gpus
                && quantity[i] == quantityMicros && start[i] == startNanos && end[i] == endNanos
                && Objects.equals(adjusts[i], adjustsEventId);
    }
}

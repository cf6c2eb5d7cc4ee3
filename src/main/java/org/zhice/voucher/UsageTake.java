package org.zhice.voucher;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.zhice.policy.Program;
import org.zhice.rules.Fen;
import org.zhice.rules.PricedLine;
import org.zhice.rules.Subsidy;

/**
 * What a redemption counts (spec §5): the accepted events of its voucher's contract whose start
 * date (+08:00) lies in {@code [from, to]}, whose line's category the program covers and that no
 * earlier redemption has counted; each at {@code round_half_up(quantity × price_basis)}; per
 * category {@code floor(ratio × Σ)}, summed to {@code raw}.
 */
public record UsageTake(List<Item> items, Map<String, Long> amountsByCategory, long rawFen, Map<String, Long> rawByCategory) {

    public record Item(MeteredUsage.Event event, String category, long amountFen) {
    }

    static UsageTake of(Program program, List<PricedLine> lines, List<MeteredUsage.Event> events,
                        Set<Long> alreadyCounted, LocalDate from, LocalDate to, boolean startup) {
        Map<String, PricedLine> bySku = new HashMap<>();
        for (PricedLine line : lines) {
            bySku.put(line.line().sku(), line);
        }
        List<Item> items = new ArrayList<>();
        Map<String, Long> sums = new LinkedHashMap<>();
        Set<Long> seen = new HashSet<>();
        for (MeteredUsage.Event event : events) {
            if (event.countedBy() != null || alreadyCounted.contains(event.usageId()) || !seen.add(event.usageId())) {
                continue;
            }
            LocalDate day = Clocks.dateOf(event.start());
            if (day.isBefore(from) || day.isAfter(to)) {
                continue;
            }
            PricedLine line = bySku.get(event.sku());
            if (line == null || !program.covers(line.category())) {
                continue;
            }
            long amount = Fen.amount(event.quantityMicros(), line.priceBasisFen());
            items.add(new Item(event, line.category(), amount));
            sums.merge(line.category(), amount, Math::addExact);
        }
        Map<String, Long> rawByCategory = new LinkedHashMap<>();
        long raw = 0;
        for (Map.Entry<String, Long> sum : sums.entrySet()) {
            long part = Subsidy.raw(program, Map.of(sum.getKey(), sum.getValue()), startup);
            rawByCategory.put(sum.getKey(), part);
            raw = Math.addExact(raw, part);
        }
        return new UsageTake(List.copyOf(items), sums, raw, rawByCategory);
    }
}

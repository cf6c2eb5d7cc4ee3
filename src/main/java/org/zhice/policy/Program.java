package org.zhice.policy;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A compute-voucher program as code (spec §1): who may apply, when, for which categories of
 * compute at which subsidy ratio, and with how much money. Immutable; built by
 * {@link ProgramParser} from {@code program.yaml}. Amounts are integer fen, ratios exact
 * decimals with at most four places.
 *
 * <p>Beyond spec §1 a program may carry three optional, backwards-compatible extensions (see
 * {@code docs/program-format.md}): {@link #redemptionMode()}, {@link #startupCategories()}
 * (higher ratios for start-ups) and {@link #targets()} (policy targets for dashboards).
 *
 * @param categories        category → ratio, in file order
 * @param startupCategories category → ratio for start-up enterprises; every key is also a key
 *                          of {@code categories}; empty when the program has none
 */
public record Program(String id, String name, String funder, String regionPrefix,
                      DateRange period, DateRange applicationWindow,
                      long budgetFen, long perEnterpriseCapFen,
                      Map<String, BigDecimal> categories,
                      int contractTermDaysMax, boolean capPriceAtReference, boolean excludeRelatedParties,
                      int noticeWorkingDays,
                      RedemptionMode redemptionMode, Map<String, BigDecimal> startupCategories,
                      List<Target> targets) {

    public Program {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(regionPrefix, "regionPrefix");
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(applicationWindow, "applicationWindow");
        categories = Collections.unmodifiableMap(new LinkedHashMap<>(categories));
        startupCategories = Collections.unmodifiableMap(new LinkedHashMap<>(startupCategories));
        targets = List.copyOf(targets);
        Objects.requireNonNull(redemptionMode, "redemptionMode");
    }

    /** Whether the program subsidises this category at all. */
    public boolean covers(String category) {
        return category != null && categories.containsKey(category);
    }

    /** The ratio for a covered category, or {@code null} when not covered. */
    public BigDecimal ratio(String category) {
        return category == null ? null : categories.get(category);
    }

    /**
     * The ratio for a covered category as it applies to an enterprise: a start-up gets its
     * {@code startup_categories} ratio where the program sets one. {@code null} when not covered.
     */
    public BigDecimal ratio(String category, boolean startup) {
        if (category == null || !categories.containsKey(category)) {
            return null;
        }
        if (startup) {
            BigDecimal special = startupCategories.get(category);
            if (special != null) {
                return special;
            }
        }
        return categories.get(category);
    }

    /** A closed interval of dates; a date {@code D} stands for {@code [D 00:00, D+1 00:00)} in +08:00. */
    public record DateRange(LocalDate start, LocalDate end) {
        public DateRange {
            Objects.requireNonNull(start, "start");
            Objects.requireNonNull(end, "end");
        }

        public boolean contains(LocalDate date) {
            return !date.isBefore(start) && !date.isAfter(end);
        }
    }

    /**
     * How a subsidy reaches the enterprise. Replay computes the same figures in both modes.
     * {@code claim_after_payment}: the enterprise pays the provider in full and claims the subsidy;
     * {@code provider_deducts}: the provider deducts the subsidy from its invoice and claims it.
     */
    public enum RedemptionMode {
        CLAIM_AFTER_PAYMENT("claim_after_payment"),
        PROVIDER_DEDUCTS("provider_deducts");

        private final String code;

        RedemptionMode(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }

        public static RedemptionMode fromCode(String code) {
            for (RedemptionMode mode : values()) {
                if (mode.code.equals(code)) {
                    return mode;
                }
            }
            return null;
        }
    }

    /**
     * A policy target the program is meant to reach, e.g. 25 industry models by 2025-12-31.
     *
     * @param goal exact decimal goal of the metric
     */
    public record Target(String name, String metric, BigDecimal goal, LocalDate due) {
        public Target {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(metric, "metric");
            Objects.requireNonNull(goal, "goal");
            Objects.requireNonNull(due, "due");
        }
    }
}

package org.zhice.metering;

import java.util.List;

import org.zhice.rules.UsageReason;

/**
 * Why a stored event does not count. The six of spec §4 ({@link UsageReason}, whose first,
 * {@code DUPLICATE_EVENT}, is a line problem online: the first event keeps its id) and metering's
 * own, checked in this order: spec 1, then {@link #TOO_LATE} and {@link #NOT_YET_ENDED}, then the
 * checks of an adjustment, then spec 2–6. {@link #DISPUTE_UPHELD} comes later, from the office.
 */
final class Reasons {

    /** The event ended longer ago than the late window ({@code zhice.metering.late-days}). */
    static final String TOO_LATE = "TOO_LATE";
    /** The event ends after it was received (beyond the clock-skew allowance). */
    static final String NOT_YET_ENDED = "NOT_YET_ENDED";
    /** {@code adjusts} names no stored event of this provider. */
    static final String ADJUSTED_EVENT_UNKNOWN = "ADJUSTED_EVENT_UNKNOWN";
    /** An adjustment names an event of another contract line. */
    static final String ADJUSTMENT_CHANGES_LINE = "ADJUSTMENT_CHANGES_LINE";
    /** The adjusted event does not count now: rejected, superseded already, or adjusted earlier in this upload. */
    static final String ADJUSTED_EVENT_NOT_IN_FORCE = "ADJUSTED_EVENT_NOT_IN_FORCE";
    /** The adjusted event was counted by a redemption: corrections of paid usage go through the office. */
    static final String ADJUSTED_EVENT_COUNTED = "ADJUSTED_EVENT_COUNTED";
    /** The adjusted event is under the enterprise's open dispute: the program office decides it first. */
    static final String ADJUSTED_EVENT_DISPUTED = "ADJUSTED_EVENT_DISPUTED";
    /** The program office upheld the enterprise's dispute. */
    static final String DISPUTE_UPHELD = "DISPUTE_UPHELD";

    /** Every reason a stored event can carry, for pages and messages. */
    static final List<String> ALL = List.of(TOO_LATE, NOT_YET_ENDED, ADJUSTED_EVENT_UNKNOWN, ADJUSTMENT_CHANGES_LINE,
            ADJUSTED_EVENT_NOT_IN_FORCE, ADJUSTED_EVENT_COUNTED, ADJUSTED_EVENT_DISPUTED, UsageReason.UNKNOWN_CONTRACT_LINE.name(),
            UsageReason.OUTSIDE_CONTRACT_TERM.name(), UsageReason.INCONSISTENT_QUANTITY.name(),
            UsageReason.CAPACITY_EXCEEDED.name(), UsageReason.OVER_CONTRACT_QUANTITY.name(), DISPUTE_UPHELD);

    private Reasons() {
    }

    static String messageKey(String reason) {
        return "metering.reason." + reason;
    }

    /** The text of a rejected line in an upload's answer: its message key and arguments. */
    record Detail(String messageKey, List<String> args) {
    }

    private static final java.math.BigDecimal NANOS_PER_HOUR = java.math.BigDecimal.valueOf(3_600_000_000_000L);

    /**
     * What an upload's answer says of a rejected event: for a correction, the event it names; for
     * an inconsistent quantity, which of the rule's conditions failed, with the figures (read from
     * the event itself, so the stored upload answers the same later). Other reasons: their text.
     */
    static Detail detail(String reason, String adjusts, int units, long quantityMicros, long startNanos,
                         long endNanos) {
        switch (reason) {
            case ADJUSTED_EVENT_UNKNOWN, ADJUSTMENT_CHANGES_LINE, ADJUSTED_EVENT_NOT_IN_FORCE, ADJUSTED_EVENT_COUNTED,
                 ADJUSTED_EVENT_DISPUTED -> {
                return new Detail("metering.reasonOn." + reason, List.of(adjusts == null ? "" : adjusts));
            }
            case "INCONSISTENT_QUANTITY" -> {
                String quantity = org.zhice.rules.Quantities.format(quantityMicros);
                if (endNanos <= startNanos) {
                    return new Detail("metering.reasonOn.INCONSISTENT_QUANTITY.time", List.of());
                }
                if (quantityMicros <= 0) {
                    return new Detail("metering.reasonOn.INCONSISTENT_QUANTITY.quantity", List.of(quantity));
                }
                if (units == org.zhice.rules.UsageChecks.NO_UNITS) {
                    return new Detail("metering.reasonOn.INCONSISTENT_QUANTITY.units", List.of(quantity));
                }
                java.math.BigDecimal hours = java.math.BigDecimal.valueOf(endNanos - startNanos)
                        .divide(NANOS_PER_HOUR, 6, java.math.RoundingMode.HALF_UP).stripTrailingZeros();
                return new Detail("metering.reasonOn.INCONSISTENT_QUANTITY.gpuHours", List.of(quantity,
                        Integer.toString(units), hours.toPlainString(),
                        hours.multiply(java.math.BigDecimal.valueOf(units)).stripTrailingZeros().toPlainString()));
            }
            default -> {
                return new Detail(messageKey(reason), List.of());
            }
        }
    }
}

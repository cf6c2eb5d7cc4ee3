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
}

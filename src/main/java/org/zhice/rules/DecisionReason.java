package org.zhice.rules;

import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reason codes of application and redemption decisions (spec §5), named exactly as the spec
 * names them. A decision lists its reasons sorted by name (not by declaration order) and
 * joined with {@code ;}.
 */
public enum DecisionReason {
    // application: eligibility (EligibilityRules)
    UNKNOWN_ENTERPRISE,
    UNKNOWN_CONTRACT,
    OUT_OF_JURISDICTION,
    PROVIDER_NOT_LISTED,
    RELATED_PARTY,
    SIGNED_OUTSIDE_PERIOD,
    CONTRACT_TERM_TOO_LONG,
    SUBMITTED_OUTSIDE_WINDOW,
    DUPLICATE_APPLICATION,
    CATEGORY_NOT_COVERED,
    // application: reservation (Reservation)
    ZERO_REQUEST,
    CAP_LIMITED,
    BUDGET_LIMITED,
    ENTERPRISE_CAP_REACHED,
    BUDGET_EXHAUSTED,
    // redemption (Subsidy)
    NO_VOUCHER,
    VOUCHER_CLOSED,
    RESERVATION_LIMITED,
    NO_ELIGIBLE_USAGE,
    RESERVATION_USED_UP;

    /** Orders reasons as decisions list them: by code, in code point order. */
    public static final Comparator<DecisionReason> BY_CODE = Comparator.comparing(DecisionReason::name);

    /** Sorted by code, {@code ;}-joined; empty for none. */
    public static String join(List<DecisionReason> reasons) {
        return reasons.stream().sorted(BY_CODE).map(DecisionReason::name).collect(Collectors.joining(";"));
    }
}

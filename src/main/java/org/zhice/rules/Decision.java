package org.zhice.rules;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of one application or redemption: a line of {@code decisions.csv}.
 *
 * @param amountFen the reservation (application) or the subsidy (redemption)
 * @param reasons   sorted by code
 */
public record Decision(Kind kind, String id, Status status, long amountFen, List<DecisionReason> reasons) {

    public Decision {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
        reasons = reasons.stream().sorted(DecisionReason.BY_CODE).toList();
    }

    /** Sorted codes joined with {@code ;}, empty when none. */
    public String reasonsText() {
        return DecisionReason.join(reasons);
    }

    public enum Kind {
        APPLICATION("application"),
        REDEMPTION("redemption");

        private final String code;

        Kind(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }
}

package org.zhice.rules;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import org.zhice.policy.Program;

/**
 * What a redemption grants (spec §5): {@code min(raw, reservation_left)} with
 * {@code raw = Σ_c floor(ratio_c × Σ amounts in c)}, and its status.
 */
public record Subsidy(Status status, long amountFen, List<DecisionReason> reasons) {

    public Subsidy {
        reasons = List.copyOf(reasons);
    }

    /**
     * {@code raw}: per category, the ratio (the start-up ratio for a start-up where set) times
     * the sum of the counted events' amounts, floored; then summed. Categories the program does
     * not cover count nothing.
     *
     * @param amountsByCategory Σ amounts (fen) of the counted events, per category
     */
    public static long raw(Program program, Map<String, Long> amountsByCategory, boolean startup) {
        long raw = 0;
        for (Map.Entry<String, Long> entry : amountsByCategory.entrySet()) {
            BigDecimal ratio = program.ratio(entry.getKey(), startup);
            if (ratio != null) {
                raw = Math.addExact(raw, Fen.floorTimes(ratio, entry.getValue()));
            }
        }
        return raw;
    }

    public static Subsidy compute(long rawFen, long reservationLeftFen) {
        long amount = Math.min(rawFen, reservationLeftFen);
        if (rawFen == 0) {
            return new Subsidy(Status.REJECTED, 0, List.of(DecisionReason.NO_ELIGIBLE_USAGE));
        }
        if (amount <= 0) {
            return new Subsidy(Status.REJECTED, 0, List.of(DecisionReason.RESERVATION_USED_UP));
        }
        if (amount < rawFen) {
            return new Subsidy(Status.PARTIAL, amount, List.of(DecisionReason.RESERVATION_LIMITED));
        }
        return new Subsidy(Status.APPROVED, amount, List.of());
    }
}

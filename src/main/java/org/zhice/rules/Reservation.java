package org.zhice.rules;

import java.util.ArrayList;
import java.util.List;

import org.zhice.policy.Program;

/**
 * What an eligible application reserves (spec §5):
 * {@code min(request, per_enterprise_cap − used_cap, available)}, and the status that says
 * which term limited it.
 */
public record Reservation(Status status, long amountFen, List<DecisionReason> reasons) {

    public Reservation {
        reasons = List.copyOf(reasons);
    }

    /**
     * {@code Σ floor(ratio × line value)} over the lines whose category the program covers (the
     * start-up ratio for a start-up where the program sets one).
     */
    public static long request(Program program, List<PricedLine> lines, boolean startup) {
        long request = 0;
        for (PricedLine line : lines) {
            var ratio = program.ratio(line.category(), startup);
            if (ratio != null) {
                request = Math.addExact(request, Fen.floorTimes(ratio, line.lineValue()));
            }
        }
        return request;
    }

    /**
     * @param capLeftFen   {@code per_enterprise_cap − used_cap} of the applicant
     * @param availableFen {@code budget − reserved − granted}
     */
    public static Reservation compute(long requestFen, long capLeftFen, long availableFen) {
        if (requestFen == 0) {
            return new Reservation(Status.REJECTED, 0, List.of(DecisionReason.ZERO_REQUEST));
        }
        long amount = Math.min(requestFen, Math.min(capLeftFen, availableFen));
        if (amount == requestFen) {
            return new Reservation(Status.APPROVED, amount, List.of());
        }
        List<DecisionReason> reasons = new ArrayList<>(2);
        if (amount <= 0) {
            if (capLeftFen <= 0) {
                reasons.add(DecisionReason.ENTERPRISE_CAP_REACHED);
            }
            if (availableFen <= 0) {
                reasons.add(DecisionReason.BUDGET_EXHAUSTED);
            }
            reasons.sort(DecisionReason.BY_CODE);
            return new Reservation(Status.REJECTED, 0, reasons);
        }
        if (capLeftFen == amount) {
            reasons.add(DecisionReason.CAP_LIMITED);
        }
        if (availableFen == amount) {
            reasons.add(DecisionReason.BUDGET_LIMITED);
        }
        reasons.sort(DecisionReason.BY_CODE);
        return new Reservation(Status.PARTIAL, amount, reasons);
    }
}

package org.zhice.rules;

import java.math.BigInteger;

/**
 * The checks of one usage event against its contract line (spec §4, checks 2–4) and the
 * running checks 5–6 as small building blocks. The batch engine and the online metering call
 * the same methods. Instants are epoch nanoseconds, quantities micros (see {@link Quantities}).
 */
public final class UsageChecks {

    /** Events of a GPU SKU carry no {@code units}: marked with this. */
    public static final int NO_UNITS = -1;

    /** Scaled by 3.6·10¹² (nanoseconds per hour), a quantity in micros becomes micros × 3.6·10⁶. */
    private static final long SCALE_MICROS = 3_600_000L;
    /** The 0.01 GPU-hour tolerance at the same scale. */
    private static final long TOLERANCE = 36_000_000_000L;

    private UsageChecks() {
    }

    /**
     * Checks 2–4 for one event, in order: the first reason that applies, or {@code null}.
     *
     * @param line the contract line {@code (contract_id, sku)}, or {@code null} when there is none
     */
    public static UsageReason againstLine(PricedLine line, String providerUscc, int units,
                                          long quantityMicros, long startNanos, long endNanos) {
        if (line == null || !line.contract().providerUscc().equals(providerUscc)) {
            return UsageReason.UNKNOWN_CONTRACT_LINE;
        }
        long termStart = ShanghaiTime.startOfDayNanos(line.contract().startOn());
        long termEnd = ShanghaiTime.startOfDayNanos(line.contract().endOn().plusDays(1));
        if (outsideTerm(startNanos, endNanos, termStart, termEnd)) {
            return UsageReason.OUTSIDE_CONTRACT_TERM;
        }
        if (inconsistentQuantity(line.unit(), units, quantityMicros, startNanos, endNanos)) {
            return UsageReason.INCONSISTENT_QUANTITY;
        }
        return null;
    }

    /** Check 3: starts before the term's first instant or ends after its end (both as nanos). */
    public static boolean outsideTerm(long startNanos, long endNanos, long termStartNanos, long termEndNanos) {
        return startNanos < termStartNanos || endNanos > termEndNanos;
    }

    /**
     * Check 4: quantity ≤ 0 or end ≤ start for any line; for a {@code gpu_hour} line also
     * {@code |quantity − units × hours(end − start)| > 0.01}, decided exactly. A GPU event
     * without {@code units} cannot be shown consistent and fails. A line without a unit (not
     * listed) gets only the general part.
     */
    public static boolean inconsistentQuantity(Unit unit, int units, long quantityMicros, long startNanos, long endNanos) {
        if (quantityMicros <= 0 || endNanos <= startNanos) {
            return true;
        }
        if (unit != Unit.GPU_HOUR) {
            return false;
        }
        if (units == NO_UNITS) {
            return true;
        }
        // |q/10⁶ − units·d/(3.6·10¹²)| > 1/100  ⇔  |q·3.6·10⁶ − units·d| > 3.6·10¹⁰  (d in ns)
        long durationNanos = endNanos - startNanos;
        if (durationNanos > 0 && quantityMicros <= Long.MAX_VALUE / SCALE_MICROS
                && Math.multiplyHigh(units, durationNanos) == 0 && (long) units * durationNanos >= 0) {
            long difference = quantityMicros * SCALE_MICROS - (long) units * durationNanos; // both in [0, 2⁶³)
            return Math.abs(difference) > TOLERANCE;
        }
        BigInteger exactDuration = BigInteger.valueOf(endNanos).subtract(BigInteger.valueOf(startNanos));
        BigInteger difference = BigInteger.valueOf(quantityMicros).multiply(BigInteger.valueOf(SCALE_MICROS))
                .subtract(BigInteger.valueOf(units).multiply(exactDuration));
        return difference.abs().compareTo(BigInteger.valueOf(TOLERANCE)) > 0;
    }

    /** Check 6: would this event take the line's accepted quantity past {@code quantity_max}? */
    public static boolean overContractQuantity(long acceptedMicros, long quantityMicros, long quantityMaxMicros) {
        return acceptedMicros > quantityMaxMicros - quantityMicros;
    }
}

package org.zhice.rules;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Exact money arithmetic in integer fen; rounding only where a rule says so. */
public final class Fen {

    private Fen() {
    }

    /** {@code floor(ratio × value)}, exact. @throws ArithmeticException beyond a long */
    public static long floorTimes(BigDecimal ratio, BigDecimal value) {
        return ratio.multiply(value).setScale(0, RoundingMode.FLOOR).longValueExact();
    }

    /** {@code floor(ratio × fen)}, exact. */
    public static long floorTimes(BigDecimal ratio, long fen) {
        return floorTimes(ratio, BigDecimal.valueOf(fen));
    }

    /**
     * {@code round_half_up(quantity × price)} to whole fen, with the quantity in micros: the
     * amount of an accepted usage event (spec §4). Exact; long arithmetic when it cannot overflow.
     *
     * @throws ArithmeticException when the amount does not fit a long
     */
    public static long amount(long quantityMicros, long priceFen) {
        if (quantityMicros >= 0 && priceFen >= 0) {
            long high = Math.multiplyHigh(quantityMicros, priceFen);
            long product = quantityMicros * priceFen;
            if (high == 0 && product >= 0 && product <= Long.MAX_VALUE - 500_000) {
                return (product + 500_000) / Quantities.MICROS_PER_UNIT;
            }
        }
        BigDecimal exact = Quantities.toDecimal(quantityMicros).multiply(BigDecimal.valueOf(priceFen));
        return exact.setScale(0, RoundingMode.HALF_UP).longValueExact();
    }
}

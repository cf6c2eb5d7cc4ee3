package org.zhice.rules;

import java.math.BigDecimal;

/**
 * Quantities (GPU-hours, millions of tokens) have at most 6 decimals, so they are kept exactly
 * as whole millionths ("micros") in a long.
 */
public final class Quantities {

    public static final long MICROS_PER_UNIT = 1_000_000L;

    private Quantities() {
    }

    /**
     * Parses {@code -?digits[.digits]} with at most 6 significant decimals (trailing zeros beyond
     * the sixth are fine) into micros.
     *
     * @throws NumberFormatException naming what is wrong
     */
    public static long parseMicros(CharSequence text) {
        int length = text.length();
        int i = 0;
        boolean negative = false;
        if (length > 0 && text.charAt(0) == '-') {
            negative = true;
            i = 1;
        }
        long units = 0;
        int intDigits = 0;
        while (i < length && isDigit(text.charAt(i))) {
            units = Math.multiplyExact(units, 10) + (text.charAt(i) - '0');
            if (units > Long.MAX_VALUE / MICROS_PER_UNIT) {
                throw new NumberFormatException("too large: \"" + text + "\"");
            }
            i++;
            intDigits++;
        }
        if (intDigits == 0) {
            throw new NumberFormatException("not a decimal number: \"" + text + "\"");
        }
        long fraction = 0;
        if (i < length) {
            if (text.charAt(i) != '.' || i + 1 == length) {
                throw new NumberFormatException("not a decimal number: \"" + text + "\"");
            }
            i++;
            int place = 0;
            while (i < length) {
                char c = text.charAt(i);
                if (!isDigit(c)) {
                    throw new NumberFormatException("not a decimal number: \"" + text + "\"");
                }
                if (place < 6) {
                    fraction = fraction * 10 + (c - '0');
                } else if (c != '0') {
                    throw new NumberFormatException("more than 6 decimals: \"" + text + "\"");
                }
                place++;
                i++;
            }
            for (; place < 6; place++) {
                fraction *= 10;
            }
        }
        long micros;
        try {
            micros = Math.addExact(units * MICROS_PER_UNIT, fraction);
        } catch (ArithmeticException e) {
            throw new NumberFormatException("too large: \"" + text + "\"");
        }
        return negative ? -micros : micros;
    }

    /**
     * Quantities written with an exponent longer than this are refused before {@link BigDecimal}
     * parses them: its constructor is quadratic in the digits (1,000,000 digits took 16 s; one
     * 32 MB upload line would hold a core for hours).
     */
    public static final int MAX_EXPONENT_CHARS = 1000;

    /**
     * A quantity written as a JSON number with an exponent ({@code 1.25e1}) in micros, for the
     * online parser and replay alike: exactly {@code new BigDecimal(text).movePointRight(6)},
     * refused when it has a non-zero digit beyond the sixth decimal or does not fit a long; but
     * without building the digits an exponent asks for ({@code movePointRight} then
     * {@code stripTrailingZeros} took seconds for {@code 1.25e100000} and would take years for
     * {@code 1.25e111111111}), and bounded in length.
     *
     * @throws NumberFormatException "longer than … characters", "exponent out of range" (beyond an
     *         int) or "more than 6 decimals"
     * @throws ArithmeticException "too large": it does not fit a long in micros
     */
    public static long exponentMicros(String text) {
        if (text.length() > MAX_EXPONENT_CHARS) {
            throw new NumberFormatException("longer than " + MAX_EXPONENT_CHARS + " characters");
        }
        BigDecimal number;
        try {
            number = new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw new NumberFormatException("exponent out of range"); // a JSON number: only its exponent can overflow
        }
        BigDecimal value = number.stripTrailingZeros(); // works on the digits as written, not more
        if (value.signum() == 0) {
            return 0;
        }
        if (value.scale() > 6) {
            throw new NumberFormatException("more than 6 decimals");
        }
        // value = unscaled × 10^-scale: its micros have precision + 6 - scale digits, and no long holds 20
        if ((long) value.precision() + 6 - value.scale() > 19) {
            throw new ArithmeticException("too large");
        }
        return value.movePointRight(6).longValueExact();
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    public static BigDecimal toDecimal(long micros) {
        return BigDecimal.valueOf(micros, 6);
    }

    /** As plain text without trailing zeros, e.g. {@code 8} or {@code 0.5}. */
    public static String format(long micros) {
        return toDecimal(micros).stripTrailingZeros().toPlainString();
    }
}

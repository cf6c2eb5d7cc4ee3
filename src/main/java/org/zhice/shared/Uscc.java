package org.zhice.shared;

import java.util.Objects;

/**
 * 统一社会信用代码 (unified social credit code), GB 32100-2015: 18 characters from a
 * 31-character alphabet (digits and capitals without I, O, Z, S, V); the last one is a
 * check character computed modulo 31 over the first 17.
 */
public record Uscc(String value) {

    public static final int LENGTH = 18;
    static final String ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    private static final int[] WEIGHTS = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

    public Uscc {
        Objects.requireNonNull(value, "value");
        Problem problem = check(value);
        if (problem != null) {
            throw new IllegalArgumentException(problem.defaultMessage());
        }
    }

    public static Uscc of(String value) {
        return new Uscc(value);
    }

    public static boolean isValid(String value) {
        return value != null && check(value) == null;
    }

    /**
     * What is wrong with a candidate code, or {@code null} when it is valid. The problem
     * carries a stable message code and its arguments so that callers can translate it.
     */
    public static Problem check(String value) {
        if (value == null || value.length() != LENGTH) {
            return new Problem("uscc.length", value == null ? 0 : value.length(), null);
        }
        int sum = 0;
        for (int i = 0; i < LENGTH - 1; i++) {
            int digit = ALPHABET.indexOf(value.charAt(i));
            if (digit < 0) {
                return new Problem("uscc.character", i + 1, String.valueOf(value.charAt(i)));
            }
            sum += digit * WEIGHTS[i];
        }
        char expected = ALPHABET.charAt((31 - sum % 31) % 31);
        char actual = value.charAt(LENGTH - 1);
        if (actual != expected) {
            return new Problem("uscc.check", LENGTH, String.valueOf(expected));
        }
        return null;
    }

    /** Appends the check character to a 17-character body (used by demo data and tests). */
    public static String withCheckCharacter(String body17) {
        if (body17.length() != LENGTH - 1) {
            throw new IllegalArgumentException("a USCC body has 17 characters: " + body17);
        }
        int sum = 0;
        for (int i = 0; i < LENGTH - 1; i++) {
            int digit = ALPHABET.indexOf(body17.charAt(i));
            if (digit < 0) {
                throw new IllegalArgumentException("not a USCC character at " + (i + 1) + ": " + body17);
            }
            sum += digit * WEIGHTS[i];
        }
        return body17 + ALPHABET.charAt((31 - sum % 31) % 31);
    }

    /** The administrative division code embedded in positions 3–8. */
    public String regionCode() {
        return value.substring(2, 8);
    }

    @Override
    public String toString() {
        return value;
    }

    /**
     * A validation failure: {@code code} is a message key, {@code position} the 1-based
     * character position (or the length for a length error), {@code detail} the offending
     * or the expected character.
     */
    public record Problem(String code, int position, String detail) {
        public String defaultMessage() {
            return switch (code) {
                case "uscc.length" -> "a 统一社会信用代码 has 18 characters, this one has " + position;
                case "uscc.character" -> "character " + position + " '" + detail + "' is not allowed in a 统一社会信用代码";
                case "uscc.check" -> "wrong check character: expected '" + detail + "'";
                default -> code;
            };
        }
    }
}

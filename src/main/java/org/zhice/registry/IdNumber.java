package org.zhice.registry;

/**
 * 公民身份号码 (GB 11643-1999): 17 digits and a check character (0–9 or X), ISO 7064 MOD 11-2.
 * Only the form and the check character are tested here, not that the person exists.
 */
final class IdNumber {

    private static final int[] WEIGHTS = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    private static final String CHECK = "10X98765432";

    private IdNumber() {
    }

    /** The check character for the first 17 digits. */
    static char checkCharacter(String body17) {
        int sum = 0;
        for (int i = 0; i < 17; i++) {
            sum += (body17.charAt(i) - '0') * WEIGHTS[i];
        }
        return CHECK.charAt(sum % 11);
    }

    static boolean wellFormed(String value) {
        return value.matches("[0-9]{17}[0-9X]");
    }

    /** Masks all but the region and the last four characters, for pages: {@code 330106********123X}. */
    static String masked(String value) {
        if (value == null || value.length() < 10) {
            return value == null ? null : "****";
        }
        return value.substring(0, 6) + "*".repeat(value.length() - 10) + value.substring(value.length() - 4);
    }
}

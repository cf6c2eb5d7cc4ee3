package org.zhice.registry;

import java.util.concurrent.atomic.AtomicLong;

import org.zhice.shared.Uscc;

/** Fresh, valid codes for tests that share one database. */
final class TestCodes {

    private static final String ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    private static final AtomicLong NEXT = new AtomicLong(System.nanoTime() % 1_000_000_000L);

    private TestCodes() {
    }

    /** A valid USCC in the region, with a check character computed by {@link Uscc}. */
    static String uscc(String region) {
        long n = NEXT.incrementAndGet();
        StringBuilder code = new StringBuilder();
        for (int i = 0; i < 9; i++) {
            code.insert(0, ALPHABET.charAt((int) (n % ALPHABET.length())));
            n /= ALPHABET.length();
        }
        return Uscc.withCheckCharacter("91" + region + code);
    }

    static String uscc() {
        return uscc("330106");
    }

    /** The same code with a wrong check character, and the right one. */
    static String[] withWrongCheck(String uscc) {
        char right = uscc.charAt(17);
        char wrong = right == '0' ? '1' : '0';
        return new String[] {uscc.substring(0, 17) + wrong, String.valueOf(right)};
    }

    static String person() {
        return "P:t" + NEXT.incrementAndGet();
    }
}

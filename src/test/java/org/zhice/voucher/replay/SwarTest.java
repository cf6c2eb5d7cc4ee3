package org.zhice.voucher.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class SwarTest {

    private static final String ALPHABET = "abc\"\\\n\u001f \u007f0";

    @Test
    void countAndSkipAgreeWithPlainLoopsOnEveryByteValue() {
        SplittableRandom random = new SplittableRandom(3);
        for (int round = 0; round < 20_000; round++) {
            byte[] bytes = new byte[random.nextInt(40)];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = random.nextInt(4) == 0 ? (byte) random.nextInt(256)
                        : (byte) ALPHABET.charAt(random.nextInt(ALPHABET.length()));
            }
            int from = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
            long expected = 0;
            for (int i = from; i < bytes.length; i++) {
                if (bytes[i] == '\n') {
                    expected++;
                }
            }
            assertThat(Swar.count(bytes, from, bytes.length, (byte) '\n')).isEqualTo(expected);

            int stop = Swar.skipPlainAscii(bytes, from, bytes.length);
            int firstSpecial = from;
            while (firstSpecial < bytes.length && !special(bytes[firstSpecial])) {
                firstSpecial++;
            }
            assertThat(stop).isBetween(from, firstSpecial); // never skips a special byte
            assertThat(firstSpecial - stop).isLessThan(8); // and stops within a word of it
        }
    }

    private static boolean special(byte b) {
        return b == '"' || b == '\\' || (b & 0xFF) < 0x20 || (b & 0xFF) > 0x7F;
    }
}

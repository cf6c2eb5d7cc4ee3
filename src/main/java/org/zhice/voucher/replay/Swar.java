package org.zhice.voucher.replay;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Byte scans eight bytes at a time ("SIMD within a register") for the usage reader's hot
 * loops. Each test below says exactly whether a word holds a matching byte (no false
 * answers); the caller finishes byte by byte.
 */
final class Swar {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101_0101_0101_0101L;
    private static final long HIGHS = 0x8080_8080_8080_8080L;
    private static final long LOWS = 0x7F7F_7F7F_7F7F_7F7FL;

    private Swar() {
    }

    /** How many bytes of {@code b[from, to)} equal {@code value}. */
    static long count(byte[] b, int from, int to, byte value) {
        long pattern = ONES * (value & 0xFF);
        long count = 0;
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long x = (long) LONGS.get(b, i) ^ pattern; // matching bytes are now zero
            long t = ((x & LOWS) + LOWS) | x; // high bit set in every non-zero byte
            count += Long.bitCount(~t & HIGHS);
        }
        for (; i < to; i++) {
            if (b[i] == value) {
                count++;
            }
        }
        return count;
    }

    /**
     * The first index in {@code [from, to)} at or after which a word may hold a byte that is a
     * quote, a backslash, below 0x20 or above 0x7F (or {@code to - 7}): every word skipped holds
     * only plain ASCII string content.
     */
    static int skipPlainAscii(byte[] b, int from, int to) {
        int i = from;
        while (i + 8 <= to) {
            long x = (long) LONGS.get(b, i);
            if (((x | zeroBytes(x ^ (ONES * '"')) | zeroBytes(x ^ (ONES * '\\')) | below(x, 0x20)) & HIGHS) != 0) {
                return i;
            }
            i += 8;
        }
        return i;
    }

    /** High bit set in each byte of {@code x} that is zero (exact). */
    private static long zeroBytes(long x) {
        return ~(((x & LOWS) + LOWS) | x) & HIGHS;
    }

    /**
     * High bit set in each byte whose low seven bits are below {@code n} (≤ 0x80), exact: each
     * byte becomes {@code 0x80 | low7} before subtracting, so no byte borrows from the next.
     */
    private static long below(long x, int n) {
        return ~(((x & LOWS) | HIGHS) - ONES * n) & HIGHS;
    }
}

package org.zhice.shared;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Hostile variations of a valid input file for the parser fuzz properties: a few random edits
 * (bytes inserted, deleted, repeated or swapped; quotes, brackets, escapes, line breaks, NUL,
 * invalid UTF-8, GBK, a UTF-16 BOM, formula and markup text) of a document that parses. Starting
 * from a valid document keeps most variations deep in the parser instead of at its first byte.
 */
public final class HostileBytes {

    private static final Charset GBK = Charset.forName("GBK");

    private static final String[] TOKENS = {
            "\"", "'", ",", ":", "{", "}", "[", "]", "\\", "\\u0000", "\\ud800", "\\\"", "\n", "\r\n", "\r", "\t",
            " ", "#", "&a", "*a", "!!binary", "- ", "? ", "|", ">", "%", "null", "true", "-1", "0", "1e999999999",
            "99999999999999999999999999", "0.0000001", "NaN", "2025-02-30", "2025-13-01T00:00:00+08:00",
            "=HYPERLINK(\"http://x\")", "+1", "@SUM(A1)", "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>",
            "../../etc/passwd", "中文", "\uFEFF", "\u202E", "\uD83D\uDE00", "﻿"};

    private HostileBytes() {
    }

    /** One to four random edits of {@code valid}, deterministic in {@code seed}. */
    public static byte[] mutate(byte[] valid, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] bytes = valid;
        int edits = 1 + random.nextInt(4);
        for (int i = 0; i < edits; i++) {
            bytes = edit(bytes, random);
        }
        return bytes;
    }

    private static byte[] edit(byte[] bytes, SplittableRandom random) {
        int n = bytes.length;
        int at = n == 0 ? 0 : random.nextInt(n + 1);
        switch (random.nextInt(12)) {
            case 0 -> { // insert a token
                return insert(bytes, at, TOKENS[random.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8));
            }
            case 1 -> { // delete a range
                int to = Math.min(n, at + 1 + random.nextInt(Math.max(1, n / 4)));
                return splice(bytes, at, to, new byte[0]);
            }
            case 2 -> { // a random byte
                return insert(bytes, at, new byte[] {(byte) random.nextInt(256)});
            }
            case 3 -> { // overwrite a byte
                if (n == 0) {
                    return bytes;
                }
                byte[] copy = bytes.clone();
                copy[Math.min(at, n - 1)] = (byte) random.nextInt(256);
                return copy;
            }
            case 4 -> { // invalid UTF-8: a lone continuation byte, a truncated sequence, an overlong NUL
                byte[][] bad = {{(byte) 0x80}, {(byte) 0xC3}, {(byte) 0xE4, (byte) 0xB8}, {(byte) 0xC0, (byte) 0x80},
                        {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xFF}, {(byte) 0xF5, (byte) 0x80, (byte) 0x80, (byte) 0x80}};
                return insert(bytes, at, bad[random.nextInt(bad.length)]);
            }
            case 5 -> { // GBK text where UTF-8 is expected
                return insert(bytes, at, "杭州市算力券".getBytes(GBK));
            }
            case 6 -> { // a UTF-16 byte-order mark or the whole file re-encoded
                if (random.nextBoolean()) {
                    return insert(bytes, 0, new byte[] {(byte) 0xFF, (byte) 0xFE});
                }
                return new String(bytes, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_16LE);
            }
            case 7 -> { // repeat a range many times (long lines, long values)
                int to = Math.min(n, at + 1 + random.nextInt(16));
                byte[] piece = java.util.Arrays.copyOfRange(bytes, at, to);
                int times = 1 + random.nextInt(random.nextBoolean() ? 8 : 4000);
                byte[] run = new byte[piece.length * times];
                for (int t = 0; t < times; t++) {
                    System.arraycopy(piece, 0, run, t * piece.length, piece.length);
                }
                return insert(bytes, to, run);
            }
            case 8 -> { // a raw NUL or control byte
                return insert(bytes, at, new byte[] {(byte) random.nextInt(32)});
            }
            case 9 -> { // cut the file short
                return java.util.Arrays.copyOf(bytes, at);
            }
            case 10 -> { // swap two ranges' first bytes
                if (n < 2) {
                    return bytes;
                }
                byte[] copy = bytes.clone();
                int other = random.nextInt(n);
                int a = Math.min(at, n - 1);
                byte t = copy[a];
                copy[a] = copy[other];
                copy[other] = t;
                return copy;
            }
            default -> { // a digit run (huge numbers)
                byte[] digits = new byte[1 + random.nextInt(random.nextBoolean() ? 30 : 5000)];
                java.util.Arrays.fill(digits, (byte) ('0' + random.nextInt(10)));
                return insert(bytes, at, digits);
            }
        }
    }

    private static byte[] insert(byte[] bytes, int at, byte[] piece) {
        return splice(bytes, at, at, piece);
    }

    private static byte[] splice(byte[] bytes, int from, int to, byte[] piece) {
        byte[] out = new byte[bytes.length - (to - from) + piece.length];
        System.arraycopy(bytes, 0, out, 0, from);
        System.arraycopy(piece, 0, out, from, piece.length);
        System.arraycopy(bytes, to, out, from + piece.length, bytes.length - to);
        return out;
    }
}

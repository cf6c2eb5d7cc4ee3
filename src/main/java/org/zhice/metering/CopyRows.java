package org.zhice.metering;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Rows in PostgreSQL's binary {@code COPY} format, built in one growing byte array: a batch of
 * events goes to the server in one statement that it does not have to parse as text. Layouts:
 * int8/int4 big-endian, bool one byte, text as UTF-8 bytes, NULL as length -1.
 */
final class CopyRows {

    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};

    private byte[] buf;
    private int size;

    CopyRows(int expectedBytes) {
        buf = new byte[Math.max(64, expectedBytes)];
        System.arraycopy(SIGNATURE, 0, buf, 0, SIGNATURE.length);
        size = SIGNATURE.length;
        int32(0);
        int32(0);
    }

    CopyRows row(int fields) {
        ensure(2);
        buf[size++] = (byte) (fields >>> 8);
        buf[size++] = (byte) fields;
        return this;
    }

    CopyRows int8(long v) {
        ensure(12);
        int32(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            buf[size++] = (byte) (v >>> shift);
        }
        return this;
    }

    CopyRows int8OrNull(long v, boolean isNull) {
        return isNull ? nul() : int8(v);
    }

    CopyRows int4(int v) {
        ensure(8);
        int32(4);
        int32(v);
        return this;
    }

    CopyRows bool(boolean v) {
        ensure(5);
        int32(1);
        buf[size++] = (byte) (v ? 1 : 0);
        return this;
    }

    CopyRows nul() {
        ensure(4);
        int32(-1);
        return this;
    }

    /** Text; ASCII (all ids and codes in practice) is copied in one pass without an encoder. */
    CopyRows text(String v) {
        if (v == null) {
            return nul();
        }
        int n = v.length();
        ensure(4 + n);
        int at = size + 4;
        for (int i = 0; i < n; i++) {
            char c = v.charAt(i);
            if (c >= 0x80) {
                byte[] bytes = v.getBytes(StandardCharsets.UTF_8);
                ensure(4 + bytes.length);
                int32(bytes.length);
                System.arraycopy(bytes, 0, buf, size, bytes.length);
                size += bytes.length;
                return this;
            }
            buf[at + i] = (byte) c;
        }
        int32(n);
        size += n;
        return this;
    }

    /** Text given as its UTF-8 bytes, for values repeated on many rows (encoded once). */
    CopyRows utf8(byte[] v) {
        ensure(4 + v.length);
        int32(v.length);
        System.arraycopy(v, 0, buf, size, v.length);
        size += v.length;
        return this;
    }

    /** The finished stream (trailer added); the rows cannot be added to afterwards. */
    byte[] finish() {
        ensure(2);
        buf[size++] = (byte) 0xFF;
        buf[size++] = (byte) 0xFF;
        return buf;
    }

    /** Bytes of the finished stream in {@link #finish()}'s array. */
    int size() {
        return size;
    }

    private void int32(int v) {
        buf[size++] = (byte) (v >>> 24);
        buf[size++] = (byte) (v >>> 16);
        buf[size++] = (byte) (v >>> 8);
        buf[size++] = (byte) v;
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }
}

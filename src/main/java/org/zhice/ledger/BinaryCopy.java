package org.zhice.ledger;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.UUID;

/**
 * Rows in PostgreSQL's binary COPY format, for writing a batch of rows in one statement without
 * the server parsing text. Field layouts: uuid 16 bytes, int8/int4 big-endian, date as days and
 * timestamptz as microseconds since 2000-01-01, bool one byte, text and bytea raw, int4[] as
 * PostgreSQL's array wire format. A plain growable byte array: this runs for every journal row.
 */
final class BinaryCopy {

    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};
    private static final long PG_EPOCH_DAY = LocalDate.of(2000, 1, 1).toEpochDay();
    private static final long PG_EPOCH_MICROS = PG_EPOCH_DAY * 86_400_000_000L;
    private static final int INT4_OID = 23;

    private byte[] buffer;
    private int size;

    BinaryCopy(int expectedBytes) {
        buffer = new byte[Math.max(64, expectedBytes)];
        System.arraycopy(SIGNATURE, 0, buffer, 0, SIGNATURE.length);
        size = SIGNATURE.length;
        putInt(0);
        putInt(0);
    }

    private void ensure(int more) {
        if (size + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
        }
    }

    private void putShort(int v) {
        ensure(2);
        buffer[size++] = (byte) (v >>> 8);
        buffer[size++] = (byte) v;
    }

    private void putInt(int v) {
        ensure(4);
        buffer[size++] = (byte) (v >>> 24);
        buffer[size++] = (byte) (v >>> 16);
        buffer[size++] = (byte) (v >>> 8);
        buffer[size++] = (byte) v;
    }

    private void putLong(long v) {
        putInt((int) (v >>> 32));
        putInt((int) v);
    }

    BinaryCopy row(int fields) {
        putShort(fields);
        return this;
    }

    BinaryCopy uuid(UUID v) {
        if (v == null) {
            putInt(-1);
        } else {
            putInt(16);
            putLong(v.getMostSignificantBits());
            putLong(v.getLeastSignificantBits());
        }
        return this;
    }

    BinaryCopy int8(long v) {
        putInt(8);
        putLong(v);
        return this;
    }

    BinaryCopy int4(int v) {
        putInt(4);
        putInt(v);
        return this;
    }

    BinaryCopy bool(boolean v) {
        putInt(1);
        ensure(1);
        buffer[size++] = (byte) (v ? 1 : 0);
        return this;
    }

    /** A one-dimensional int4[] of {@code count} values from {@code values[from]}, lower bound 1, no nulls. */
    BinaryCopy int4Array(int[] values, int from, int count) {
        putInt(20 + 8 * count);
        putInt(1);      // dimensions
        putInt(0);      // no nulls
        putInt(INT4_OID);
        putInt(count);
        putInt(1);      // lower bound
        ensure(8 * count);
        for (int i = 0; i < count; i++) {
            putInt(4);
            putInt(values[from + i]);
        }
        return this;
    }

    BinaryCopy text(String v) {
        return bytea(v == null ? null : v.getBytes(StandardCharsets.UTF_8));
    }

    BinaryCopy bytea(byte[] v) {
        if (v == null) {
            putInt(-1);
        } else {
            putInt(v.length);
            ensure(v.length);
            System.arraycopy(v, 0, buffer, size, v.length);
            size += v.length;
        }
        return this;
    }

    BinaryCopy date(LocalDate v) {
        putInt(4);
        putInt(Math.toIntExact(v.toEpochDay() - PG_EPOCH_DAY));
        return this;
    }

    BinaryCopy timestamptz(OffsetDateTime v) {
        return int8(JournalHash.micros(v) - PG_EPOCH_MICROS);
    }

    /** Ends the stream (the trailer); then send the first {@link #length()} bytes of {@link #bytes()}. */
    void finish() {
        putShort(-1);
    }

    byte[] bytes() {
        return buffer;
    }

    int length() {
        return size;
    }
}

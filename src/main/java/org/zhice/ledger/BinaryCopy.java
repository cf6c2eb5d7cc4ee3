package org.zhice.ledger;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * Rows in PostgreSQL's binary COPY format, for writing a batch of journal rows in one statement
 * without the server parsing text. Field layouts: uuid 16 bytes, int8/int4 big-endian, date as
 * days and timestamptz as microseconds since 2000-01-01, bool one byte, text and bytea raw.
 */
final class BinaryCopy {

    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};
    private static final long PG_EPOCH_DAY = LocalDate.of(2000, 1, 1).toEpochDay();
    private static final long PG_EPOCH_MICROS = PG_EPOCH_DAY * 86_400_000_000L;

    private final ByteArrayOutputStream bytes;
    private final DataOutputStream out;

    BinaryCopy(int expectedBytes) {
        bytes = new ByteArrayOutputStream(expectedBytes);
        out = new DataOutputStream(bytes);
        try {
            out.write(SIGNATURE);
            out.writeInt(0);
            out.writeInt(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    BinaryCopy row(int fields) {
        try {
            out.writeShort(fields);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    BinaryCopy uuid(UUID v) {
        try {
            if (v == null) {
                out.writeInt(-1);
            } else {
                out.writeInt(16);
                out.writeLong(v.getMostSignificantBits());
                out.writeLong(v.getLeastSignificantBits());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    BinaryCopy int8(long v) {
        try {
            out.writeInt(8);
            out.writeLong(v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    BinaryCopy int4(int v) {
        try {
            out.writeInt(4);
            out.writeInt(v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    BinaryCopy bool(boolean v) {
        try {
            out.writeInt(1);
            out.writeByte(v ? 1 : 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    BinaryCopy text(String v) {
        return bytea(v == null ? null : v.getBytes(StandardCharsets.UTF_8));
    }

    BinaryCopy bytea(byte[] v) {
        try {
            if (v == null) {
                out.writeInt(-1);
            } else {
                out.writeInt(v.length);
                out.write(v);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    BinaryCopy date(LocalDate v) {
        try {
            out.writeInt(4);
            out.writeInt(Math.toIntExact(v.toEpochDay() - PG_EPOCH_DAY));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    BinaryCopy timestamptz(OffsetDateTime v) {
        return int8(JournalHash.micros(v) - PG_EPOCH_MICROS);
    }

    byte[] finish() {
        try {
            out.writeShort(-1);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}

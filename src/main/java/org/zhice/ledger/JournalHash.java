package org.zhice.ledger;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import org.bouncycastle.crypto.digests.SM3Digest;

/**
 * The canonical bytes of journal entries and their SM3 hashes (GB/T 32905-2016).
 *
 * <p>entry_hash = SM3(canonical bytes of one stored transfer); a batch's hash =
 * SM3(version, prev_hash, seq, committed_at, count, entry_hash…). Anyone can recompute both from
 * the tables alone: the encoding is fixed-width big-endian integers, UUIDs as 16 bytes, dates as
 * epoch days, times as epoch microseconds (PostgreSQL's precision), strings as a 4-byte length
 * and UTF-8, absent values as length −1. Changing this encoding breaks every existing chain.
 */
final class JournalHash {

    static final int HASH_BYTES = 32;
    static final byte[] GENESIS = new byte[HASH_BYTES];
    private static final byte VERSION = 1;

    private JournalHash() {
    }

    static byte[] entryHash(Transfer t) {
        Encoder e = new Encoder(256);
        e.u8(VERSION);
        e.uuid(t.id());
        e.i64(t.batchSeq());
        e.i32(t.batchIndex());
        e.str(t.kind().name());
        e.str(t.programId());
        e.uuid(t.debitAccountId());
        e.uuid(t.creditAccountId());
        e.i64(t.amountFen());
        e.uuid(t.pendingId());
        e.str(t.code());
        e.str(t.sourceType());
        e.str(t.sourceId());
        e.str(t.idempotencyKey());
        e.i64(t.valueDate().toEpochDay());
        e.i64(micros(t.bookedAt()));
        e.u8(t.linked() ? 1 : 0);
        return e.sm3();
    }

    static byte[] batchHash(byte[] prevHash, long seq, OffsetDateTime committedAt, List<byte[]> entryHashes) {
        Encoder e = new Encoder(64 + entryHashes.size() * HASH_BYTES);
        e.u8(VERSION);
        e.bytes(prevHash);
        e.i64(seq);
        e.i64(micros(committedAt));
        e.i32(entryHashes.size());
        for (byte[] h : entryHashes) {
            e.bytes(h);
        }
        return e.sm3();
    }

    /** A digest of what a request asked, for "same key, same body?" (ids included, time not). */
    static byte[] requestDigest(List<TransferRequest> transfers) {
        Encoder e = new Encoder(64 + transfers.size() * 200);
        e.u8(VERSION);
        e.i32(transfers.size());
        for (TransferRequest t : transfers) {
            e.uuid(t.id());
            e.str(t.kind() == null ? null : t.kind().name());
            e.uuid(t.debitAccountId());
            e.uuid(t.creditAccountId());
            e.i64(t.amountFen());
            e.uuid(t.pendingId());
            e.str(t.code());
            e.str(t.sourceType());
            e.str(t.sourceId());
            e.str(t.idempotencyKey());
            e.i64(t.valueDate() == null ? Long.MIN_VALUE : t.valueDate().toEpochDay());
            e.u8(t.linked() ? 1 : 0);
        }
        return e.sm3();
    }

    /** Times are kept at microsecond precision, as PostgreSQL stores them. */
    static OffsetDateTime truncate(OffsetDateTime time) {
        return time.truncatedTo(ChronoUnit.MICROS);
    }

    static long micros(OffsetDateTime time) {
        Instant i = time.toInstant();
        return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1_000);
    }

    static String hex(byte[] hash) {
        return hash == null ? "" : HexFormat.of().formatHex(hash);
    }

    static boolean same(byte[] a, byte[] b) {
        return Arrays.equals(a, b);
    }

    /** A growable big-endian writer that ends in an SM3 digest. */
    private static final class Encoder {
        private ByteBuffer buffer;

        Encoder(int capacity) {
            buffer = ByteBuffer.allocate(capacity);
        }

        private void ensure(int more) {
            if (buffer.remaining() < more) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + more));
                buffer.flip();
                bigger.put(buffer);
                buffer = bigger;
            }
        }

        void u8(int v) {
            ensure(1);
            buffer.put((byte) v);
        }

        void i32(int v) {
            ensure(4);
            buffer.putInt(v);
        }

        void i64(long v) {
            ensure(8);
            buffer.putLong(v);
        }

        void bytes(byte[] v) {
            ensure(v.length);
            buffer.put(v);
        }

        void uuid(UUID v) {
            ensure(17);
            if (v == null) {
                buffer.put((byte) 0);
            } else {
                buffer.put((byte) 1);
                buffer.putLong(v.getMostSignificantBits());
                buffer.putLong(v.getLeastSignificantBits());
            }
        }

        void str(String v) {
            if (v == null) {
                i32(-1);
                return;
            }
            byte[] utf8 = v.getBytes(StandardCharsets.UTF_8);
            i32(utf8.length);
            bytes(utf8);
        }

        byte[] sm3() {
            SM3Digest digest = new SM3Digest();
            digest.update(buffer.array(), 0, buffer.position());
            byte[] out = new byte[HASH_BYTES];
            digest.doFinal(out, 0);
            return out;
        }
    }
}

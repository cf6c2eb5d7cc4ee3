package org.zhice.rules;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Gives each distinct UTF-8 byte string a small int id (0, 1, 2, … in order of first sight),
 * without making a String per lookup: the usage reader interns provider, contract and SKU ids
 * straight from its input buffer.
 */
public final class ByteInterner {

    private byte[] arena = new byte[1024];
    private int arenaSize;
    private int[] starts = new int[64];
    private int[] lengths = new int[64];
    private int[] hashes = new int[64];
    private String[] names = new String[64];
    private int size;
    private int[] table = new int[128]; // id + 1, 0 = empty
    private int lastId = -1; // logs repeat the same provider line after line

    public int size() {
        return size;
    }

    /** The id of these bytes, new if not seen before. */
    public int intern(byte[] bytes, int offset, int length) {
        int last = lastId;
        if (last >= 0 && equal(last, bytes, offset, length)) {
            return last;
        }
        int id = internHashed(bytes, offset, length);
        lastId = id;
        return id;
    }

    /** The id in this interner of the bytes of {@code id} in {@code other}. */
    public int intern(ByteInterner other, int id) {
        return intern(other.arena, other.starts[id], other.lengths[id]);
    }

    private int internHashed(byte[] bytes, int offset, int length) {
        int hash = hash(bytes, offset, length);
        int mask = table.length - 1;
        for (int slot = hash & mask; ; slot = (slot + 1) & mask) {
            int entry = table[slot];
            if (entry == 0) {
                int id = add(bytes, offset, length, hash);
                table[slot] = id + 1;
                if (size * 2 > table.length) {
                    rehash();
                }
                return id;
            }
            int id = entry - 1;
            if (hashes[id] == hash && equal(id, bytes, offset, length)) {
                return id;
            }
        }
    }

    public int intern(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return intern(bytes, 0, bytes.length);
    }

    /** The id of these bytes, or -1 when never interned. */
    public int find(byte[] bytes, int offset, int length) {
        int hash = hash(bytes, offset, length);
        int mask = table.length - 1;
        for (int slot = hash & mask; ; slot = (slot + 1) & mask) {
            int entry = table[slot];
            if (entry == 0) {
                return -1;
            }
            int id = entry - 1;
            if (hashes[id] == hash && equal(id, bytes, offset, length)) {
                return id;
            }
        }
    }

    public int find(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return find(bytes, 0, bytes.length);
    }

    /** The text of an id. */
    public String name(int id) {
        String name = names[id];
        if (name == null) {
            name = new String(arena, starts[id], lengths[id], StandardCharsets.UTF_8);
            names[id] = name;
        }
        return name;
    }

    private int add(byte[] bytes, int offset, int length, int hash) {
        if (size == starts.length) {
            int capacity = size * 2;
            starts = Arrays.copyOf(starts, capacity);
            lengths = Arrays.copyOf(lengths, capacity);
            hashes = Arrays.copyOf(hashes, capacity);
            names = Arrays.copyOf(names, capacity);
        }
        if (arenaSize + length > arena.length) {
            arena = Arrays.copyOf(arena, Math.max(arena.length * 2, arenaSize + length));
        }
        System.arraycopy(bytes, offset, arena, arenaSize, length);
        starts[size] = arenaSize;
        lengths[size] = length;
        hashes[size] = hash;
        arenaSize += length;
        return size++;
    }

    private boolean equal(int id, byte[] bytes, int offset, int length) {
        int start = starts[id];
        return lengths[id] == length
                && Arrays.equals(arena, start, start + length, bytes, offset, offset + length);
    }

    private void rehash() {
        table = new int[table.length * 2];
        int mask = table.length - 1;
        for (int id = 0; id < size; id++) {
            int slot = hashes[id] & mask;
            while (table[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            table[slot] = id + 1;
        }
    }

    static int hash(byte[] bytes, int offset, int length) {
        int h = 0x9747b28c;
        for (int i = offset, end = offset + length; i < end; i++) {
            h = (h ^ bytes[i]) * 0x01000193;
        }
        return h ^ (h >>> 15);
    }
}

package org.zhice.voucher.replay;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.zhice.rules.Quantities;
import org.zhice.rules.UsageChecks;
import org.zhice.rules.UsageLog;

/**
 * Streams {@code usage.ndjson} into a {@link UsageLog}: one JSON object a line with
 * {@code event_id, provider_uscc, contract_id, sku, units, quantity, start, end}. A hand-written
 * parser over the raw bytes: strings without escapes are used in place, ids are interned
 * straight from the buffer, quantities and timestamps parsed without allocating. It still
 * checks full JSON syntax, strict UTF-8 in strings, and every field, and names the field of
 * each error. Blank lines are ignored; fields other than the eight are ignored.
 *
 * <p>A large file is cut at line ends into one chunk per processor; chunks are parsed in
 * parallel, each into its own log, and concatenated in file order, so the result (and the order
 * of errors) is the same as reading it in one go. Past {@link Errors#LIMIT} errors, or at a line
 * too long to read, reading stops and the log is incomplete (it is not used then); the errors kept
 * are still the first ones.
 */
final class UsageReader {

    static final String FILE = "usage.ndjson";

    private static final String[] NAMES = {"event_id", "provider_uscc", "contract_id", "sku", "units", "quantity",
        "start", "end"};
    private static final byte[][] NAME_BYTES = new byte[NAMES.length][];
    private static final int EVENT_ID = 0;
    private static final int PROVIDER = 1;
    private static final int CONTRACT = 2;
    private static final int SKU = 3;
    private static final int UNITS = 4;
    private static final int QUANTITY = 5;
    private static final int START = 6;
    private static final int END = 7;
    private static final int MAX_LINE = 1 << 24;
    private static final int MAX_DEPTH = 64;

    static {
        for (int i = 0; i < NAMES.length; i++) {
            NAME_BYTES[i] = NAMES[i].getBytes(StandardCharsets.US_ASCII);
        }
    }

    /** Files smaller than this are read by one thread. */
    private static final long PARALLEL_FROM = 16L << 20;

    /** Where a chunk reads its bytes from: a file (positional reads) or memory. */
    private interface Source {
        int read(byte[] buf, int offset, int length, long position) throws IOException;
    }

    /** An error of a chunk, with its line counted from the chunk's first line. */
    private record LocalError(long line, String column, String message) {
    }

    private final Source source;
    private final long from;
    private final long to;
    private final List<LocalError> errors = new ArrayList<>();
    private long moreErrors;
    /** Whether the chunk stopped before its end at a line too long to read (one thread stops there too). */
    private boolean stopped;
    private long lines;
    private long lineCount;
    private UsageLog.Slice slice;

    // the line being parsed: b[p..] up to the '\n' at or before end
    private byte[] b;
    private int p;
    private int end;
    private int expectedField;
    private final boolean[] seen = new boolean[NAMES.length];
    private final byte[][] valueBuf = new byte[NAMES.length][];
    private final int[] valueOff = new int[NAMES.length];
    private final int[] valueLen = new int[NAMES.length];
    private final boolean[] valueIsNumber = new boolean[NAMES.length];
    private boolean unitsNull;

    private UsageReader(Source source, long from, long to) {
        this.source = source;
        this.from = from;
        this.to = to;
    }

    /**
     * Reads {@code usage.ndjson} of {@code folder}, in parallel chunks split at line ends when it
     * is large; errors go to {@code errors} in file order. Returns {@code null} when unreadable.
     */
    static UsageLog read(Path folder, Errors errors) {
        Path path = folder.resolve(FILE);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            Source source = (buf, offset, length, position) -> {
                ByteBuffer target = ByteBuffer.wrap(buf, offset, length);
                int total = 0;
                while (target.hasRemaining()) {
                    int read = channel.read(target, position + total);
                    if (read < 0) {
                        break;
                    }
                    total += read;
                }
                return total;
            };
            int threads = size < PARALLEL_FROM ? 1 : Math.min(8, Runtime.getRuntime().availableProcessors());
            return read(source, size, threads, errors);
        } catch (NoSuchFileException e) {
            errors.add(FILE, 1, "-", "file not found");
            return null;
        } catch (IOException e) {
            errors.add(FILE, 1, "-", "cannot read: " + e.getMessage());
            return null;
        }
    }

    /** Parses NDJSON given in memory (tests), with {@code threads} chunks. */
    static UsageLog read(byte[] content, int threads, Errors errors) {
        Source source = (buf, offset, length, position) -> {
            int n = (int) Math.max(0, Math.min(length, content.length - position));
            System.arraycopy(content, (int) position, buf, offset, n);
            return n;
        };
        try {
            return read(source, content.length, threads, errors);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static UsageLog read(Source source, long size, int threads, Errors errors) throws IOException {
        long start = startAfterBom(source, size);
        List<Long> cuts = new ArrayList<>();
        cuts.add(start);
        for (int k = 1; k < threads; k++) {
            long cut = nextLineStart(source, Math.max(start, size * k / threads), size);
            if (cut > cuts.get(cuts.size() - 1) && cut < size) {
                cuts.add(cut);
            }
        }
        cuts.add(size);
        List<UsageReader> chunks = new ArrayList<>();
        for (int k = 0; k + 1 < cuts.size(); k++) {
            chunks.add(new UsageReader(source, cuts.get(k), cuts.get(k + 1)));
        }
        // count lines first, so that every chunk can fill its own slots of one log
        inParallel(chunks, UsageReader::countLines);
        long slots = 0;
        for (UsageReader chunk : chunks) {
            slots += chunk.lineCount;
        }
        if (slots > Integer.MAX_VALUE - 16) {
            errors.add(FILE, Integer.MAX_VALUE, "-", "more than 2^31 lines");
            return null;
        }
        UsageLog log = UsageLog.withSlots((int) slots);
        int base = 0;
        for (UsageReader chunk : chunks) {
            chunk.slice = log.slice(base, base + (int) chunk.lineCount);
            base += (int) chunk.lineCount;
        }
        inParallel(chunks, UsageReader::parse);
        long lineBase = 0;
        // one thread stops reading at its LIMIT-th error or at a line too long to read: keep the errors
        // up to that point and drop what later chunks found past it, so the errors (and the count of
        // more) are the same whatever the number of chunks
        int budget = Errors.LIMIT;
        List<UsageLog.Slice> slices = new ArrayList<>();
        for (UsageReader chunk : chunks) {
            long lastLine = -1;
            boolean whole = true;
            for (LocalError error : chunk.errors) {
                if (budget == 0) {
                    // one thread finishes the line of its last error, counting what else it finds there
                    if (error.line != lastLine) {
                        whole = false;
                        break;
                    }
                    errors.more(1);
                    continue;
                }
                budget--;
                lastLine = error.line;
                errors.add(FILE, lineBase + error.line, error.column, error.message);
            }
            if (whole) {
                errors.more(chunk.moreErrors);
            }
            if (chunk.stopped) {
                budget = 0;
            }
            lineBase += chunk.lineCount; // all its lines, even if it stopped early at the error limit
            slices.add(chunk.slice);
            chunk.slice = null;
        }
        log.seal(slices);
        return log;
    }

    private interface ChunkWork {
        void run(UsageReader chunk) throws IOException;
    }

    /** Runs the work on every chunk, one thread a chunk (in the caller when there is one). */
    private static void inParallel(List<UsageReader> chunks, ChunkWork work) throws IOException {
        if (chunks.size() == 1) {
            work.run(chunks.get(0));
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(chunks.size(), runnable -> {
            Thread thread = new Thread(runnable, "usage-reader");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<?>> done = new ArrayList<>();
            for (UsageReader chunk : chunks) {
                done.add(pool.submit(() -> {
                    work.run(chunk);
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading " + FILE, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Lines of the chunk: its '\n's, and one more for a last line without one. */
    private void countLines() throws IOException {
        byte[] buf = new byte[1 << 20];
        long count = 0;
        byte last = '\n';
        for (long at = from; at < to; ) {
            int n = source.read(buf, 0, (int) Math.min(buf.length, to - at), at);
            if (n <= 0) {
                break;
            }
            count += Swar.count(buf, 0, n, (byte) '\n');
            last = buf[n - 1];
            at += n;
        }
        lineCount = last == '\n' ? count : count + 1;
    }

    private static long startAfterBom(Source source, long size) throws IOException {
        byte[] head = new byte[3];
        int n = source.read(head, 0, 3, 0);
        return n == 3 && (head[0] & 0xFF) == 0xEF && (head[1] & 0xFF) == 0xBB && (head[2] & 0xFF) == 0xBF ? 3 : 0;
    }

    /** The position just after the first '\n' at or after {@code position} (or the end). */
    private static long nextLineStart(Source source, long position, long size) throws IOException {
        byte[] window = new byte[1 << 16];
        long at = position;
        while (at < size) {
            int n = source.read(window, 0, window.length, at);
            if (n <= 0) {
                break;
            }
            for (int i = 0; i < n; i++) {
                if (window[i] == '\n') {
                    return at + i + 1;
                }
            }
            at += n;
        }
        return size;
    }

    // ------------------------------------------------------------------ a chunk

    private void parse() throws IOException {
        byte[] buf = new byte[1 << 22];
        long position = from;
        int filled = 0;
        int pos = 0;
        while (errors.size() < Errors.LIMIT) {
            int lastNewline = lastIndexOfNewline(buf, pos, filled);
            if (lastNewline < 0) {
                // no complete line in the buffer: read more, or finish the last line
                int rest = filled - pos;
                if (position >= to) {
                    if (rest > 0) {
                        if (filled == buf.length) {
                            buf = Arrays.copyOf(buf, buf.length + 1);
                        }
                        buf[filled] = '\n';
                        lines(buf, pos, filled);
                    }
                    break;
                }
                if (rest == buf.length) {
                    if (buf.length >= MAX_LINE) {
                        error(lines + 1, "-", "line longer than " + MAX_LINE + " bytes");
                        stopped = true;
                        break;
                    }
                    buf = Arrays.copyOf(buf, buf.length * 2);
                } else if (pos > 0) {
                    System.arraycopy(buf, pos, buf, 0, rest);
                }
                pos = 0;
                int want = (int) Math.min(buf.length - rest, to - position);
                int read = source.read(buf, rest, want, position);
                if (read <= 0) {
                    position = to;
                } else {
                    position += read;
                }
                filled = rest + read;
                continue;
            }
            lines(buf, pos, lastNewline);
            pos = lastNewline + 1;
        }
        b = null;
    }

    private static int lastIndexOfNewline(byte[] buf, int from, int to) {
        for (int i = to - 1; i >= from; i--) {
            if (buf[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Parses the complete lines of {@code buf[from, last]}, where {@code buf[last]} is '\n'. */
    private void lines(byte[] buf, int from, int last) {
        b = buf;
        end = last + 1;
        p = from;
        while (p <= last && errors.size() < Errors.LIMIT) {
            lines++;
            skipWhitespace();
            if (b[p] == '\n') {
                p++;
                continue; // a blank line
            }
            int lineStart = p;
            try {
                object();
                event();
                p++; // past the '\n' that object() stopped at
            } catch (Bad bad) {
                error(lines, bad.column, bad.getMessage());
                p = lineStart;
                while (b[p] != '\n') {
                    p++;
                }
                p++;
            }
        }
    }

    private void error(long line, String column, String message) {
        if (errors.size() < Errors.LIMIT) {
            errors.add(new LocalError(line, column, message));
        } else {
            moreErrors++;
        }
    }

    private void object() {
        Arrays.fill(seen, false);
        unitsNull = false;
        expectedField = 0;
        expect('{', "-", "a line must hold one JSON object");
        skipWhitespace();
        if (b[p] == '}') {
            p++;
        } else {
            while (true) {
                if (b[p] != '"') {
                    throw new Bad("-", "expected a field name in double quotes");
                }
                int field = fieldName();
                String column = field >= 0 ? NAMES[field] : "-";
                skipWhitespace();
                expect(':', column, "expected ':' after the field name");
                skipWhitespace();
                if (field < 0) {
                    skipValue(0);
                } else {
                    if (seen[field]) {
                        throw new Bad(column, "field appears twice");
                    }
                    seen[field] = true;
                    value(field);
                }
                skipWhitespace();
                if (b[p] == ',') {
                    p++;
                    skipWhitespace();
                    continue;
                }
                if (b[p] == '}') {
                    p++;
                    break;
                }
                throw new Bad(column, "expected ',' or '}' after the value");
            }
        }
        skipWhitespace();
        if (b[p] != '\n') {
            throw new Bad("-", "text after the JSON object");
        }
    }

    /**
     * Reads a quoted field name; its index among the eight, or -1. Tries the field that usually
     * comes next first, so a line in the usual order costs one comparison a field.
     */
    private int fieldName() {
        string(-1);
        int guess = expectedField;
        if (guess < NAMES.length && isName(guess)) {
            expectedField = guess + 1;
            return guess;
        }
        for (int i = 0; i < NAMES.length; i++) {
            if (isName(i)) {
                expectedField = i + 1;
                return i;
            }
        }
        return -1;
    }

    private boolean isName(int field) {
        byte[] name = NAME_BYTES[field];
        if (name.length != stringLen) {
            return false;
        }
        for (int i = 0; i < name.length; i++) {
            if (stringBuf[stringOff + i] != name[i]) {
                return false;
            }
        }
        return true;
    }

    private void value(int field) {
        String column = NAMES[field];
        byte c = p < end ? b[p] : 0;
        if (field == UNITS) {
            if (c == 'n') {
                literal("null", column);
                unitsNull = true;
                return;
            }
            if (c == '"') {
                string(field);
                keep(field, false);
                return;
            }
            number(column);
            keep(field, true);
            return;
        }
        if (c == '"') {
            string(field);
            keep(field, false);
            return;
        }
        if (field == QUANTITY && (c == '-' || (c >= '0' && c <= '9'))) {
            number(column);
            keep(field, true);
            return;
        }
        throw new Bad(column, field == QUANTITY ? "must be a decimal string" : "must be a string");
    }

    // the last string or number read
    private byte[] stringBuf;
    private int stringOff;
    private int stringLen;

    private void keep(int field, boolean number) {
        valueBuf[field] = stringBuf;
        valueOff[field] = stringOff;
        valueLen[field] = stringLen;
        valueIsNumber[field] = number;
    }

    /** A JSON string at {@code p}; sets stringBuf/Off/Len to its UTF-8 content. */
    private void string(int field) {
        String column = field >= 0 ? NAMES[field] : "-";
        p++; // opening quote
        int start = p;
        p = Swar.skipPlainAscii(b, p, end); // to the first '"', '\\', control or non-ASCII byte
        boolean ascii = true;
        while (true) {
            if (p >= end) {
                throw new Bad(column, "a string is never closed");
            }
            byte c = b[p];
            if (c == '"') {
                break;
            }
            if (c == '\\') {
                escapedString(start, field, column);
                return;
            }
            if (c >= 0 && c < 0x20) {
                throw new Bad(column, "a control character inside a string");
            }
            if (c < 0) {
                ascii = false;
            }
            p++;
        }
        if (!ascii && !validUtf8(b, start, p)) {
            throw new Bad(column, "not valid UTF-8");
        }
        stringBuf = b;
        stringOff = start;
        stringLen = p - start;
        p++; // closing quote
    }

    private void escapedString(int start, int field, String column) {
        if (!validUtf8(b, start, p)) {
            throw new Bad(column, "not valid UTF-8");
        }
        StringBuilder text = new StringBuilder(new String(b, start, p - start, StandardCharsets.UTF_8));
        int chunk = p;
        while (true) {
            if (p >= end) {
                throw new Bad(column, "a string is never closed");
            }
            byte c = b[p];
            if (c == '"') {
                break;
            }
            if (c >= 0 && c < 0x20) {
                throw new Bad(column, "a control character inside a string");
            }
            if (c != '\\') {
                p++;
                continue;
            }
            if (!validUtf8(b, chunk, p)) {
                throw new Bad(column, "not valid UTF-8");
            }
            text.append(new String(b, chunk, p - chunk, StandardCharsets.UTF_8));
            if (p + 1 >= end) {
                throw new Bad(column, "a string is never closed");
            }
            byte e = b[p + 1];
            p += 2;
            switch (e) {
                case '"' -> text.append('"');
                case '\\' -> text.append('\\');
                case '/' -> text.append('/');
                case 'b' -> text.append('\b');
                case 'f' -> text.append('\f');
                case 'n' -> text.append('\n');
                case 'r' -> text.append('\r');
                case 't' -> text.append('\t');
                case 'u' -> {
                    if (p + 4 > end) {
                        throw new Bad(column, "a bad \\u escape");
                    }
                    int code = 0;
                    for (int i = 0; i < 4; i++) {
                        int d = Character.digit(b[p + i], 16);
                        if (d < 0) {
                            throw new Bad(column, "a bad \\u escape");
                        }
                        code = code * 16 + d;
                    }
                    p += 4;
                    text.append((char) code);
                }
                default -> throw new Bad(column, "a bad escape \\" + (char) e);
            }
            chunk = p;
        }
        if (!validUtf8(b, chunk, p)) {
            throw new Bad(column, "not valid UTF-8");
        }
        text.append(new String(b, chunk, p - chunk, StandardCharsets.UTF_8));
        p++; // closing quote
        String value = text.toString();
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (Character.isHighSurrogate(ch) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(ch)) {
                throw new Bad(column, "a lone surrogate in a \\u escape");
            }
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        stringBuf = bytes;
        stringOff = 0;
        stringLen = bytes.length;
    }

    /** A JSON number at {@code p}; sets stringBuf/Off/Len to its text. */
    private void number(String column) {
        int start = p;
        if (p < end && b[p] == '-') {
            p++;
        }
        int digits = digitsFrom();
        if (digits == 0 || (digits > 1 && b[p - digits] == '0')) {
            throw new Bad(column, "not a JSON number");
        }
        if (p < end && b[p] == '.') {
            p++;
            if (digitsFrom() == 0) {
                throw new Bad(column, "not a JSON number");
            }
        }
        if (p < end && (b[p] == 'e' || b[p] == 'E')) {
            p++;
            if (p < end && (b[p] == '+' || b[p] == '-')) {
                p++;
            }
            if (digitsFrom() == 0) {
                throw new Bad(column, "not a JSON number");
            }
        }
        stringBuf = b;
        stringOff = start;
        stringLen = p - start;
    }

    private int digitsFrom() {
        int start = p;
        while (p < end && b[p] >= '0' && b[p] <= '9') {
            p++;
        }
        return p - start;
    }

    private void literal(String word, String column) {
        for (int i = 0; i < word.length(); i++) {
            if (p + i >= end || b[p + i] != word.charAt(i)) {
                throw new Bad(column, "not a JSON value");
            }
        }
        p += word.length();
    }

    /** Skips any JSON value (of a field we do not use), checking its syntax. */
    private void skipValue(int depth) {
        if (depth > MAX_DEPTH) {
            throw new Bad("-", "JSON nested too deeply");
        }
        if (p >= end) {
            throw new Bad("-", "expected a JSON value");
        }
        byte c = b[p];
        switch (c) {
            case '"' -> string(-1);
            case 't' -> literal("true", "-");
            case 'f' -> literal("false", "-");
            case 'n' -> literal("null", "-");
            case '{' -> {
                p++;
                skipWhitespace();
                if (p < end && b[p] == '}') {
                    p++;
                    return;
                }
                while (true) {
                    if (p >= end || b[p] != '"') {
                        throw new Bad("-", "expected a field name in double quotes");
                    }
                    string(-1);
                    skipWhitespace();
                    expect(':', "-", "expected ':' after the field name");
                    skipWhitespace();
                    skipValue(depth + 1);
                    skipWhitespace();
                    if (p < end && b[p] == ',') {
                        p++;
                        skipWhitespace();
                        continue;
                    }
                    expect('}', "-", "expected ',' or '}'");
                    return;
                }
            }
            case '[' -> {
                p++;
                skipWhitespace();
                if (p < end && b[p] == ']') {
                    p++;
                    return;
                }
                while (true) {
                    skipValue(depth + 1);
                    skipWhitespace();
                    if (p < end && b[p] == ',') {
                        p++;
                        skipWhitespace();
                        continue;
                    }
                    expect(']', "-", "expected ',' or ']'");
                    return;
                }
            }
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    number("-");
                } else {
                    throw new Bad("-", "not a JSON value");
                }
            }
        }
    }

    private void expect(char c, String column, String message) {
        if (p >= end || b[p] != c) {
            throw new Bad(column, message);
        }
        p++;
    }

    /** Skips blanks within the line; never the '\n' that ends it. */
    private void skipWhitespace() {
        while (true) {
            byte c = b[p];
            if (c == ' ' || c == '\t' || c == '\r') {
                p++;
            } else {
                break;
            }
        }
    }

    // ------------------------------------------------------------------ the event

    private void event() {
        for (int f : new int[] {EVENT_ID, PROVIDER, CONTRACT, SKU, QUANTITY, START, END}) {
            if (!seen[f]) {
                throw new Bad(NAMES[f], "missing field");
            }
            if (valueLen[f] == 0) {
                throw new Bad(NAMES[f], "must not be empty");
            }
        }
        int units = units();
        long quantity = quantity();
        long start = timestamp(START);
        long finish = timestamp(END);
        int provider = slice.providers().intern(valueBuf[PROVIDER], valueOff[PROVIDER], valueLen[PROVIDER]);
        int contract = slice.contracts().intern(valueBuf[CONTRACT], valueOff[CONTRACT], valueLen[CONTRACT]);
        int sku = slice.skus().intern(valueBuf[SKU], valueOff[SKU], valueLen[SKU]);
        slice.add(valueBuf[EVENT_ID], valueOff[EVENT_ID], valueLen[EVENT_ID], provider, contract, sku, units,
                quantity, start, finish);
    }

    private int units() {
        if (!seen[UNITS] || unitsNull) {
            return UsageChecks.NO_UNITS;
        }
        byte[] buf = valueBuf[UNITS];
        int off = valueOff[UNITS];
        int len = valueLen[UNITS];
        if (len == 0 || len > 10) {
            throw new Bad("units", len == 0 ? "must be a whole number" : "too large");
        }
        long value = 0;
        for (int i = off; i < off + len; i++) {
            int d = buf[i] - '0';
            if (d < 0 || d > 9) {
                throw new Bad("units", "must be a whole number of GPUs, not negative: "
                        + new String(buf, off, len, StandardCharsets.UTF_8));
            }
            value = value * 10 + d;
        }
        if (value > Integer.MAX_VALUE) {
            throw new Bad("units", "too large");
        }
        return (int) value;
    }

    private long quantity() {
        byte[] buf = valueBuf[QUANTITY];
        int off = valueOff[QUANTITY];
        int len = valueLen[QUANTITY];
        long fast = fastMicros(buf, off, len);
        if (fast != Long.MIN_VALUE) {
            return fast;
        }
        String text = new String(buf, off, len, StandardCharsets.UTF_8);
        if (valueIsNumber[QUANTITY] && (text.indexOf('e') >= 0 || text.indexOf('E') >= 0)) {
            try {
                return Quantities.exponentMicros(text);
            } catch (NumberFormatException | ArithmeticException e) {
                String shown = text.length() > Quantities.MAX_EXPONENT_CHARS ? text.substring(0, 60) + "..." : text;
                throw new Bad("quantity", e.getMessage() + ": " + shown);
            }
        }
        try {
            return Quantities.parseMicros(text);
        } catch (NumberFormatException e) {
            throw new Bad("quantity", e.getMessage());
        }
    }

    /** {@code -?d{1,12}(.d{1,6})?} in micros, or Long.MIN_VALUE for anything else. */
    private static long fastMicros(byte[] buf, int off, int len) {
        int i = off;
        int to = off + len;
        boolean negative = i < to && buf[i] == '-';
        if (negative) {
            i++;
        }
        long whole = 0;
        int digits = 0;
        while (i < to && buf[i] >= '0' && buf[i] <= '9') {
            whole = whole * 10 + (buf[i] - '0');
            i++;
            if (++digits > 12) {
                return Long.MIN_VALUE;
            }
        }
        if (digits == 0) {
            return Long.MIN_VALUE;
        }
        long fraction = 0;
        int places = 0;
        if (i < to && buf[i] == '.') {
            i++;
            while (i < to && buf[i] >= '0' && buf[i] <= '9') {
                fraction = fraction * 10 + (buf[i] - '0');
                i++;
                if (++places > 6) {
                    return Long.MIN_VALUE;
                }
            }
            if (places == 0) {
                return Long.MIN_VALUE;
            }
        }
        if (i != to) {
            return Long.MIN_VALUE;
        }
        for (; places < 6; places++) {
            fraction *= 10;
        }
        long micros = whole * Quantities.MICROS_PER_UNIT + fraction;
        return negative ? -micros : micros;
    }

    private long timestamp(int field) {
        long nanos = Timestamps.nanos(valueBuf[field], valueOff[field], valueLen[field]);
        if (nanos == Timestamps.INVALID || valueIsNumber[field]) {
            throw new Bad(NAMES[field], "not an ISO-8601 timestamp with offset (1678–2261): "
                    + new String(valueBuf[field], valueOff[field], valueLen[field], StandardCharsets.UTF_8));
        }
        return nanos;
    }

    // ------------------------------------------------------------------ helpers

    /** Strict UTF-8 (no overlongs, no surrogates, at most U+10FFFF). */
    static boolean validUtf8(byte[] b, int from, int to) {
        int i = from;
        while (i < to) {
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                i++;
                continue;
            }
            int need;
            int min;
            if (c >= 0xC2 && c <= 0xDF) {
                need = 1;
                min = 0x80;
            } else if (c >= 0xE0 && c <= 0xEF) {
                need = 2;
                min = 0x800;
            } else if (c >= 0xF0 && c <= 0xF4) {
                need = 3;
                min = 0x10000;
            } else {
                return false;
            }
            if (i + need >= to) {
                return false;
            }
            int code = c & (0x3F >> need);
            for (int k = 1; k <= need; k++) {
                int cc = b[i + k] & 0xFF;
                if ((cc & 0xC0) != 0x80) {
                    return false;
                }
                code = (code << 6) | (cc & 0x3F);
            }
            if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
                return false;
            }
            i += need + 1;
        }
        return true;
    }

    /** A bad line: the field (or {@code -}) and what is wrong. Cheap: no stack trace. */
    private static final class Bad extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String column;

        Bad(String column, String message) {
            super(message, null, false, false);
            this.column = column;
        }
    }
}

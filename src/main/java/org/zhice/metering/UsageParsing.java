package org.zhice.metering;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;
import org.zhice.rules.Quantities;
import org.zhice.rules.ShanghaiTime;
import org.zhice.rules.UsageChecks;

/**
 * Reads an upload into a {@link UsageBatch}: NDJSON (spec §2 {@code usage.ndjson}, one object a
 * line, read line by line so that a bad line is named and the others still read: a line of the
 * common shape straight from its bytes, any other with Jackson's streaming parser), CSV with the
 * same fields as columns, or {@link UsageLine}s. A line that is
 * not a well-formed event becomes a {@link LineProblem} naming the line and the field; a body that
 * cannot be usage at all throws {@link BodyException}.
 *
 * <p>Fields: {@code event_id, provider_uscc, contract_id, sku, quantity, start, end} required;
 * {@code units} a whole number (or absent / null / empty); {@code adjusts} optional. In JSON,
 * other fields are ignored (as replay does); in CSV an unknown column is an error of the header.
 */
final class UsageParsing {

    static final String[] REQUIRED = {"event_id", "provider_uscc", "contract_id", "sku", "quantity", "start", "end"};
    static final String[] OPTIONAL = {"units", "adjusts"};
    static final int MAX_EVENT_ID = 200;
    static final int MAX_CODE = 64;

    /** Duplicate names are found by {@link Fields#see} for the fields that matter, without Jackson's detector. */
    private static final JsonFactory JSON = JsonFactory.builder().build();

    private UsageParsing() {
    }

    // ------------------------------------------------------------------ NDJSON

    static UsageBatch ndjson(byte[] body, int maxLines) {
        return ndjson(body, maxLines, true);
    }

    /**
     * {@code fastPath} false: every line through Jackson, as before the fast path (kept so that a
     * test can compare the two on any body).
     */
    static UsageBatch ndjson(byte[] body, int maxLines, boolean fastPath) {
        int length = body.length;
        int from = startAfterBom(body);
        int first = from;
        while (first < length && (isSpace(body[first]) || body[first] == '\n')) {
            first++;
        }
        if (first == length) {
            throw new BodyException("metering.body.empty");
        }
        if (body[first] == '[') {
            throw new BodyException("metering.body.array");
        }
        if (notUtf8Start(body, from)) {
            throw new BodyException("metering.body.encoding");
        }
        if (fastPath) {
            return lineByLine(body, from, maxLines, true); // counts its lines as it goes: the same error
        }
        int lines = 0;
        for (int i = from; i < length; i++) {
            if (body[i] == '\n') {
                lines++;
            }
        }
        if (length > from && body[length - 1] != '\n') {
            lines++;
        }
        if (lines > maxLines) {
            throw new BodyException("metering.body.tooManyLines", maxLines);
        }
        UsageBatch fast = inOnePass(from == 0 ? body : Arrays.copyOfRange(body, from, length), lines);
        if (fast != null) {
            return fast;
        }
        return lineByLine(body, from, maxLines, false);
    }

    /**
     * Each line on its own: by {@link #fastLine} when it has the common shape, else (and always
     * when {@code fast} is false) by Jackson, which names what is wrong.
     */
    private static UsageBatch lineByLine(byte[] body, int from, int maxLines, boolean fast) {
        int length = body.length;
        UsageBatch batch = new UsageBatch();
        Fields fields = new Fields();
        int lineNo = 0;
        int p = from;
        while (p < length) {
            lineNo++;
            if (lineNo > maxLines) {
                throw new BodyException("metering.body.tooManyLines", maxLines);
            }
            int q = p;
            while (q < length && isSpace(body[q])) {
                q++;
            }
            if (fast && q < length && body[q] == '{') {
                int read = fastLine(batch, fields, body, q, lineNo);
                if (read >= 0) {
                    p = read + 1;
                    continue;
                }
            }
            int end = q;
            while (end < length && body[end] != '\n') {
                end++;
            }
            int to = end;
            if (to > p && body[to - 1] == '\r') {
                to--;
            }
            if (q >= to) {
                batch.blank(lineNo);
            } else {
                jsonLine(batch, fields, body, p, to - p, lineNo);
            }
            p = end + 1;
        }
        return batch;
    }

    private static int startAfterBom(byte[] body) {
        return body.length >= 3 && (body[0] & 0xFF) == 0xEF && (body[1] & 0xFF) == 0xBB && (body[2] & 0xFF) == 0xBF
                ? 3 : 0;
    }

    /**
     * A UTF-16 or UTF-32 body: a byte-order mark, or a zero byte among the first four (which
     * Jackson would take as a sign of UTF-16/32 and decode, where spec §2 says UTF-8).
     */
    private static boolean notUtf8Start(byte[] body, int from) {
        if (body.length - from >= 2 && ((body[from] & 0xFF) == 0xFF && (body[from + 1] & 0xFF) == 0xFE
                || (body[from] & 0xFF) == 0xFE && (body[from + 1] & 0xFF) == 0xFF)) {
            return true;
        }
        for (int i = from; i < Math.min(body.length, from + 4); i++) {
            if (body[i] == 0) {
                return true;
            }
        }
        return false;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\r';
    }

    /** The values of one line, as text; {@code null} when absent. */
    private static final class Fields {
        String eventId;
        String provider;
        String contract;
        String sku;
        String units;
        String quantity;
        boolean quantityIsNumber;
        String start;
        String end;
        String adjusts;
        String notString;
        String duplicate;
        int seen;
        /** Provider, contract and SKU codes repeat on many lines: one String each per upload. */
        final Codes codes = new Codes();
        /** The fast path's fields: where each value is, its length and kind (0 when absent). */
        final int[] off = new int[KEYS.length];
        final int[] len = new int[KEYS.length];
        final int[] kind = new int[KEYS.length];
        final Ascii view = new Ascii();

        void clear() {
            eventId = provider = contract = sku = units = quantity = start = end = adjusts = notString = null;
            duplicate = null;
            quantityIsNumber = false;
            seen = 0;
        }

        /** Notes field {@code bit}; a second time is a duplicate name. */
        void see(int bit, String name) {
            if ((seen & bit) != 0 && duplicate == null) {
                duplicate = name;
            }
            seen |= bit;
        }
    }

    /**
     * The well-formed case in one parser over the whole body: every line one object, or blank.
     * Returns {@code null} at the first thing that is not so (a syntax error, two objects on a
     * line, an object over two lines, something not an object), and the body is read again line
     * by line, which names each bad line.
     */
    private static UsageBatch inOnePass(byte[] body, int lines) {
        UsageBatch batch = new UsageBatch();
        Fields f = new Fields();
        int cursor = 0;
        int line = 1;
        int lastLine = 0;
        try (JsonParser parser = JSON.createParser(ObjectReadContext.empty(), body)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                if (token != JsonToken.START_OBJECT) {
                    return null;
                }
                int start = (int) parser.currentTokenLocation().getByteOffset();
                for (; cursor < start; cursor++) {
                    if (body[cursor] == '\n') {
                        line++;
                    }
                }
                if (line == lastLine) {
                    return null;
                }
                f.clear();
                if (fields(parser, f) != JsonToken.END_OBJECT) {
                    return null;
                }
                int end = (int) parser.currentTokenLocation().getByteOffset();
                for (; cursor < end; cursor++) {
                    if (body[cursor] == '\n') {
                        return null;
                    }
                }
                lastLine = line;
                if (f.duplicate != null) {
                    batch.problem(LineProblem.invalid(line, shownId(f.eventId), f.duplicate,
                            "metering.problem.duplicateField", f.duplicate));
                } else if (f.notString != null) {
                    batch.problem(LineProblem.invalid(line, shownId(f.eventId), f.notString, "metering.problem.string",
                            f.notString));
                } else {
                    event(batch, line, f.eventId, f.provider, f.contract, f.sku, f.units, f.quantity,
                            f.quantityIsNumber, f.start, f.end, f.adjusts);
                }
            }
        } catch (JacksonException e) {
            return null;
        }
        batch.blank(lines);
        return batch;
    }

    /**
     * Reads the properties of an object whose START_OBJECT was read; returns the token that ended
     * them. A field named twice is noted in {@link Fields#duplicate} (cheaper than Jackson's detector).
     */
    private static JsonToken fields(JsonParser parser, Fields f) {
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.PROPERTY_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (name) {
                case "event_id" -> {
                    f.see(1, name);
                    f.eventId = string(f, name, parser, value);
                }
                case "provider_uscc" -> {
                    f.see(2, name);
                    f.provider = code(f, name, parser, value);
                }
                case "contract_id" -> {
                    f.see(4, name);
                    f.contract = code(f, name, parser, value);
                }
                case "sku" -> {
                    f.see(8, name);
                    f.sku = code(f, name, parser, value);
                }
                case "start" -> {
                    f.see(16, name);
                    f.start = string(f, name, parser, value);
                }
                case "end" -> {
                    f.see(32, name);
                    f.end = string(f, name, parser, value);
                }
                case "units" -> {
                    f.see(64, name);
                    if (value == JsonToken.VALUE_NUMBER_INT || value == JsonToken.VALUE_STRING
                            || value == JsonToken.VALUE_NUMBER_FLOAT) {
                        f.units = parser.getString();
                    } else if (value != JsonToken.VALUE_NULL) {
                        f.units = "?";
                        parser.skipChildren();
                    }
                }
                case "quantity" -> {
                    f.see(128, name);
                    if (value == JsonToken.VALUE_STRING) {
                        f.quantity = parser.getString();
                    } else if (value == JsonToken.VALUE_NUMBER_INT || value == JsonToken.VALUE_NUMBER_FLOAT) {
                        f.quantity = parser.getString();
                        f.quantityIsNumber = true;
                    } else {
                        f.notString = f.notString == null ? name : f.notString;
                        parser.skipChildren();
                    }
                }
                case "adjusts" -> {
                    f.see(256, name);
                    if (value != JsonToken.VALUE_NULL) {
                        f.adjusts = string(f, name, parser, value);
                    }
                }
                default -> parser.skipChildren();
            }
        }
        return token;
    }

    // ------------------------------------------------------------------ NDJSON, the common shape

    private static final byte[][] KEYS = {
            ascii("event_id"), ascii("provider_uscc"), ascii("contract_id"), ascii("sku"), ascii("start"),
            ascii("end"), ascii("units"), ascii("quantity"), ascii("adjusts")};

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static final int STRING = 1;
    private static final int NUMBER = 2;
    private static final int NULL = 3;
    private static final int K_EVENT_ID = 0;
    private static final int K_PROVIDER = 1;
    private static final int K_CONTRACT = 2;
    private static final int K_SKU = 3;
    private static final int K_START = 4;
    private static final int K_END = 5;
    private static final int K_UNITS = 6;
    private static final int K_QUANTITY = 7;
    private static final int K_ADJUSTS = 8;

    /**
     * Reads a line of the common shape without Jackson: one flat object whose names are the known
     * fields, each at most once, without escapes; string values of printable ASCII without
     * escapes; numbers {@code -?(0|[1-9][0-9]*)(.[0-9]+)?} for {@code quantity} and {@code units};
     * {@code null} for {@code units} and {@code adjusts}; blanks where JSON allows them. Such a
     * line gives Jackson's path the same values, so the event or problem is the same
     * ({@code UsageParsingFastPathProperties}). An event whose every field is fine is added
     * straight from the bytes; any other goes through {@link #event} with the values as Strings.
     *
     * @param p the line's first byte that is not a blank
     * @return the end of the line (its {@code \n}, or the body's end) when read; -1, having added
     *         nothing, at anything else (escapes, other bytes, unknown or repeated names, nesting,
     *         other numbers, syntax errors, a line break inside), and the line goes to Jackson
     */
    private static int fastLine(UsageBatch batch, Fields f, byte[] b, int p, int lineNo) {
        int to = b.length;
        if (b[p] != '{') {
            return -1;
        }
        int[] off = f.off;
        int[] len = f.len;
        int[] kind = f.kind;
        Arrays.fill(kind, 0);
        p = skipSpaces(b, p + 1, to);
        if (p >= to || b[p] == '}') {
            return -1;
        }
        while (true) {
            if (b[p] != '"') {
                return -1;
            }
            int nameStart = ++p;
            while (p < to && b[p] != '"' && b[p] != '\\' && b[p] != '\n') {
                p++;
            }
            if (p >= to || b[p] != '"') {
                return -1;
            }
            int key = key(b, nameStart, p - nameStart);
            if (key < 0 || kind[key] != 0) {
                return -1;
            }
            p = skipSpaces(b, p + 1, to);
            if (p >= to || b[p] != ':') {
                return -1;
            }
            p = skipSpaces(b, p + 1, to);
            if (p >= to) {
                return -1;
            }
            byte c = b[p];
            if (c == '"') {
                int valueStart = ++p;
                while (p < to) {
                    byte v = b[p];
                    if (v == '"' || v < 0x20 || v > 0x7E || v == '\\') {
                        break;
                    }
                    p++;
                }
                if (p >= to || b[p] != '"') {
                    return -1;
                }
                off[key] = valueStart;
                len[key] = p - valueStart;
                kind[key] = STRING;
                p++;
            } else if (c == '-' || (c >= '0' && c <= '9')) {
                if (key != K_UNITS && key != K_QUANTITY) {
                    return -1;
                }
                int valueStart = p;
                if (c == '-') {
                    p++;
                }
                if (p >= to || b[p] < '0' || b[p] > '9') {
                    return -1;
                }
                if (b[p] == '0') {
                    p++;
                    if (p < to && b[p] >= '0' && b[p] <= '9') {
                        return -1;
                    }
                } else {
                    while (p < to && b[p] >= '0' && b[p] <= '9') {
                        p++;
                    }
                }
                if (p < to && b[p] == '.') {
                    p++;
                    int digits = p;
                    while (p < to && b[p] >= '0' && b[p] <= '9') {
                        p++;
                    }
                    if (p == digits) {
                        return -1;
                    }
                }
                if (p < to && b[p] != ',' && b[p] != '}' && !isSpace(b[p])) {
                    return -1;
                }
                off[key] = valueStart;
                len[key] = p - valueStart;
                kind[key] = NUMBER;
            } else if (c == 'n') {
                if (key != K_UNITS && key != K_ADJUSTS || to - p < 4 || b[p + 1] != 'u' || b[p + 2] != 'l'
                        || b[p + 3] != 'l') {
                    return -1;
                }
                p += 4;
                if (p < to && b[p] != ',' && b[p] != '}' && !isSpace(b[p])) {
                    return -1;
                }
                kind[key] = NULL;
            } else {
                return -1;
            }
            p = skipSpaces(b, p, to);
            if (p >= to) {
                return -1;
            }
            if (b[p] == '}') {
                p = skipSpaces(b, p + 1, to);
                if (p < to && b[p] != '\n') {
                    return -1;
                }
                break;
            }
            if (b[p] != ',') {
                return -1;
            }
            p = skipSpaces(b, p + 1, to);
            if (p >= to) {
                return -1;
            }
        }
        if (!fastEvent(batch, f, b, lineNo)) {
            event(batch, lineNo, text(f, b, K_EVENT_ID), code(f, b, K_PROVIDER), code(f, b, K_CONTRACT),
                    code(f, b, K_SKU), text(f, b, K_UNITS), text(f, b, K_QUANTITY), kind[K_QUANTITY] == NUMBER,
                    text(f, b, K_START), text(f, b, K_END), text(f, b, K_ADJUSTS));
        }
        return p;
    }

    /**
     * Adds the event of a line read by {@link #fastLine} when every field passes the checks of
     * {@link #event} (which would then add the same); {@code false}, having added nothing, otherwise.
     */
    private static boolean fastEvent(UsageBatch batch, Fields f, byte[] b, int lineNo) {
        int[] len = f.len;
        int[] kind = f.kind;
        for (int k = 0; k <= K_END; k++) {
            if (kind[k] != STRING || len[k] == 0) {
                return false;
            }
        }
        if (kind[K_QUANTITY] == 0 || kind[K_QUANTITY] == NULL || len[K_QUANTITY] == 0
                || len[K_EVENT_ID] > MAX_EVENT_ID || len[K_CONTRACT] > MAX_CODE || len[K_SKU] > MAX_CODE
                || len[K_PROVIDER] > MAX_CODE) {
            return false;
        }
        Ascii view = f.view;
        int gpus = UsageChecks.NO_UNITS;
        if (kind[K_UNITS] == STRING || kind[K_UNITS] == NUMBER) {
            gpus = units(view.at(b, f.off[K_UNITS], len[K_UNITS]));
            if (gpus < 0) {
                return false;
            }
        }
        long micros;
        try {
            micros = Quantities.parseMicros(view.at(b, f.off[K_QUANTITY], len[K_QUANTITY]));
        } catch (NumberFormatException | ArithmeticException e) {
            return false;
        }
        long startNanos = IsoTimestamps.fast(view.at(b, f.off[K_START], len[K_START]));
        long endNanos = IsoTimestamps.fast(view.at(b, f.off[K_END], len[K_END]));
        if (startNanos == IsoTimestamps.INVALID || endNanos == IsoTimestamps.INVALID) {
            return false;
        }
        String adjusts = null;
        if (kind[K_ADJUSTS] == STRING) {
            if (len[K_ADJUSTS] == 0 || len[K_ADJUSTS] > MAX_EVENT_ID) {
                return false;
            }
            adjusts = text(f, b, K_ADJUSTS);
        }
        batch.add(lineNo, text(f, b, K_EVENT_ID), code(f, b, K_PROVIDER), code(f, b, K_CONTRACT), code(f, b, K_SKU),
                gpus, micros, startNanos, endNanos, adjusts);
        return true;
    }

    /** The value of field {@code key} as Jackson's path gives it: the text of a string or number, else null. */
    private static String text(Fields f, byte[] b, int key) {
        int kind = f.kind[key];
        return kind == STRING || kind == NUMBER ? latin1(b, f.off[key], f.len[key]) : null;
    }

    private static String code(Fields f, byte[] b, int key) {
        return f.kind[key] == STRING ? f.codes.of(b, f.off[key], f.len[key]) : null;
    }

    /** Printable ASCII bytes seen as characters, without a copy. */
    static final class Ascii implements CharSequence {
        private byte[] bytes;
        private int from;
        private int length;

        Ascii at(byte[] b, int offset, int count) {
            bytes = b;
            from = offset;
            length = count;
            return this;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public char charAt(int index) {
            return (char) bytes[from + java.util.Objects.checkIndex(index, length)];
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return toString().subSequence(start, end);
        }

        @Override
        public String toString() {
            return latin1(bytes, from, length);
        }
    }

    /** Whether {@link #fastLine} reads this line (one line, without its line break), for tests. */
    static boolean readsFast(byte[] line) {
        int p = 0;
        while (p < line.length && isSpace(line[p])) {
            p++;
        }
        return p < line.length && fastLine(new UsageBatch(), new Fields(), line, p, 1) >= 0;
    }

    private static int skipSpaces(byte[] b, int p, int to) {
        while (p < to && isSpace(b[p])) {
            p++;
        }
        return p;
    }

    /** The number of a known field name in {@link #KEYS}, or -1. */
    private static int key(byte[] b, int from, int length) {
        for (int k = 0; k < KEYS.length; k++) {
            byte[] name = KEYS[k];
            if (name.length == length && Arrays.equals(b, from, from + length, name, 0, length)) {
                return k;
            }
        }
        return -1;
    }

    private static String latin1(byte[] b, int from, int length) {
        return new String(b, from, length, StandardCharsets.ISO_8859_1); // printable ASCII: a byte a char
    }

    private static void jsonLine(UsageBatch batch, Fields f, byte[] body, int offset, int length, int lineNo) {
        f.clear();
        try (JsonParser parser = JSON.createParser(ObjectReadContext.empty(), body, offset, length)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                batch.problem(new LineProblem(lineNo, null, LineProblem.MALFORMED_LINE, "-",
                        "metering.problem.notObject", List.of(), null));
                return;
            }
            JsonToken token = fields(parser, f);
            if (token != JsonToken.END_OBJECT || parser.nextToken() != null) {
                batch.problem(new LineProblem(lineNo, shownId(f.eventId), LineProblem.MALFORMED_LINE, "-",
                        "metering.problem.trailing", List.of(), null));
                return;
            }
        } catch (JacksonException e) {
            if (!utf8(body, offset, length)) {
                batch.problem(new LineProblem(lineNo, null, LineProblem.MALFORMED_LINE, "-",
                        "metering.problem.encoding", List.of(), null));
                return;
            }
            int column = e.getLocation() == null ? 0 : e.getLocation().getColumnNr();
            batch.problem(new LineProblem(lineNo, shownId(f.eventId), LineProblem.MALFORMED_LINE, "-",
                    "metering.problem.json", List.of(Integer.toString(Math.max(column, 1))), null));
            return;
        }
        if (f.duplicate != null) {
            batch.problem(LineProblem.invalid(lineNo, shownId(f.eventId), f.duplicate, "metering.problem.duplicateField",
                    f.duplicate));
            return;
        }
        if (f.notString != null) {
            batch.problem(LineProblem.invalid(lineNo, shownId(f.eventId), f.notString, "metering.problem.string",
                    f.notString));
            return;
        }
        event(batch, lineNo, f.eventId, f.provider, f.contract, f.sku, f.units, f.quantity, f.quantityIsNumber,
                f.start, f.end, f.adjusts);
    }

    /** A string value that repeats on many lines (provider, contract, SKU), read without a new String when known. */
    private static String code(Fields f, String name, JsonParser parser, JsonToken value) {
        if (value == JsonToken.VALUE_STRING) {
            return f.codes.of(parser.getStringCharacters(), parser.getStringOffset(), parser.getStringLength());
        }
        return string(f, name, parser, value);
    }

    /**
     * The Strings of the codes seen in one upload, found by their characters (open addressing);
     * past {@link #MAX} different codes it stops remembering and makes new Strings.
     */
    static final class Codes {
        private static final int MAX = 4096;
        private String[] table = new String[256];
        private int count;

        String of(char[] chars, int offset, int length) {
            int hash = 0;
            for (int i = 0; i < length; i++) {
                hash = 31 * hash + chars[offset + i];
            }
            int mask = table.length - 1;
            int slot = (hash ^ (hash >>> 16)) & mask;
            while (true) {
                String known = table[slot];
                if (known == null) {
                    String value = new String(chars, offset, length);
                    if (count < MAX) {
                        table[slot] = value;
                        if (++count * 2 > table.length) {
                            grow();
                        }
                    }
                    return value;
                }
                if (known.length() == length && same(known, chars, offset, length)) {
                    return known;
                }
                slot = (slot + 1) & mask;
            }
        }

        /** The same for printable ASCII bytes (one char each, so the hash is the String's). */
        String of(byte[] bytes, int offset, int length) {
            int hash = 0;
            for (int i = 0; i < length; i++) {
                hash = 31 * hash + bytes[offset + i];
            }
            int mask = table.length - 1;
            int slot = (hash ^ (hash >>> 16)) & mask;
            while (true) {
                String known = table[slot];
                if (known == null) {
                    String value = latin1(bytes, offset, length);
                    if (count < MAX) {
                        table[slot] = value;
                        if (++count * 2 > table.length) {
                            grow();
                        }
                    }
                    return value;
                }
                if (known.length() == length && same(known, bytes, offset, length)) {
                    return known;
                }
                slot = (slot + 1) & mask;
            }
        }

        private static boolean same(String known, byte[] bytes, int offset, int length) {
            for (int i = 0; i < length; i++) {
                if (known.charAt(i) != bytes[offset + i]) {
                    return false;
                }
            }
            return true;
        }

        private static boolean same(String known, char[] chars, int offset, int length) {
            for (int i = 0; i < length; i++) {
                if (known.charAt(i) != chars[offset + i]) {
                    return false;
                }
            }
            return true;
        }

        private void grow() {
            String[] old = table;
            table = new String[old.length * 2];
            int mask = table.length - 1;
            for (String value : old) {
                if (value != null) {
                    int hash = value.hashCode(); // the same polynomial as in of()
                    int slot = (hash ^ (hash >>> 16)) & mask;
                    while (table[slot] != null) {
                        slot = (slot + 1) & mask;
                    }
                    table[slot] = value;
                }
            }
        }
    }

    private static String string(Fields f, String name, JsonParser parser, JsonToken value) {
        if (value == JsonToken.VALUE_STRING) {
            return parser.getString();
        }
        if (f.notString == null) {
            f.notString = name;
        }
        parser.skipChildren();
        return null;
    }

    // ------------------------------------------------------------------ CSV

    static UsageBatch csv(byte[] body, int maxLines) {
        String text = utf8(body);
        if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
            text = text.substring(1);
        }
        if (text.isBlank()) {
            throw new BodyException("metering.body.empty");
        }
        UsageBatch batch = new UsageBatch();
        try (CSVParser parser = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(true).get()
                .parse(new java.io.StringReader(text))) {
            Map<String, Integer> columns = null;
            int[] index = new int[REQUIRED.length + OPTIONAL.length];
            for (CSVRecord record : parser) {
                int lineNo = (int) Math.min(Integer.MAX_VALUE, record.getRecordNumber());
                if (lineNo > maxLines + 1) {
                    throw new BodyException("metering.body.tooManyLines", maxLines);
                }
                if (columns == null) {
                    columns = header(record, index);
                    batch.blank(1);
                    continue;
                }
                if (record.size() != columns.size()) {
                    batch.problem(new LineProblem(lineNo, null, LineProblem.MALFORMED_LINE, "-",
                            "metering.problem.columns", List.of(Integer.toString(columns.size()),
                            Integer.toString(record.size())), null));
                    continue;
                }
                String eventId = record.get(index[0]);
                String units = index[7] < 0 ? null : record.get(index[7]);
                String adjusts = index[8] < 0 ? null : record.get(index[8]);
                event(batch, lineNo, eventId.isEmpty() ? null : eventId, emptyToNull(record.get(index[1])),
                        emptyToNull(record.get(index[2])), emptyToNull(record.get(index[3])), emptyToNull(units),
                        emptyToNull(record.get(index[4])), false, emptyToNull(record.get(index[5])),
                        emptyToNull(record.get(index[6])), emptyToNull(adjusts));
            }
            if (columns == null) {
                throw new BodyException("metering.body.empty");
            }
        } catch (UncheckedIOException | IOException | IllegalStateException e) {
            throw new BodyException("metering.body.csvMalformed", parserLine(e));
        }
        return batch;
    }

    private static String parserLine(Exception e) {
        String message = String.valueOf(e.getMessage());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("line (\\d+)").matcher(message);
        return m.find() ? m.group(1) : "?";
    }

    private static Map<String, Integer> header(CSVRecord record, int[] index) {
        Map<String, Integer> columns = new HashMap<>();
        List<String> unknown = new ArrayList<>();
        for (int c = 0; c < record.size(); c++) {
            String name = record.get(c).trim();
            if (columns.putIfAbsent(name, c) != null) {
                throw new BodyException("metering.body.csvDuplicate", name);
            }
            if (!List.of(REQUIRED).contains(name) && !List.of(OPTIONAL).contains(name)) {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            throw new BodyException("metering.body.csvUnknown", String.join(", ", unknown));
        }
        List<String> missing = new ArrayList<>();
        for (int k = 0; k < REQUIRED.length; k++) {
            Integer c = columns.get(REQUIRED[k]);
            if (c == null) {
                missing.add(REQUIRED[k]);
            } else {
                index[k] = c;
            }
        }
        if (!missing.isEmpty()) {
            throw new BodyException("metering.body.csvHeader", String.join(", ", missing));
        }
        index[7] = columns.getOrDefault("units", -1);
        index[8] = columns.getOrDefault("adjusts", -1);
        return columns;
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    static String utf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new BodyException("metering.body.encoding");
        }
    }

    // ------------------------------------------------------------------ lines given in Java

    static UsageBatch lines(List<UsageLine> lines, int maxLines) {
        if (lines.size() > maxLines) {
            throw new BodyException("metering.body.tooManyLines", maxLines);
        }
        UsageBatch batch = new UsageBatch();
        int lineNo = 0;
        for (UsageLine l : lines) {
            lineNo++;
            if (l == null) {
                batch.problem(new LineProblem(lineNo, null, LineProblem.MALFORMED_LINE, "-",
                        "metering.problem.notObject", List.of(), null));
                continue;
            }
            event(batch, lineNo, l.eventId(), l.providerUscc(), l.contractId(), l.sku(),
                    l.units() == null ? null : l.units().toString(),
                    l.quantity() == null ? null : l.quantity().toPlainString(), false,
                    l.start() == null ? null : l.start().toString(), l.end() == null ? null : l.end().toString(),
                    l.adjusts());
        }
        return batch;
    }

    // ------------------------------------------------------------------ one event

    /** Checks the fields of one line in order and adds the event, or the first problem. */
    private static void event(UsageBatch batch, int line, String eventId, String provider, String contract, String sku,
                              String units, String quantity, boolean quantityIsNumber, String start, String end,
                              String adjusts) {
        String[] required = {eventId, provider, contract, sku, quantity, start, end};
        for (int k = 0; k < REQUIRED.length; k++) {
            if (required[k] == null) {
                batch.problem(LineProblem.missing(line, shownId(eventId), REQUIRED[k]));
                return;
            }
            if (required[k].isEmpty()) {
                batch.problem(LineProblem.invalid(line, shownId(eventId), REQUIRED[k], "metering.problem.empty",
                        REQUIRED[k]));
                return;
            }
        }
        if (eventId.length() > MAX_EVENT_ID) {
            batch.problem(LineProblem.invalid(line, shownId(eventId), "event_id", "metering.problem.tooLong",
                    "event_id", Integer.toString(MAX_EVENT_ID)));
            return;
        }
        if (contract.length() > MAX_CODE || sku.length() > MAX_CODE || provider.length() > MAX_CODE) {
            String field = contract.length() > MAX_CODE ? "contract_id" : sku.length() > MAX_CODE ? "sku" : "provider_uscc";
            batch.problem(LineProblem.invalid(line, shownId(eventId), field, "metering.problem.tooLong", field,
                    Integer.toString(MAX_CODE)));
            return;
        }
        String unstorable = !storable(eventId) ? "event_id" : !storable(provider) ? "provider_uscc"
                : !storable(contract) ? "contract_id" : !storable(sku) ? "sku"
                : adjusts != null && !storable(adjusts) ? "adjusts" : null;
        if (unstorable != null) {
            batch.problem(LineProblem.invalid(line, shownId(eventId), unstorable, "metering.problem.control",
                    unstorable));
            return;
        }
        int gpus = UsageChecks.NO_UNITS;
        if (units != null) {
            gpus = units(units);
            if (gpus < 0) {
                batch.problem(LineProblem.invalid(line, eventId, "units", "metering.problem.units", clip(units)));
                return;
            }
        }
        long micros;
        try {
            micros = micros(quantity, quantityIsNumber);
        } catch (NumberFormatException | ArithmeticException e) {
            batch.problem(LineProblem.invalid(line, eventId, "quantity", "metering.problem.quantity", clip(quantity)));
            return;
        }
        long startNanos = IsoTimestamps.nanos(start);
        if (startNanos == IsoTimestamps.INVALID) {
            batch.problem(LineProblem.invalid(line, eventId, "start", "metering.problem.timestamp", "start", clip(start)));
            return;
        }
        long endNanos = IsoTimestamps.nanos(end);
        if (endNanos == IsoTimestamps.INVALID) {
            batch.problem(LineProblem.invalid(line, eventId, "end", "metering.problem.timestamp", "end", clip(end)));
            return;
        }
        if (adjusts != null && (adjusts.isEmpty() || adjusts.length() > MAX_EVENT_ID)) {
            batch.problem(LineProblem.invalid(line, eventId, "adjusts", "metering.problem.adjusts", clip(adjusts)));
            return;
        }
        batch.add(line, eventId, provider, contract, sku, gpus, micros, startNanos, endNanos, adjusts);
    }

    /** A whole number of GPUs, or -1. */
    private static int units(CharSequence text) {
        if (text.length() == 0 || text.length() > 10) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value > Integer.MAX_VALUE ? -1 : (int) value;
    }

    private static long micros(String text, boolean number) {
        if (number && (text.indexOf('e') >= 0 || text.indexOf('E') >= 0)) {
            return Quantities.exponentMicros(text);
        }
        return Quantities.parseMicros(text);
    }

    private static String clip(String value) {
        return printable(value.length() <= 60 ? value : value.substring(0, 57) + "...");
    }

    /**
     * Whether PostgreSQL's {@code text} stores the value as it is: no NUL (which it refuses) and no
     * unpaired surrogate (which the driver would turn into {@code ?}). One pass without allocation;
     * the fields checked are at most 200 characters.
     */
    static boolean storable(String value) {
        for (int i = 0, n = value.length(); i < n; i++) {
            char c = value.charAt(i);
            if (c == 0) {
                return false;
            }
            if (c >= '\uD800' && c <= '\uDFFF') {
                if (!Character.isHighSurrogate(c) || i + 1 == n || !Character.isLowSurrogate(value.charAt(i + 1))) {
                    return false;
                }
                i++;
            }
        }
        return true;
    }

    /** A value as a problem quotes it: NUL and unpaired surrogates as U+FFFD, so that the problem can be stored. */
    private static String printable(String value) {
        if (storable(value)) {
            return value;
        }
        StringBuilder text = new StringBuilder(value.length());
        for (int i = 0, n = value.length(); i < n; i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1))) {
                text.append(c).append(value.charAt(++i));
            } else {
                text.append(c == 0 || Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return text.toString();
    }

    /** An event id as a problem names it: at most 40 characters when too long, and storable. */
    private static String shownId(String eventId) {
        if (eventId == null) {
            return null;
        }
        String id = eventId.length() <= MAX_EVENT_ID ? eventId : eventId.substring(0, 40);
        return printable(id);
    }

    /** Whether a line's bytes are UTF-8; asked only of a line Jackson could not read. */
    private static boolean utf8(byte[] body, int offset, int length) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(body, offset, length));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static final java.time.format.DateTimeFormatter WHOLE_SECONDS =
            java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssXXX");

    /** An instant of an event as text, for pages and messages: ISO-8601 in +08:00, seconds always written. */
    static String format(long epochNanos) {
        java.time.OffsetDateTime at = Metering.instant(epochNanos).atOffset(ShanghaiTime.OFFSET);
        return at.getNano() == 0 ? WHOLE_SECONDS.format(at)
                : java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(at);
    }
}

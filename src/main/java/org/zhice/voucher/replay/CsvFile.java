package org.zhice.voucher.replay;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A CSV input file (RFC 4180): UTF-8, a header row naming exactly the expected columns (in any
 * order; optional ones may be left out), comma-separated fields, quoted with {@code "} when they
 * hold a comma, a quote (doubled) or a line break; CRLF or LF line ends; blank lines ignored. A
 * file with nothing in it at all is a table without rows.
 * Each row remembers the line it starts on.
 */
final class CsvFile {

    final String name;
    private final Map<String, Integer> index = new HashMap<>();
    final List<Row> rows = new ArrayList<>();

    private CsvFile(String name) {
        this.name = name;
    }

    /** One data row; {@code line} is 1-based with the header as line 1. */
    final class Row {
        final long line;
        private final String[] values;

        Row(long line, String[] values) {
            this.line = line;
            this.values = values;
        }

        /** The value of a column, or {@code null} for an optional column the file does not have. */
        String get(String column) {
            Integer i = index.get(column);
            return i == null ? null : values[i];
        }
    }

    /**
     * Reads {@code folder/name}; reports every problem to {@code errors} and returns {@code null}
     * when the file cannot be read as a table at all (missing, not UTF-8, bad header).
     */
    static CsvFile read(Path folder, String name, List<String> columns, List<String> optional, Errors errors) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(folder.resolve(name));
        } catch (NoSuchFileException e) {
            errors.add(name, 1, "-", "file not found");
            return null;
        } catch (IOException e) {
            errors.add(name, 1, "-", "cannot read: " + e.getMessage());
            return null;
        }
        String text = decode(bytes, name, errors);
        if (text == null) {
            return null;
        }
        CsvFile file = new CsvFile(name);
        List<Record> records = new Lexer(name, text, errors).records();
        if (records == null) {
            return null;
        }
        if (records.isEmpty()) {
            return file; // an empty file: a table without rows (any header would have to be right)
        }
        Record header = records.get(0);
        if (!file.header(header, columns, optional, errors)) {
            return null;
        }
        int width = header.fields.size();
        for (int r = 1; r < records.size(); r++) {
            Record record = records.get(r);
            int size = record.fields.size();
            if (size != width) {
                String column = size < width ? header.fields.get(size) : "-";
                errors.add(name, record.line, column, "expected " + width + " fields, found " + size);
                continue;
            }
            file.rows.add(file.new Row(record.line, record.fields.toArray(new String[0])));
        }
        return file;
    }

    private boolean header(Record header, List<String> columns, List<String> optional, Errors errors) {
        boolean ok = true;
        for (int i = 0; i < header.fields.size(); i++) {
            String column = header.fields.get(i);
            if (!columns.contains(column) && !optional.contains(column)) {
                errors.add(name, header.line, column.isEmpty() ? "-" : column,
                        "unknown column; expected " + String.join(",", columns));
                ok = false;
            } else if (index.putIfAbsent(column, i) != null) {
                errors.add(name, header.line, column, "column appears twice");
                ok = false;
            }
        }
        for (String column : columns) {
            if (!index.containsKey(column)) {
                errors.add(name, header.line, column, "missing column; expected " + String.join(",", columns));
                ok = false;
            }
        }
        return ok;
    }

    /** Strict UTF-8; a leading byte-order mark is dropped. */
    static String decode(byte[] bytes, String name, Errors errors) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            long line = 1;
            for (int i = 0; i < in.position(); i++) {
                if (bytes[i] == '\n') {
                    line++;
                }
            }
            errors.add(name, line, "-", "not valid UTF-8 (byte " + (in.position() + 1) + ")");
            return null;
        }
        decoder.flush(out);
        out.flip();
        String text = out.toString();
        return !text.isEmpty() && text.charAt(0) == '\uFEFF' ? text.substring(1) : text;
    }

    private record Record(long line, List<String> fields) {
    }

    /** RFC 4180 records with the line each starts on. */
    private static final class Lexer {
        private final String name;
        private final String text;
        private final Errors errors;
        private int pos;
        private long line = 1;

        Lexer(String name, String text, Errors errors) {
            this.name = name;
            this.text = text;
            this.errors = errors;
        }

        /** All records, or {@code null} after a quoting error (the rest cannot be trusted). */
        List<Record> records() {
            List<Record> records = new ArrayList<>();
            int length = text.length();
            while (pos < length) {
                long start = line;
                if (atLineEnd()) {
                    skipLineEnd();
                    continue; // a blank line
                }
                List<String> fields = new ArrayList<>();
                while (true) {
                    String field = field(start);
                    if (field == null) {
                        return null;
                    }
                    fields.add(field);
                    if (pos < length && text.charAt(pos) == ',') {
                        pos++;
                        continue;
                    }
                    skipLineEnd();
                    break;
                }
                records.add(new Record(start, fields));
            }
            return records;
        }

        private boolean atLineEnd() {
            char c = text.charAt(pos);
            return c == '\n' || (c == '\r' && pos + 1 < text.length() && text.charAt(pos + 1) == '\n');
        }

        private void skipLineEnd() {
            if (pos < text.length() && text.charAt(pos) == '\r') {
                pos++;
            }
            if (pos < text.length() && text.charAt(pos) == '\n') {
                pos++;
                line++;
            }
        }

        private String field(long recordLine) {
            int length = text.length();
            if (pos < length && text.charAt(pos) == '"') {
                pos++;
                StringBuilder value = new StringBuilder();
                while (true) {
                    if (pos >= length) {
                        errors.add(name, recordLine, "-", "a quoted field is never closed");
                        return null;
                    }
                    char c = text.charAt(pos++);
                    if (c == '"') {
                        if (pos < length && text.charAt(pos) == '"') {
                            value.append('"');
                            pos++;
                            continue;
                        }
                        break;
                    }
                    if (c == '\n') {
                        line++;
                    }
                    value.append(c);
                }
                if (pos < length && text.charAt(pos) != ',' && !atLineEnd()) {
                    errors.add(name, line, "-", "text after the closing quote of a field");
                    return null;
                }
                return value.toString();
            }
            int start = pos;
            while (pos < length) {
                char c = text.charAt(pos);
                if (c == ',' || atLineEnd()) {
                    break;
                }
                if (c == '"') {
                    errors.add(name, line, "-", "a quote inside an unquoted field");
                    return null;
                }
                pos++;
            }
            return text.substring(start, pos);
        }
    }
}

package org.zhice.registry;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.util.CellReference;
import org.apache.poi.ss.usermodel.DateUtil;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;

/**
 * Reads an import file, CSV (UTF-8, with or without BOM, RFC 4180) or .xlsx (the first sheet),
 * into rows keyed by column name, checking the header against the import kind. Row numbers are
 * those a person sees in a spreadsheet: the header is row 1. Blank rows are skipped.
 */
final class TableFile {

    record Row(int number, Map<String, String> values) {
        String get(String column) {
            return values.getOrDefault(column, "");
        }

        boolean has(String column) {
            return values.containsKey(column);
        }
    }

    record Table(List<String> columns, List<Row> rows) {
    }

    private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    /** What a workbook may unpack to: 50,000 rows of every column take about 25 MB of sheet XML. */
    static final long MAX_UNPACKED_BYTES = 100L << 20;

    private final String fileName;
    private final ImportKind kind;
    private final int maxRows;
    private final List<ImportProblem> problems;

    private TableFile(String fileName, ImportKind kind, int maxRows, List<ImportProblem> problems) {
        this.fileName = fileName;
        this.kind = kind;
        this.maxRows = maxRows;
        this.problems = problems;
    }

    /**
     * The file's rows, or {@code null} when the file cannot be read as a whole (wrong format or
     * encoding, bad header, too many rows); the reasons are added to {@code problems}.
     */
    static Table read(String fileName, byte[] bytes, ImportKind kind, int maxRows, List<ImportProblem> problems) {
        TableFile file = new TableFile(fileName, kind, maxRows, problems);
        if (bytes.length == 0) {
            return file.fail(0, "empty");
        }
        String lower = fileName.toLowerCase(Locale.ROOT);
        if (startsWith(bytes, new byte[] {(byte) 0xD0, (byte) 0xCF, 0x11, (byte) 0xE0}) || lower.endsWith(".xls")) {
            return file.fail(0, "format.xls");
        }
        if (startsWith(bytes, new byte[] {'P', 'K', 3, 4}) || lower.endsWith(".xlsx")) {
            return file.readXlsx(bytes);
        }
        return file.readCsv(bytes);
    }

    private Table readCsv(byte[] bytes) {
        if (startsWith(bytes, new byte[] {(byte) 0xFF, (byte) 0xFE}) || startsWith(bytes, new byte[] {(byte) 0xFE, (byte) 0xFF})) {
            return fail(0, "encoding.utf16");
        }
        int start = startsWith(bytes, UTF8_BOM) ? UTF8_BOM.length : 0;
        String text = decodeUtf8(bytes, start);
        if (text == null) {
            return null;
        }
        if (text.indexOf('\0') >= 0) {
            return fail(0, "encoding.binary");
        }
        CSVFormat format = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(false).get();
        List<String> columns = null;
        List<Row> rows = new ArrayList<>();
        try (CSVParser parser = CSVParser.parse(new StringReader(text), format)) {
            try {
                for (CSVRecord record : parser) {
                    int number = Math.toIntExact(record.getRecordNumber());
                    List<String> values = record.toList();
                    if (columns == null) {
                        columns = header(number, values);
                        if (columns == null) {
                            return null;
                        }
                        continue;
                    }
                    if (values.stream().allMatch(v -> v.isBlank())) {
                        continue;
                    }
                    if (rows.size() == maxRows) {
                        return fail(0, "rows.tooMany", maxRows);
                    }
                    rows.add(row(number, columns, values));
                }
            } catch (UncheckedIOException | IllegalStateException e) {
                return fail(Math.toIntExact(parser.getCurrentLineNumber()), "csv.malformed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return finish(columns, rows);
    }

    private Table readXlsx(byte[] bytes) {
        String tooBig = unpackedTooBig(bytes);
        if (tooBig != null) {
            return tooBig.equals("rows.tooMany") ? fail(0, tooBig, maxRows) : fail(0, tooBig, MAX_UNPACKED_BYTES >> 20);
        }
        Workbook opened;
        try {
            opened = new XSSFWorkbook(new ByteArrayInputStream(bytes));
        } catch (IOException | RuntimeException e) {
            // not a zip, not OOXML, encrypted or damaged: POI says so in many ways
            return fail(0, "format.xlsx");
        }
        try (Workbook workbook = opened) {
            if (workbook.getNumberOfSheets() == 0) {
                return fail(0, "empty");
            }
            Sheet sheet = workbook.getSheetAt(0);
            if (sheet.getPhysicalNumberOfRows() - 1 > maxRows) {
                return fail(0, "rows.tooMany", maxRows);
            }
            List<String> columns = null;
            List<Row> rows = new ArrayList<>();
            boolean unreadable = false;
            for (org.apache.poi.ss.usermodel.Row row : sheet) {
                int number = row.getRowNum() + 1;
                List<String> values = new ArrayList<>();
                for (int i = 0; i < Math.max(row.getLastCellNum(), 0); i++) {
                    try {
                        values.add(text(row.getCell(i)));
                    } catch (RuntimeException e) {
                        // a damaged cell whose type and value disagree: POI throws on reading it
                        problems.add(ImportProblem.of(fileName, number, null, "format.xlsx.cell",
                                new CellReference(row.getRowNum(), i).formatAsString()));
                        unreadable = true;
                        values.add("");
                    }
                }
                if (columns == null) {
                    if (values.stream().allMatch(String::isBlank)) {
                        continue;
                    }
                    columns = header(number, values);
                    if (columns == null) {
                        return null;
                    }
                    continue;
                }
                if (values.stream().allMatch(String::isBlank)) {
                    continue;
                }
                rows.add(row(number, columns, values));
            }
            return unreadable ? null : finish(columns, rows);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * POI builds the whole workbook in memory, about twenty times its unpacked XML, before we can
     * count rows: a 7 MB .xlsx of a million rows took seconds of CPU and gigabytes. So the zip is
     * first inflated as a stream, bounded, counting the rows of each worksheet. Returns the problem
     * code when the workbook unpacks to more than {@link #MAX_UNPACKED_BYTES} or a worksheet has
     * more rows than allowed; {@code null} otherwise (and when the zip is unreadable here, which
     * POI then reports).
     */
    private String unpackedTooBig(byte[] bytes) {
        long unpacked = 0;
        byte[] buffer = new byte[64 * 1024];
        // commons-compress, as POI: java.util.zip refuses the data descriptors that POI itself writes
        try (ZipArchiveInputStream zip = new ZipArchiveInputStream(new ByteArrayInputStream(bytes), "UTF-8", true, true)) {
            for (ZipArchiveEntry entry; (entry = zip.getNextEntry()) != null; ) {
                boolean sheet = entry.getName().startsWith("xl/worksheets/") && entry.getName().endsWith(".xml");
                long rows = 0;
                int state = 0;   // how much of "<row" or ":row" followed by a space or '>' has been seen
                for (int n; (n = zip.read(buffer)) > 0; ) {
                    unpacked += n;
                    if (unpacked > MAX_UNPACKED_BYTES) {
                        return "format.xlsx.unpacked";
                    }
                    if (!sheet) {
                        continue;
                    }
                    for (int i = 0; i < n; i++) {
                        byte b = buffer[i];
                        state = switch (state) {
                            case 0 -> b == '<' || b == ':' ? 1 : 0;
                            case 1 -> b == 'r' ? 2 : b == '<' || b == ':' ? 1 : 0;
                            case 2 -> b == 'o' ? 3 : b == '<' || b == ':' ? 1 : 0;
                            case 3 -> b == 'w' ? 4 : b == '<' || b == ':' ? 1 : 0;
                            default -> {
                                if (b == ' ' || b == '>' || b == '/' || b == '\t' || b == '\n' || b == '\r') {
                                    rows++;
                                }
                                yield b == '<' || b == ':' ? 1 : 0;
                            }
                        };
                    }
                    if (rows > maxRows + 1L) {
                        return "rows.tooMany";
                    }
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
        return null;
    }

    private Table finish(List<String> columns, List<Row> rows) {
        if (columns == null) {
            return fail(0, "empty");
        }
        if (rows.isEmpty()) {
            return fail(0, "rows.none");
        }
        return new Table(columns, rows);
    }

    /** The header's column names, or {@code null} after reporting what is wrong with it. */
    private List<String> header(int number, List<String> raw) {
        List<String> names = new ArrayList<>();
        for (String value : raw) {
            names.add(value.strip().toLowerCase(Locale.ROOT));
        }
        while (!names.isEmpty() && names.get(names.size() - 1).isEmpty()) {
            names.remove(names.size() - 1);   // trailing empty columns, as spreadsheets leave them
        }
        int before = problems.size();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (name.isEmpty()) {
                problems.add(ImportProblem.of(fileName, number, null, "header.blank", i + 1));
            } else if (!seen.add(name)) {
                problems.add(ImportProblem.of(fileName, number, name, "header.duplicate"));
            } else if (!kind.columns().contains(name)) {
                problems.add(ImportProblem.of(fileName, number, name, "header.unknown", String.join(",", kind.columns())));
            }
        }
        for (String required : kind.required()) {
            if (!seen.contains(required)) {
                problems.add(ImportProblem.of(fileName, number, required, "header.missing", String.join(",", kind.required())));
            }
        }
        return problems.size() == before ? names : null;
    }

    private Row row(int number, List<String> columns, List<String> values) {
        Map<String, String> byColumn = new LinkedHashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            byColumn.put(columns.get(i), i < values.size() ? values.get(i).strip() : "");
        }
        for (int i = columns.size(); i < values.size(); i++) {
            if (!values.get(i).isBlank()) {
                problems.add(ImportProblem.of(fileName, number, null, "row.extraValues", columns.size(), i + 1));
                break;
            }
        }
        return new Row(number, byColumn);
    }

    /** Strict UTF-8: a GBK file must not turn into mojibake. Reports the line of the first bad byte. */
    private String decodeUtf8(byte[] bytes, int start) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int line = 1;
            for (int i = start; i < in.position(); i++) {
                if (bytes[i] == '\n') {
                    line++;
                }
            }
            fail(line, "encoding.notUtf8");  // the row is the line of the first bad byte
            return null;
        }
        return out.flip().toString();
    }

    /** A cell as the text a person sees, except numbers in full and dates as yyyy-MM-dd. */
    private static String text(Cell cell) {
        if (cell == null) {
            return "";
        }
        CellType type = cell.getCellType() == CellType.FORMULA ? cell.getCachedFormulaResultType() : cell.getCellType();
        return switch (type) {
            case STRING -> cell.getStringCellValue();
            case NUMERIC -> DateUtil.isCellDateFormatted(cell)
                    ? cell.getLocalDateTimeCellValue().toLocalDate().toString()
                    : BigDecimal.valueOf(cell.getNumericCellValue()).stripTrailingZeros().toPlainString();
            case BOOLEAN -> String.valueOf(cell.getBooleanCellValue());
            default -> "";
        };
    }

    private Table fail(int row, String code, Object... args) {
        problems.add(ImportProblem.of(fileName, row, null, code, args));
        return null;
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}

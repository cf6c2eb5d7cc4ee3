package org.zhice.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.zhice.shared.HostileBytes;

/**
 * Hostile registry import files, CSV and .xlsx: whatever bytes arrive, {@link TableFile} answers
 * rows or problems that name the file (and the row and column where there is one) with a message in
 * Chinese and English; never an exception, never a value PostgreSQL cannot store, and bounded time
 * and memory for workbooks that unpack to far more than they weigh.
 */
class TableFileFuzzProperties {

    private static final Properties ZH = bundle("i18n/registry.properties");
    private static final Properties EN = bundle("i18n/registry_en.properties");
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final String CSV = """
            uscc,name,kind,region_code,founded_on,registered_capital_fen,is_startup,industry,address
            91330106MA2CFD8X5Q,杭州示例科技有限公司,enterprise,330106,2020-01-02,100000000,true,软件,"杭州市西湖区,文三路 1 号"
            91330106MA2CFD8X5Q,"名称 ""引"" 号",provider,330106,,,,,
            """;

    @Property(tries = 300)
    void mutatedCsvGetsRowsOrProblemsThatSayWhere(@ForAll long seed) {
        check("orgs.csv", HostileBytes.mutate(CSV.getBytes(StandardCharsets.UTF_8), seed), ImportKind.ORGANISATIONS);
    }

    @Property(tries = 25)
    void workbooksWithHostileCellsGetRowsOrProblems(@ForAll long seed) {
        check("orgs.xlsx", workbook(seed), ImportKind.ORGANISATIONS);
    }

    @Property(tries = 25)
    void damagedWorkbooksGetProblems(@ForAll long seed) {
        byte[] valid = workbook(seed);
        SplittableRandom random = new SplittableRandom(seed);
        byte[] damaged = valid.clone();
        for (int i = 0; i < 1 + random.nextInt(8); i++) {
            damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
        }
        check("orgs.xlsx", damaged, ImportKind.ORGANISATIONS);
        check("orgs.xlsx", java.util.Arrays.copyOf(valid, random.nextInt(valid.length)), ImportKind.ORGANISATIONS);
    }

    /**
     * Found by CI: in a damaged workbook a cell had a type its value did not match (here D5, a
     * number "x"), and POI threw while reading it after the workbook had opened. The damage is
     * written into the sheet's XML: the seed 526 that CI drew damaged other bytes depending on the
     * hour POI stamped into the file, and so failed about one run in two.
     */
    @Example
    void aCellPoiCannotReadIsNamed() {
        byte[] damaged;
        try (XSSFWorkbook workbook = new XSSFWorkbook()) {
            Sheet sheet = workbook.createSheet("orgs");
            Row header = sheet.createRow(0);
            List<String> columns = ImportKind.ORGANISATIONS.columns();
            for (int c = 0; c < columns.size(); c++) {
                header.createCell(c).setCellValue(columns.get(c));
            }
            sheet.createRow(4).createCell(3).setCellValue(1.5);
            damaged = written(workbook, xml -> xml.replace("<v>1.5</v>", "<v>x</v>"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<ImportProblem> problems = check("orgs.xlsx", damaged, ImportKind.ORGANISATIONS);
        assertThat(problems).filteredOn(p -> p.code().equals("format.xlsx.cell"))
                .extracting(ImportProblem::row, p -> p.args().get(0))
                .containsExactly(org.assertj.core.groups.Tuple.tuple(5, "D5"));
    }

    /** The generator gives the same bytes for a seed at any time, so a failing seed can be run again. */
    @Example
    void aSeedGivesTheSameWorkbookAtAnyTime() throws InterruptedException {
        byte[] first = workbook(526);
        Thread.sleep(2_100); // zip entry times have a resolution of two seconds
        assertThat(workbook(526)).isEqualTo(first);
    }

    @Example
    void wrongEncodingsAreNamed() {
        assertThat(codes(check("orgs.csv", CSV.getBytes(Charset.forName("GBK")), ImportKind.ORGANISATIONS)))
                .containsExactly("encoding.notUtf8");
        assertThat(codes(check("orgs.csv", CSV.getBytes(StandardCharsets.UTF_16), ImportKind.ORGANISATIONS)))
                .containsExactly("encoding.utf16");
        assertThat(codes(check("orgs.csv", CSV.replace("示例", "示\0例").getBytes(StandardCharsets.UTF_8),
                ImportKind.ORGANISATIONS))).containsExactly("encoding.binary");
    }

    /** A workbook of many rows weighs little zipped; it is refused before POI unpacks it into memory. */
    @Example
    void aWorkbookOfManyRowsIsRefusedInBoundedTimeAndMemory() throws IOException {
        byte[] big = withSheet(workbook(1), sheet -> {
            sheet.write(SHEET_HEAD);
            for (int r = 1; r <= 300_000; r++) {
                sheet.write(("<row r=\"" + r + "\"><c r=\"A" + r + "\"><v>" + r + "</v></c></row>").getBytes(StandardCharsets.UTF_8));
            }
            sheet.write(SHEET_TAIL);
        });
        assertThat(big.length).isLessThan((int) RegistryImport.MAX_BYTES);
        assertThat(codes(check("big.xlsx", big, ImportKind.ORGANISATIONS))).containsExactly("rows.tooMany");
    }

    /** A zip bomb: one sheet entry of 160 MB of spaces, a few hundred kilobytes zipped. */
    @Example
    void aZipBombIsRefused() throws IOException {
        byte[] bomb = withSheet(workbook(1), sheet -> {
            sheet.write(SHEET_HEAD);
            sheet.write("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>".getBytes(StandardCharsets.UTF_8));
            byte[] spaces = new byte[1 << 20];
            java.util.Arrays.fill(spaces, (byte) ' ');
            for (int i = 0; i < 160; i++) {
                sheet.write(spaces);
            }
            sheet.write("</t></is></c></row>".getBytes(StandardCharsets.UTF_8));
            sheet.write(SHEET_TAIL);
        });
        assertThat(bomb.length).isLessThan(5 << 20);
        assertThat(codes(check("bomb.xlsx", bomb, ImportKind.ORGANISATIONS))).containsExactly("format.xlsx.unpacked");
    }

    private static final byte[] SHEET_HEAD = ("<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/"
            + "spreadsheetml/2006/main\"><sheetData>").getBytes(StandardCharsets.UTF_8);
    private static final byte[] SHEET_TAIL = "</sheetData></worksheet>".getBytes(StandardCharsets.UTF_8);

    interface SheetWriter {
        void write(java.io.OutputStream sheet) throws IOException;
    }

    /** The workbook with its first sheet's XML replaced by what {@code writer} writes. */
    private static byte[] withSheet(byte[] workbook, SheetWriter writer) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipInputStream in = new ZipInputStream(new java.io.ByteArrayInputStream(workbook));
             ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.setLevel(1);
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                zip.putNextEntry(new ZipEntry(entry.getName()));
                if (entry.getName().equals("xl/worksheets/sheet1.xml")) {
                    writer.write(zip);
                } else {
                    in.transferTo(zip);
                }
                zip.closeEntry();
            }
        }
        return out.toByteArray();
    }

    // ------------------------------------------------------------------ inputs

    private static final String[] HOSTILE = {"=HYPERLINK(\"http://evil\",\"x\")", "+cmd|' /C calc'!A0", "-1+1", "@SUM(1)",
            "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "a\u0000b", "\uD800", "\u202Egnp.exe",
            "x".repeat(32_000), " ", "", "中文名称", "91330106MA2CFD8X5Q", "330106", "enterprise", "provider", "true"};

    /** A workbook with the organisation columns, a header in row 1 and random hostile cells below. */
    static byte[] workbook(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        try (XSSFWorkbook workbook = new XSSFWorkbook()) {
            Sheet sheet = workbook.createSheet(random.nextBoolean() ? "orgs" : "<b>");
            CellStyle date = workbook.createCellStyle();
            date.setDataFormat(workbook.getCreationHelper().createDataFormat().getFormat("yyyy-mm-dd"));
            Row header = sheet.createRow(random.nextInt(3));
            List<String> columns = new ArrayList<>(ImportKind.ORGANISATIONS.columns());
            for (int c = 0; c < columns.size(); c++) {
                header.createCell(c).setCellValue(columns.get(c));
            }
            int rows = 1 + random.nextInt(6);
            for (int r = 0; r < rows; r++) {
                Row row = sheet.createRow(header.getRowNum() + 1 + r + random.nextInt(2));
                for (int c = 0; c < columns.size() + random.nextInt(2); c++) {
                    Cell cell = row.createCell(c);
                    switch (random.nextInt(7)) {
                        case 0 -> cell.setCellValue(HOSTILE[random.nextInt(HOSTILE.length)]);
                        case 1 -> cell.setCellValue(random.nextDouble() * Math.pow(10, random.nextInt(-5, 300)));
                        case 2 -> {
                            double[] odd = {-1, 0, 1e300, Double.MAX_VALUE, 2958466, 2958465.99999, 60, 1e15, -1e-300};
                            cell.setCellValue(odd[random.nextInt(odd.length)]);
                            cell.setCellStyle(date);
                        }
                        case 3 -> cell.setCellValue(random.nextBoolean());
                        case 4 -> cell.setCellFormula(random.nextBoolean() ? "1/0" : "\"=\"&\"cmd\"");
                        case 5 -> cell.setBlank();
                        default -> cell.setCellValue(random.nextBoolean() ? "91330106MA2CFD8X5Q" : "330106");
                    }
                }
            }
            return written(workbook, xml -> xml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The workbook's bytes without the time of writing that POI stamps into docProps/core.xml and
     * into every zip entry (which changed the length of the file from one second to the next), with
     * {@code sheetEdit} applied to the first sheet's XML.
     */
    static byte[] written(XSSFWorkbook workbook, UnaryOperator<String> sheetEdit) throws IOException {
        workbook.getProperties().getCoreProperties().setCreated(Optional.of(new Date(1_735_689_600_000L)));
        ByteArrayOutputStream poi = new ByteArrayOutputStream();
        workbook.write(poi);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipInputStream in = new ZipInputStream(new java.io.ByteArrayInputStream(poi.toByteArray()));
             ZipOutputStream zip = new ZipOutputStream(out)) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                byte[] content = in.readAllBytes();
                if (entry.getName().equals("xl/worksheets/sheet1.xml")) {
                    content = sheetEdit.apply(new String(content, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
                }
                ZipEntry copy = new ZipEntry(entry.getName());
                copy.setTimeLocal(LocalDateTime.of(2025, 1, 1, 0, 0));
                zip.putNextEntry(copy);
                zip.write(content);
                zip.closeEntry();
            }
        }
        return out.toByteArray();
    }

    // ------------------------------------------------------------------ checks

    private static List<ImportProblem> check(String fileName, byte[] bytes, ImportKind kind) {
        List<ImportProblem> problems = new ArrayList<>();
        long cpu = THREADS.getCurrentThreadCpuTime();
        long allocated = THREADS.getCurrentThreadAllocatedBytes();
        TableFile.Table table = null;
        try {
            table = TableFile.read(fileName, bytes, kind, 50_000, problems);
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            fail("TableFile threw " + e + " on " + bytes.length + " bytes of " + fileName, e);
        }
        long cpuMillis = (THREADS.getCurrentThreadCpuTime() - cpu) / 1_000_000;
        long allocatedMb = (THREADS.getCurrentThreadAllocatedBytes() - allocated) >> 20;
        assertThat(cpuMillis).as("CPU ms for %d bytes of %s", bytes.length, fileName).isLessThan(5_000);
        assertThat(allocatedMb).as("MB allocated for %d bytes of %s", bytes.length, fileName).isLessThan(1_500);
        if (table == null) {
            assertThat(problems).as("a refused file says why").isNotEmpty();
        }
        for (ImportProblem problem : problems) {
            assertThat(problem.file()).isEqualTo(fileName);
            assertThat(problem.row()).isNotNegative();
            assertThat(ZH.getProperty(problem.messageKey())).as("zh text for " + problem.messageKey()).isNotBlank();
            assertThat(EN.getProperty(problem.messageKey())).as("en text for " + problem.messageKey()).isNotBlank();
        }
        if (table != null) {
            for (TableFile.Row row : table.rows()) {
                assertThat(row.number()).isPositive();
                row.values().values().forEach(v -> assertThat(v.indexOf('\0')).as("NUL in a value of row %d", row.number())
                        .isNegative());
            }
        }
        return problems;
    }

    private static List<String> codes(List<ImportProblem> problems) {
        return problems.stream().map(ImportProblem::code).toList();
    }

    private static Properties bundle(String name) {
        Properties properties = new Properties();
        try (InputStream in = TableFileFuzzProperties.class.getClassLoader().getResourceAsStream(name)) {
            properties.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }
}

package org.zhice.registry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;

import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.MessageSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.zhice.audit.AuditLog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** Bulk import of organisations, people and relations from CSV and .xlsx, on a real PostgreSQL. */
@SpringBootTest
@AutoConfigureMockMvc
class RegistryImportTest {

    final RegistryImport imports;
    final Registry registry;
    final AuditLog audit;
    final MessageSource messages;
    final JdbcClient jdbc;
    final org.zhice.shared.SensitiveData sensitive;

    @Autowired
    RegistryImportTest(RegistryImport imports, Registry registry, AuditLog audit, MessageSource messages, JdbcClient jdbc,
                       org.zhice.shared.SensitiveData sensitive) {
        this.sensitive = sensitive;
        this.imports = imports;
        this.registry = registry;
        this.audit = audit;
        this.messages = messages;
        this.jdbc = jdbc;
    }

    @Test
    void importsAGoodUtf8CsvWithBomAndOptionalColumns() {
        String a = TestCodes.uscc("330108");
        String b = TestCodes.uscc("330110");
        String csv = "\uFEFFuscc,name,kind,region_code,founded_on,registered_capital_fen,is_startup,industry,address\r\n"
                + a + ",杭州测试智能科技有限公司,enterprise,330108,2021-06-18,100000000,true,人工智能,\"杭州市滨江区网商路1号,3楼\"\r\n"
                + "\r\n"
                + b + ",杭州测试算力有限公司,provider,330110,,,,,\r\n";

        RegistryImport.Outcome outcome = imports.run(ImportKind.ORGANISATIONS, "orgs.csv", csv.getBytes(StandardCharsets.UTF_8));

        assertThat(outcome.problems()).isEmpty();
        assertThat(outcome.created()).isEqualTo(2);
        assertThat(registry.organisation(a)).hasValue(new Organisation(a, "杭州测试智能科技有限公司", OrganisationKind.ENTERPRISE,
                "330108", LocalDate.of(2021, 6, 18), 100_000_000L, true, "人工智能", "杭州市滨江区网商路1号,3楼"));
        assertThat(registry.organisation(b)).hasValueSatisfying(o -> {
            assertThat(o.kind()).isEqualTo(OrganisationKind.PROVIDER);
            assertThat(o.foundedOn()).isNull();
            assertThat(o.registeredCapitalFen()).isNull();
            assertThat(o.startup()).isFalse();
        });
        assertThat(audit.forSubject("organisation", a)).extracting(AuditLog.Entry::action)
                .containsExactly("registry.organisation.create");
        assertThat(audit.forSubject("import", "orgs.csv")).isNotEmpty();
    }

    @Test
    void importsAGoodXlsxWithNumericDateAndBooleanCells() throws IOException {
        String a = TestCodes.uscc("330102");
        byte[] xlsx = xlsx(workbook -> {
            Sheet sheet = workbook.createSheet("orgs");
            header(sheet, "uscc", "name", "kind", "region_code", "founded_on", "is_startup", "registered_capital_fen");
            Row row = sheet.createRow(1);
            row.createCell(0).setCellValue(a);
            row.createCell(1).setCellValue("杭州表格数据科技有限公司");
            row.createCell(2).setCellValue("enterprise");
            row.createCell(3).setCellValue(330102);            // a number, as Excel stores it
            CellStyle date = workbook.createCellStyle();
            date.setDataFormat(workbook.getCreationHelper().createDataFormat().getFormat("yyyy/m/d"));
            row.createCell(4).setCellValue(LocalDate.of(2019, 11, 2));
            row.getCell(4).setCellStyle(date);
            row.createCell(5).setCellValue(false);
            row.createCell(6).setCellValue(500_000_000_000d);   // 50 亿元 in fen: no scientific notation
        });

        RegistryImport.Outcome outcome = imports.run(ImportKind.ORGANISATIONS, "orgs.xlsx", xlsx);

        assertThat(outcome.problems()).isEmpty();
        assertThat(registry.organisation(a)).hasValueSatisfying(o -> {
            assertThat(o.regionCode()).isEqualTo("330102");
            assertThat(o.foundedOn()).isEqualTo(LocalDate.of(2019, 11, 2));
            assertThat(o.registeredCapitalFen()).isEqualTo(500_000_000_000L);
        });

        String person = TestCodes.person();
        byte[] people = xlsx(workbook -> {
            Sheet sheet = workbook.createSheet("people");
            header(sheet, "person_id", "name", "id_number", "phone");
            Row row = sheet.createRow(1);
            row.createCell(0).setCellValue(person);
            row.createCell(1).setCellValue("张三");
            row.createCell(2).setCellValue("11010519491231002X");
            row.createCell(3).setCellValue(13800138000d);
        });
        assertThat(imports.run(ImportKind.PEOPLE, "people.xlsx", people).problems()).isEmpty();

        byte[] relations = xlsx(workbook -> {
            Sheet sheet = workbook.createSheet("relations");
            header(sheet, "party_a", "party_b", "type");
            Row row = sheet.createRow(1);
            row.createCell(0).setCellValue(person);
            row.createCell(1).setCellValue(a);
            row.createCell(2).setCellValue("legal_rep");
        });
        RegistryImport.Outcome linked = imports.run(ImportKind.RELATIONS, "relations.xlsx", relations);
        assertThat(linked.problems()).isEmpty();
        assertThat(linked.created()).isEqualTo(1);
        assertThat(registry.relatedPath(a, person, 1)).hasValueSatisfying(p ->
                assertThat(p.links()).containsExactly(new RelatedPath.Link(person, a, "legal_rep")));
    }

    @Test
    void reportsEveryBadRowWithItsColumnAndImportsNothing() {
        String good = TestCodes.uscc();
        String dup = TestCodes.uscc();
        String[] wrongCheck = TestCodes.withWrongCheck(TestCodes.uscc());
        String csv = """
                uscc,name,kind,region_code,founded_on,is_startup
                %s,好的有限公司,enterprise,330106,,
                %s,缺少地区有限公司,enterprise,,,
                %s,校验位错误有限公司,enterprise,330106,,
                91330106ABC,太短有限公司,enterprise,330106,,
                %s,,enterprise,330106,,
                %s,未知类型有限公司,factory,330106,,
                %s,地区五位有限公司,enterprise,33010,,
                %s,未知地区有限公司,enterprise,999999,,
                %s,重复甲有限公司,provider,330106,,
                %s,重复乙有限公司,provider,330106,2020-13-01,maybe
                """.formatted(good, TestCodes.uscc(), wrongCheck[0], TestCodes.uscc(), TestCodes.uscc(), TestCodes.uscc(),
                TestCodes.uscc(), dup, dup);

        RegistryImport.Outcome outcome = imports.run(ImportKind.ORGANISATIONS, "bad.csv", csv.getBytes(StandardCharsets.UTF_8));

        assertThat(outcome.ok()).isFalse();
        assertThat(outcome.problems()).extracting(ImportProblem::file, ImportProblem::row, ImportProblem::column, ImportProblem::code)
                .containsExactly(
                        tuple("bad.csv", 3, "region_code", "required"),
                        tuple("bad.csv", 4, "uscc", "uscc.check"),
                        tuple("bad.csv", 5, "uscc", "uscc.length"),
                        tuple("bad.csv", 6, "name", "required"),
                        tuple("bad.csv", 7, "kind", "kind.invalid"),
                        tuple("bad.csv", 8, "region_code", "region.format"),
                        tuple("bad.csv", 9, "region_code", "region.unknown"),
                        tuple("bad.csv", 11, "founded_on", "date.format"),
                        tuple("bad.csv", 11, "is_startup", "boolean.format"),
                        tuple("bad.csv", 11, "uscc", "duplicate"));
        assertThat(outcome.problems().get(9).args()).containsExactly("10");
        assertThat(registry.organisation(good)).isEmpty();
        assertThat(registry.organisation(dup)).isEmpty();
    }

    @Test
    void aWrongCheckCharacterNamesTheExpectedOneInBothLanguages() {
        String[] wrong = TestCodes.withWrongCheck(TestCodes.uscc());
        String csv = "uscc,name,kind,region_code\n" + wrong[0] + ",某公司,enterprise,330106\n";

        ImportProblem problem = imports.run(ImportKind.ORGANISATIONS, "o.csv", csv.getBytes(StandardCharsets.UTF_8))
                .problems().get(0);

        assertThat(problem.code()).isEqualTo("uscc.check");
        String zh = messages.getMessage(problem.messageKey(), problem.args().toArray(), Locale.SIMPLIFIED_CHINESE);
        String en = messages.getMessage(problem.messageKey(), problem.args().toArray(), Locale.ENGLISH);
        assertThat(zh).contains("应为“" + wrong[1] + "”", "实为“" + wrong[0].charAt(17) + "”");
        assertThat(en).contains("expected \"" + wrong[1] + "\"");
    }

    @Test
    void aGbkFileIsRefusedAsNotUtf8InsteadOfBecomingGarbage() {
        String csv = "uscc,name,kind,region_code\n" + TestCodes.uscc() + ",杭州某某科技有限公司,enterprise,330106\n";
        byte[] gbk = csv.getBytes(Charset.forName("GBK"));

        List<ImportProblem> problems = imports.run(ImportKind.ORGANISATIONS, "gbk.csv", gbk).problems();

        assertThat(problems).extracting(ImportProblem::row, ImportProblem::code).containsExactly(tuple(2, "encoding.notUtf8"));
    }

    @Test
    void aWrongHeaderIsReportedColumnByColumn() {
        String csv = "uscc,名称,kind,kind\n" + TestCodes.uscc() + ",x,enterprise,enterprise\n";

        List<ImportProblem> problems = imports.run(ImportKind.ORGANISATIONS, "h.csv", csv.getBytes(StandardCharsets.UTF_8)).problems();

        assertThat(problems).extracting(ImportProblem::row, ImportProblem::column, ImportProblem::code).containsExactlyInAnyOrder(
                tuple(1, "名称", "header.unknown"),
                tuple(1, "kind", "header.duplicate"),
                tuple(1, "name", "header.missing"),
                tuple(1, "region_code", "header.missing"));
    }

    @Test
    void relationsMustJoinTwoRegisteredDifferentParties() {
        String org = TestCodes.uscc();
        String person = TestCodes.person();
        imports.run(ImportKind.ORGANISATIONS, "o.csv", ("uscc,name,kind,region_code\n" + org + ",甲公司,enterprise,330106\n")
                .getBytes(StandardCharsets.UTF_8));
        imports.run(ImportKind.PEOPLE, "p.csv", ("person_id,name\n" + person + ",李四\n").getBytes(StandardCharsets.UTF_8));
        String unknownOrg = TestCodes.uscc();
        String[] wrong = TestCodes.withWrongCheck(TestCodes.uscc());
        String csv = """
                party_a,party_b,type
                %s,%s,legal_rep
                P:nobody-here,%s,shareholder
                %s,%s,officer
                %s,%s,shareholder
                %s,%s,legal_rep
                %s,%s,
                zhang3,%s,officer
                %s,%s,LEGAL_REP
                """.formatted(person, org, org, person, unknownOrg, person, wrong[0], org, org, person, org, org, person, org);

        List<ImportProblem> problems = imports.run(ImportKind.RELATIONS, "r.csv", csv.getBytes(StandardCharsets.UTF_8)).problems();

        assertThat(problems).extracting(ImportProblem::row, ImportProblem::column, ImportProblem::code).containsExactly(
                tuple(3, "party_a", "party.unknown"),
                tuple(4, "party_b", "party.unknown"),
                tuple(5, "party_b", "uscc.check"),
                tuple(6, "party_b", "relation.self"),
                tuple(7, "type", "required"),
                tuple(8, "party_a", "party.format"),
                tuple(9, null, "duplicate"));
        assertThat(registry.relatedPath(person, org, 1)).isEmpty();
    }

    @Test
    void reImportingUpdatesChangedRecordsAndAuditsWhatChanged() {
        String a = TestCodes.uscc();
        String b = TestCodes.uscc();
        String first = "uscc,name,kind,region_code,industry\n" + a + ",旧名称有限公司,enterprise,330106,人工智能\n"
                + b + ",不变有限公司,enterprise,330106,\n";
        imports.run(ImportKind.ORGANISATIONS, "v1.csv", first.getBytes(StandardCharsets.UTF_8));
        // no industry column this time: the stored industry stays
        String second = "uscc,name,kind,region_code\n" + a + ",新名称有限公司,enterprise,330108\n"
                + b + ",不变有限公司,enterprise,330106\n";

        RegistryImport.Outcome outcome = imports.run(ImportKind.ORGANISATIONS, "v2.csv", second.getBytes(StandardCharsets.UTF_8));

        assertThat(outcome.created()).isZero();
        assertThat(outcome.updated()).isEqualTo(1);
        assertThat(outcome.unchanged()).isEqualTo(1);
        assertThat(registry.organisation(a)).hasValueSatisfying(o -> {
            assertThat(o.name()).isEqualTo("新名称有限公司");
            assertThat(o.regionCode()).isEqualTo("330108");
            assertThat(o.industry()).isEqualTo("人工智能");
        });
        assertThat(audit.forSubject("organisation", a)).extracting(AuditLog.Entry::action)
                .containsExactly("registry.organisation.create", "registry.organisation.update");
        assertThat(audit.forSubject("organisation", a).get(1).detail())
                .contains("name: 旧名称有限公司 → 新名称有限公司", "region_code: 330106 → 330108", "v2.csv row 2");
        assertThat(audit.forSubject("organisation", b)).hasSize(1);
    }

    @Test
    void peopleAreCheckedAndTheirIdNumbersKeptOutOfTheAuditLog() {
        String p = TestCodes.person();
        String csv = "person_id,name,id_number,phone\n"
                + p + ",王五,110105194912310021,13800138000\n"
                + "zhao6,赵六,,\n"
                + TestCodes.person() + ",钱七,11010519491231002,abc\n";
        List<ImportProblem> problems = imports.run(ImportKind.PEOPLE, "p.csv", csv.getBytes(StandardCharsets.UTF_8)).problems();
        assertThat(problems).extracting(ImportProblem::row, ImportProblem::column, ImportProblem::code).containsExactly(
                tuple(2, "id_number", "idNumber.check"),
                tuple(3, "person_id", "person.format"),
                tuple(4, "id_number", "idNumber.format"),
                tuple(4, "phone", "phone.format"));
        assertThat(problems.get(0).args()).containsExactly("X", "1");

        String good = "person_id,name,id_number\n" + p + ",王五,11010519491231002X\n";
        assertThat(imports.run(ImportKind.PEOPLE, "p.csv", good.getBytes(StandardCharsets.UTF_8)).ok()).isTrue();
        String changed = "person_id,name,id_number\n" + p + ",王五,110105195001010012\n";
        assertThat(imports.run(ImportKind.PEOPLE, "p2.csv", changed.getBytes(StandardCharsets.UTF_8)).updated()).isEqualTo(1);
        assertThat(audit.forSubject("person", p)).extracting(AuditLog.Entry::detail)
                .allSatisfy(detail -> assertThat(detail).doesNotContain("11010519"));
        String stored = jdbc.sql("select id_number from person where person_id = :p").param("p", p).query(String.class).single();
        assertThat(stored).as("ID numbers are SM4-encrypted at rest").startsWith("sm4:").doesNotContain("110105");
        assertThat(sensitive.decrypt(stored)).isEqualTo("110105195001010012");
    }

    @Test
    void filesThatAreTooLongOrEmptyOrNotSpreadsheetsAreRefusedWhole() {
        StringBuilder big = new StringBuilder("person_id,name\n");
        for (int i = 0; i <= RegistryImport.MAX_ROWS; i++) {
            big.append("P:big").append(i).append(",某人\n");
        }
        assertThat(codes(imports.run(ImportKind.PEOPLE, "big.csv", big.toString().getBytes(StandardCharsets.UTF_8))))
                .containsExactly("rows.tooMany");
        assertThat(registry.names(List.of("P:big1"))).isEmpty();
        assertThat(codes(imports.run(ImportKind.PEOPLE, "e.csv", new byte[0]))).containsExactly("empty");
        assertThat(codes(imports.run(ImportKind.PEOPLE, "h.csv", "person_id,name\n".getBytes(StandardCharsets.UTF_8))))
                .containsExactly("rows.none");
        assertThat(codes(imports.run(ImportKind.PEOPLE, "x.xlsx", "PK\u0003\u0004 not really".getBytes(StandardCharsets.ISO_8859_1))))
                .containsExactly("format.xlsx");
        assertThat(codes(imports.run(ImportKind.PEOPLE, "q.csv", "person_id,name\n\"P:q,x\n".getBytes(StandardCharsets.UTF_8))))
                .containsExactly("csv.malformed");
        assertThat(codes(imports.run(ImportKind.PEOPLE, "huge.csv", new byte[(int) RegistryImport.MAX_BYTES + 1])))
                .containsExactly("file.tooLarge");
    }

    private static List<String> codes(RegistryImport.Outcome outcome) {
        return outcome.problems().stream().map(ImportProblem::code).toList();
    }

    interface SheetWriter {
        void write(XSSFWorkbook workbook);
    }

    static byte[] xlsx(SheetWriter writer) throws IOException {
        try (XSSFWorkbook workbook = new XSSFWorkbook(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            writer.write(workbook);
            workbook.write(out);
            return out.toByteArray();
        }
    }

    static void header(Sheet sheet, String... names) {
        Row row = sheet.createRow(0);
        for (int i = 0; i < names.length; i++) {
            row.createCell(i).setCellValue(names[i]);
        }
    }
}

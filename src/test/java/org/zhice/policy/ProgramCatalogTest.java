package org.zhice.policy;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.zhice.audit.AuditLog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.zhice.policy.ProgramFixtures.program;

/** Storing, versioning and reading programs, on a real PostgreSQL. */
@SpringBootTest
class ProgramCatalogTest {

    final ProgramCatalog catalog;
    final JdbcClient jdbc;
    final AuditLog audit;

    @Autowired
    ProgramCatalogTest(ProgramCatalog catalog, JdbcClient jdbc, AuditLog audit) {
        this.catalog = catalog;
        this.jdbc = jdbc;
        this.audit = audit;
    }

    @Test
    void aNewProgramIsVersionOneWithItsTextHashAndKeyFieldsStoredAndAudited() {
        String yaml = program("store-one", "1234567.89", "0.3333");

        ProgramCatalog.Stored stored = stored(catalog.store("store-one.yaml", yaml, "office-a"));

        assertThat(stored.created()).isTrue();
        assertThat(stored.version().version()).isEqualTo(1);
        assertThat(stored.version().yamlText()).isEqualTo(yaml);
        assertThat(stored.version().yamlSm3()).matches("[0-9a-f]{64}").isEqualTo(ProgramText.sm3(yaml));
        var row = jdbc.sql("""
                select budget_fen, per_enterprise_cap_fen, period_start::text, file_name, uploaded_by, yaml_text
                from program_version where program_id = 'store-one'
                """).query().singleRow();
        assertThat(row).containsEntry("budget_fen", 123456789L).containsEntry("per_enterprise_cap_fen", 40000L)
                .containsEntry("period_start", "2025-01-01").containsEntry("file_name", "store-one.yaml")
                .containsEntry("uploaded_by", "office-a").containsEntry("yaml_text", yaml);
        List<BigDecimal> ratios = jdbc.sql("""
                select c.ratio from program_category c join program_version v on v.id = c.program_version_id
                where v.program_id = 'store-one' order by c.position
                """).query(BigDecimal.class).list();
        assertThat(ratios).containsExactly(new BigDecimal("0.3333"), new BigDecimal("0.2500"));
        assertThat(audit.forSubject("program", "store-one"))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.actor()).isEqualTo("office-a");
                    assertThat(e.action()).isEqualTo("program.store");
                    assertThat(e.detail()).contains("version 1").contains(stored.version().yamlSm3());
                });

        ProgramCatalog.Version current = catalog.current("store-one").orElseThrow();
        assertThat(current.version()).isEqualTo(1);
        assertThat(current.program().budgetFen()).isEqualTo(123456789L);
        assertThat(current.program().ratio("compute.domestic")).isEqualByComparingTo("0.3333");
    }

    @Test
    void aChangedFileIsTheNextVersionAndTheOldVersionStaysReadableAsItWas() {
        stored(catalog.store("v.yaml", program("two-versions", "1000000", "0.30"), "office-a"));
        ProgramCatalog.Stored second = stored(catalog.store("v.yaml", program("two-versions", "2000000", "0.25"), "office-b"));

        assertThat(second.created()).isTrue();
        assertThat(second.version().version()).isEqualTo(2);
        assertThat(catalog.current("two-versions").orElseThrow().program().budgetFen()).isEqualTo(200_000_000L);
        ProgramCatalog.Version first = catalog.version("two-versions", 1).orElseThrow();
        assertThat(first.program().budgetFen()).isEqualTo(100_000_000L);
        assertThat(first.program().ratio("compute.domestic")).isEqualByComparingTo("0.30");
        assertThat(first.uploadedBy()).isEqualTo("office-a");
        assertThat(catalog.versions("two-versions")).extracting(ProgramCatalog.VersionSummary::version)
                .containsExactly(1, 2);
        assertThat(catalog.currentPrograms()).filteredOn(p -> p.id().equals("two-versions")).singleElement()
                .satisfies(p -> {
                    assertThat(p.version()).isEqualTo(2);
                    assertThat(p.budgetFen()).isEqualTo(200_000_000L);
                    assertThat(p.categoryRatios().get("compute.domestic")).isEqualByComparingTo("0.25");
                });

        // a stored version can be neither changed nor removed, not even by SQL
        assertThatThrownBy(() -> jdbc.sql("update program_version set budget_fen = 1 where program_id = 'two-versions'")
                .update()).hasMessageContaining("append-only");
        assertThatThrownBy(() -> jdbc.sql("delete from program_category").update()).hasMessageContaining("append-only");
    }

    @Test
    void theSameTextAgainStoresNothingEvenWithWindowsLineEndsOrAByteOrderMark() {
        String yaml = program("idempotent");
        ProgramCatalog.Stored first = stored(catalog.store("a.yaml", yaml, "office-a"));
        ProgramCatalog.Stored again = stored(catalog.store("b.yaml", yaml, "office-b"));
        ProgramCatalog.Stored windows = stored(catalog.store("c.yaml", "\uFEFF" + yaml.replace("\n", "\r\n"), "office-b"));

        assertThat(again.created()).isFalse();
        assertThat(windows.created()).isFalse();
        assertThat(again.version().version()).isEqualTo(1);
        assertThat(again.version().uploadedBy()).isEqualTo("office-a");
        assertThat(again.version().yamlSm3()).isEqualTo(first.version().yamlSm3());
        assertThat(catalog.versions("idempotent")).hasSize(1);
        assertThat(audit.forSubject("program", "idempotent")).hasSize(1);

        // going back to the text of version 1 after version 2 names version 1 and stores nothing
        stored(catalog.store("a.yaml", program("idempotent", "5", "0.1"), "office-a"));
        ProgramCatalog.Stored back = stored(catalog.store("a.yaml", yaml, "office-a"));
        assertThat(back.created()).isFalse();
        assertThat(back.version().version()).isEqualTo(1);
        assertThat(back.latest()).isEqualTo(2);
        assertThat(catalog.current("idempotent").orElseThrow().version()).isEqualTo(2);
    }

    @Test
    void aBadFileStoresNothingAndEveryErrorNamesFileLineAndKey() {
        String bad = program("bad-program", "-5", "1.5")
                .replace("period: { start: 2025-01-01, end: 2025-12-31 }", "period: { start: 2025-01-01, end: 2024-12-31 }")
                + "surprise: 1\n";
        long versionsBefore = count("program_version");

        ProgramCatalog.StoreResult result = catalog.store("bad.yaml", bad, "office-a");

        assertThat(result).isInstanceOf(ProgramCatalog.Rejected.class);
        List<ProgramError> errors = ((ProgramCatalog.Rejected) result).errors();
        assertThat(errors).allSatisfy(e -> assertThat(e.file()).isEqualTo("bad.yaml"));
        assertThat(errors).extracting(ProgramError::key, ProgramError::line)
                .contains(org.assertj.core.groups.Tuple.tuple("period.end", 5),
                        org.assertj.core.groups.Tuple.tuple("budget_yuan", 7),
                        org.assertj.core.groups.Tuple.tuple("categories.compute.domestic", 10),
                        org.assertj.core.groups.Tuple.tuple("surprise", 16));
        assertThat(count("program_version")).isEqualTo(versionsBefore);
        assertThat(catalog.current("bad-program")).isEmpty();
        assertThat(jdbc.sql("select count(*) from program where program_id = 'bad-program'").query(Long.class).single())
                .isZero();
    }

    @Test
    void thePresetsAllLoadOnceWithTheFiguresOfTheirPolicies() {
        ProgramCatalog.Load first = catalog.loadPresets();
        assertThat(first.errors()).isEmpty();
        assertThat(first.stored()).extracting(s -> s.version().id())
                .contains("hz-2025-compute", "bj-2023-compute", "sz-2025-training", "cd-2024-compute");
        ProgramCatalog.Load again = catalog.loadPresets();
        assertThat(again.ok()).isTrue();
        assertThat(again.stored()).noneMatch(ProgramCatalog.Stored::created);
        assertThat(again.stored()).allMatch(s -> s.version().version() == 1);

        Program hz = catalog.current("hz-2025-compute").orElseThrow().program();
        assertThat(hz.name()).isEqualTo("杭州市2025年度市级算力券");
        assertThat(hz.funder()).isEqualTo("杭州市经济和信息化局");
        assertThat(hz.regionPrefix()).isEqualTo("3301");
        assertThat(hz.budgetFen()).isEqualTo(25_000_000_000L);
        assertThat(hz.perEnterpriseCapFen()).isEqualTo(800_000_000L);
        assertThat(hz.ratio("compute.domestic")).isEqualByComparingTo("0.30");
        assertThat(hz.ratio("compute.other")).isEqualByComparingTo("0.20");
        assertThat(hz.ratio("model.filed")).isEqualByComparingTo("0.30");
        assertThat(hz.contractTermDaysMax()).isEqualTo(366);
        assertThat(hz.capPriceAtReference()).isTrue();
        assertThat(hz.excludeRelatedParties()).isTrue();
        assertThat(hz.noticeWorkingDays()).isEqualTo(5);
        assertThat(hz.targets()).extracting(Program.Target::goal).containsExactly(new BigDecimal("2"), new BigDecimal("25"));

        Program bj = catalog.current("bj-2023-compute").orElseThrow().program();
        assertThat(bj.regionPrefix()).isEqualTo("1101");
        assertThat(bj.perEnterpriseCapFen()).isEqualTo(200_000_000L);
        assertThat(bj.categories().values()).allSatisfy(r -> assertThat(r).isEqualByComparingTo("0.20"));

        Program sz = catalog.current("sz-2025-training").orElseThrow().program();
        assertThat(sz.regionPrefix()).isEqualTo("4403");
        assertThat(sz.perEnterpriseCapFen()).isEqualTo(1_000_000_000L);
        assertThat(sz.ratio("compute.domestic", false)).isEqualByComparingTo("0.50");
        assertThat(sz.ratio("compute.domestic", true)).isEqualByComparingTo("0.60");
        assertThat(catalog.currentPrograms()).filteredOn(p -> p.id().equals("sz-2025-training")).singleElement()
                .satisfies(p -> assertThat(p.startupRatios().get("compute.other")).isEqualByComparingTo("0.60"));

        assertThat(catalog.current("cd-2024-compute").orElseThrow().program().redemptionMode())
                .isEqualTo(Program.RedemptionMode.PROVIDER_DEDUCTS);
    }

    @Test
    void aFolderWithOneBadFileLoadsNothing(@TempDir Path folder) throws IOException {
        Files.writeString(folder.resolve("a-good.yaml"), program("folder-good"), StandardCharsets.UTF_8);
        Files.writeString(folder.resolve("b-bad.yml"), program("folder-bad").replace("notice_working_days: 5",
                "notice_working_days: soon"), StandardCharsets.UTF_8);
        Files.writeString(folder.resolve("c-twin.yaml"), program("folder-good", "7", "0.3"), StandardCharsets.UTF_8);
        Files.writeString(folder.resolve("notes.txt"), "not a program", StandardCharsets.UTF_8);

        ProgramCatalog.Load load = catalog.loadFolder(folder);

        assertThat(load.ok()).isFalse();
        assertThat(load.stored()).isEmpty();
        assertThat(load.errors()).extracting(ProgramError::file, ProgramError::key)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("b-bad.yml", "notice_working_days"),
                        org.assertj.core.groups.Tuple.tuple("c-twin.yaml", "id"));
        assertThat(catalog.current("folder-good")).isEmpty();

        // zhice.programs.dir: a bad folder stops the start, naming every error
        assertThatThrownBy(() -> new ProgramStartup(catalog, folder.toString()).run(null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("b-bad.yml:")
                .hasMessageContaining(":notice_working_days:")
                .hasMessageContaining("c-twin.yaml:");
        assertThat(catalog.current("folder-good")).isEmpty();

        Files.delete(folder.resolve("b-bad.yml"));
        Files.delete(folder.resolve("c-twin.yaml"));
        new ProgramStartup(catalog, folder.toString()).run(null);
        assertThat(catalog.current("folder-good").orElseThrow().fileName()).isEqualTo("a-good.yaml");
        assertThat(catalog.loadFolder(folder).stored()).singleElement()
                .satisfies(s -> assertThat(s.created()).isFalse());
    }

    @Test
    void theHashIsPlainSm3OfTheFileSoAnyoneCanRecomputeIt() {
        // GB/T 32905-2016, example 1
        assertThat(ProgramText.sm3("abc")).isEqualTo("66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
    }

    @Test
    void concurrentUploadsOfOneProgramGetConsecutiveVersionsAndTheSameTextOnlyOnce() throws Exception {
        int writers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Callable<ProgramCatalog.StoreResult>> different = new ArrayList<>();
            List<Callable<ProgramCatalog.StoreResult>> same = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                String text = program("concurrent", String.valueOf(1000 + i), "0.30");
                different.add(() -> catalog.store("c.yaml", text, "office-a"));
                same.add(() -> catalog.store("s.yaml", program("concurrent-same"), "office-a"));
            }
            for (Future<ProgramCatalog.StoreResult> f : pool.invokeAll(different)) {
                assertThat(stored(f.get()).created()).isTrue();
            }
            long created = 0;
            for (Future<ProgramCatalog.StoreResult> f : pool.invokeAll(same)) {
                created += stored(f.get()).created() ? 1 : 0;
            }
            assertThat(created).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(catalog.versions("concurrent")).extracting(ProgramCatalog.VersionSummary::version)
                .containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(catalog.current("concurrent").orElseThrow().version()).isEqualTo(8);
        assertThat(catalog.versions("concurrent-same")).hasSize(1);
    }

    private long count(String table) {
        return jdbc.sql("select count(*) from " + table).query(Long.class).single();
    }

    private static ProgramCatalog.Stored stored(ProgramCatalog.StoreResult result) {
        assertThat(result).as("stored, not rejected: %s", result).isInstanceOf(ProgramCatalog.Stored.class);
        return (ProgramCatalog.Stored) result;
    }
}

package org.zhice.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

import org.junit.jupiter.api.Test;

class ProgramParserTest {

    static final String HANGZHOU = """
            id: hz-2025-compute                 # [a-z0-9-]{3,64}
            name: 杭州市2025年度市级算力券
            funder: 杭州市经济和信息化局
            region_prefix: "3301"                # enterprise's GB/T 2260 region code must start with this
            period: { start: 2025-01-01, end: 2025-12-31 }   # contracts must be signed inside it
            application_window: { start: 2025-01-01, end: 2025-12-31 }  # applications submitted inside it
            budget_yuan: 250000000               # annual pool; up to 2 decimals
            per_enterprise_cap_yuan: 8000000     # per enterprise, per program
            categories:                          # category -> subsidy ratio, 0 < ratio <= 1, up to 4 decimals
              compute.domestic: 0.30             # 国产智能算力
              compute.other: 0.20                # other intelligent compute
              model.filed: 0.30                  # model services on a filed (备案) model
            contract_term_days_max: 366          # end_on - start_on + 1 <= this
            cap_price_at_reference: true         # subsidise at most the catalog's reference price
            exclude_related_parties: true
            notice_working_days: 5               # 公示 length; used online, not by replay
            """;

    static List<ProgramError> errors(String text) {
        try {
            ProgramParser.parse("program.yaml", text);
        } catch (ProgramException e) {
            return e.errors();
        }
        throw new AssertionError("expected errors");
    }

    @Test
    void readsTheSpecExampleExactly() throws ProgramException {
        Program program = ProgramParser.parse("program.yaml", HANGZHOU);
        assertThat(program.id()).isEqualTo("hz-2025-compute");
        assertThat(program.name()).isEqualTo("杭州市2025年度市级算力券");
        assertThat(program.funder()).isEqualTo("杭州市经济和信息化局");
        assertThat(program.regionPrefix()).isEqualTo("3301");
        assertThat(program.period()).isEqualTo(new Program.DateRange(LocalDate.of(2025, 1, 1), LocalDate.of(2025, 12, 31)));
        assertThat(program.applicationWindow().end()).isEqualTo(LocalDate.of(2025, 12, 31));
        assertThat(program.budgetFen()).isEqualTo(25_000_000_000L);
        assertThat(program.perEnterpriseCapFen()).isEqualTo(800_000_000L);
        assertThat(program.categories()).containsExactly(
                java.util.Map.entry("compute.domestic", new BigDecimal("0.30")),
                java.util.Map.entry("compute.other", new BigDecimal("0.20")),
                java.util.Map.entry("model.filed", new BigDecimal("0.30")));
        assertThat(program.contractTermDaysMax()).isEqualTo(366);
        assertThat(program.capPriceAtReference()).isTrue();
        assertThat(program.excludeRelatedParties()).isTrue();
        assertThat(program.noticeWorkingDays()).isEqualTo(5);
        assertThat(program.redemptionMode()).isEqualTo(Program.RedemptionMode.CLAIM_AFTER_PAYMENT);
        assertThat(program.startupCategories()).isEmpty();
        assertThat(program.targets()).isEmpty();
        assertThat(program.ratio("compute.other", true)).isEqualByComparingTo("0.20");
        assertThat(program.ratio("nope", false)).isNull();
    }

    @Test
    void amountsInYuanBecomeExactFen() throws ProgramException {
        Program program = ProgramParser.parse("p", HANGZHOU.replace("budget_yuan: 250000000", "budget_yuan: 0.07")
                .replace("per_enterprise_cap_yuan: 8000000", "per_enterprise_cap_yuan: 1234567.89"));
        assertThat(program.budgetFen()).isEqualTo(7);
        assertThat(program.perEnterpriseCapFen()).isEqualTo(123_456_789);
    }

    @Test
    void readsTheOptionalExtensions() throws ProgramException {
        Program program = ProgramParser.parse("p", HANGZHOU + """
                redemption_mode: provider_deducts
                startup_categories:
                  compute.domestic: 0.60
                targets:
                  - { name: 基础大模型, metric: foundation_models, goal: 2, due: 2025-12-31 }
                  - name: 行业大模型
                    metric: industry_models
                    goal: 25
                    due: 2025-12-31
                """);
        assertThat(program.redemptionMode()).isEqualTo(Program.RedemptionMode.PROVIDER_DEDUCTS);
        assertThat(program.startupCategories()).containsExactly(java.util.Map.entry("compute.domestic", new BigDecimal("0.60")));
        assertThat(program.ratio("compute.domestic", true)).isEqualByComparingTo("0.60");
        assertThat(program.ratio("compute.domestic", false)).isEqualByComparingTo("0.30");
        assertThat(program.ratio("model.filed", true)).isEqualByComparingTo("0.30");
        assertThat(program.targets()).containsExactly(
                new Program.Target("基础大模型", "foundation_models", new BigDecimal("2"), LocalDate.of(2025, 12, 31)),
                new Program.Target("行业大模型", "industry_models", new BigDecimal("25"), LocalDate.of(2025, 12, 31)));
    }

    @Test
    void anUnknownKeyNamesFileKeyAndLine() {
        assertThat(errors(HANGZHOU + "budget_wan: 3\n")).extracting(ProgramError::toString)
                .containsExactly("program.yaml:17:budget_wan: unknown key");
        assertThat(errors(HANGZHOU.replace("{ start: 2025-01-01, end: 2025-12-31 }   #",
                "{ start: 2025-01-01, end: 2025-12-31, to: 2026-01-01 }   #")))
                .extracting(ProgramError::toString).containsExactly("program.yaml:5:period.to: unknown key");
    }

    @Test
    void aMissingKeyIsNamed() {
        assertThat(errors(HANGZHOU.replace("notice_working_days: 5               # 公示 length; used online, not by replay\n", "")))
                .extracting(ProgramError::key).containsExactly("notice_working_days");
        assertThat(errors(HANGZHOU.replace("{ start: 2025-01-01, end: 2025-12-31 }   #", "{ start: 2025-01-01 }   #")))
                .extracting(ProgramError::toString).containsExactly("program.yaml:5:period.end: is missing");
    }

    @Test
    void ratiosMustBeInZeroToOneWithAtMostFourDecimals() {
        assertThat(errors(HANGZHOU.replace("compute.other: 0.20", "compute.other: 0")))
                .extracting(ProgramError::toString).containsExactly("program.yaml:11:categories.compute.other: ratio must be in (0, 1]: 0");
        assertThat(errors(HANGZHOU.replace("compute.other: 0.20", "compute.other: 1.0001")))
                .extracting(ProgramError::key).containsExactly("categories.compute.other");
        assertThat(errors(HANGZHOU.replace("compute.other: 0.20", "compute.other: -0.2")))
                .extracting(ProgramError::key).containsExactly("categories.compute.other");
        assertThat(errors(HANGZHOU.replace("compute.other: 0.20", "compute.other: 0.12345")))
                .extracting(ProgramError::message).containsExactly("ratio has more than 4 decimals: 0.12345");
        assertThat(errors(HANGZHOU.replace("compute.other: 0.20", "compute.other: 20%")))
                .extracting(ProgramError::key).containsExactly("categories.compute.other");
    }

    @Test
    void ratioOfExactlyOneAndFourDecimalsAreFine() throws ProgramException {
        Program program = ProgramParser.parse("p", HANGZHOU.replace("compute.other: 0.20", "compute.other: 1")
                .replace("model.filed: 0.30", "model.filed: 0.1234"));
        assertThat(program.ratio("compute.other")).isEqualByComparingTo("1");
        assertThat(program.ratio("model.filed")).isEqualByComparingTo("0.1234");
    }

    @Test
    void moneyMustNotBeNegativeOrFinerThanAFen() {
        assertThat(errors(HANGZHOU.replace("budget_yuan: 250000000", "budget_yuan: -1")))
                .extracting(ProgramError::toString).containsExactly("program.yaml:7:budget_yuan: must not be negative: -1");
        assertThat(errors(HANGZHOU.replace("per_enterprise_cap_yuan: 8000000", "per_enterprise_cap_yuan: 1.005")))
                .extracting(ProgramError::toString)
                .containsExactly("program.yaml:8:per_enterprise_cap_yuan: has more than 2 decimals: 1.005");
        assertThat(errors(HANGZHOU.replace("contract_term_days_max: 366", "contract_term_days_max: -3")))
                .extracting(ProgramError::key).containsExactly("contract_term_days_max");
        assertThat(errors(HANGZHOU.replace("budget_yuan: 250000000", "budget_yuan: 2.5e8")))
                .extracting(ProgramError::key).containsExactly("budget_yuan");
    }

    @Test
    void anEndBeforeItsStartIsAnError() {
        assertThat(errors(HANGZHOU.replace("application_window: { start: 2025-01-01, end: 2025-12-31 }",
                "application_window: { start: 2025-06-01, end: 2025-05-31 }")))
                .extracting(ProgramError::toString)
                .containsExactly("program.yaml:6:application_window.end: end 2025-05-31 is before start 2025-06-01");
    }

    @Test
    void idDatesAndBooleansAreChecked() {
        assertThat(errors(HANGZHOU.replace("id: hz-2025-compute", "id: HZ_2025")))
                .extracting(ProgramError::key).containsExactly("id");
        assertThat(errors(HANGZHOU.replace("id: hz-2025-compute", "id: hz")))
                .extracting(ProgramError::key).containsExactly("id");
        assertThat(errors(HANGZHOU.replace("period: { start: 2025-01-01", "period: { start: 2025-02-30")))
                .extracting(ProgramError::key).containsExactly("period.start");
        assertThat(errors(HANGZHOU.replace("cap_price_at_reference: true", "cap_price_at_reference: yes")))
                .extracting(ProgramError::key).containsExactly("cap_price_at_reference");
        assertThat(errors(HANGZHOU.replace("region_prefix: \"3301\"", "region_prefix: hz")))
                .extracting(ProgramError::key).containsExactly("region_prefix");
    }

    @Test
    void everyErrorIsReportedInLineOrder() {
        String bad = HANGZHOU.replace("id: hz-2025-compute", "id: X")
                .replace("budget_yuan: 250000000", "budget_yuan: -5")
                .replace("model.filed: 0.30", "model.filed: 2")
                .replace("exclude_related_parties: true\n", "")
                + "colour: red\n";
        assertThat(errors(bad)).extracting(e -> e.line() + ":" + e.key()).containsExactly(
                "1:id", "1:exclude_related_parties", "7:budget_yuan", "12:categories.model.filed", "16:colour");
    }

    @Test
    void duplicateKeysAndExtensionsAreChecked() {
        assertThat(errors(HANGZHOU + "budget_yuan: 5\n")).extracting(ProgramError::toString)
                .containsExactly("program.yaml:17:budget_yuan: appears twice");
        assertThat(errors(HANGZHOU + "redemption_mode: cash\n")).extracting(ProgramError::key)
                .containsExactly("redemption_mode");
        assertThat(errors(HANGZHOU + "startup_categories: { model.other: 0.5 }\n")).extracting(ProgramError::toString)
                .containsExactly("program.yaml:17:startup_categories.model.other: is not one of the program's categories");
        assertThat(errors(HANGZHOU + "startup_categories: { model.filed: 1.5 }\n")).extracting(ProgramError::key)
                .containsExactly("startup_categories.model.filed");
        assertThat(errors(HANGZHOU + "targets:\n  - { name: x, metric: y, goal: 1, due: 2025-13-01, owner: z }\n"))
                .extracting(ProgramError::key).containsExactlyInAnyOrder("targets[0].due", "targets[0].owner");
    }

    @Test
    void notYamlOrNotAMappingIsAnError() {
        assertThat(errors("id: [unclosed\n")).singleElement().satisfies(e -> {
            assertThat(e.file()).isEqualTo("program.yaml");
            assertThat(e.message()).startsWith("not valid YAML");
        });
        assertThat(errors("")).extracting(ProgramError::message).containsExactly("empty program");
        assertThat(errors("- a\n- b\n")).hasSize(1);
    }

    @Test
    void theExceptionListsEveryError() {
        assertThatThrownBy(() -> ProgramParser.parse("p.yaml", HANGZHOU.replace("budget_yuan: 250000000", "budget_yuan: x")))
                .isInstanceOf(ProgramException.class)
                .hasMessage("p.yaml:7:budget_yuan: must be an amount in yuan with up to 2 decimals: \"x\"");
    }
}

package org.zhice.policy;

import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.springframework.context.support.ReloadableResourceBundleMessageSource;
import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.zhice.policy.ProgramFixtures.program;

/**
 * Every error the parser reports reaches the reader in Chinese and English: each message maps to
 * a key of the policy bundles. Fails when the parser gains a message this module cannot translate.
 */
class ProgramErrorTextTest {

    static final List<String> BAD_FILES = List.of(
            "",
            "- a\n- b\n",
            "id: [unclosed\n",
            program("Bad_ID")
                    .replace("region_prefix: \"3301\"", "region_prefix: \"33a\"")
                    .replace("budget_yuan: 1000000", "budget_yuan: abc")
                    .replace("per_enterprise_cap_yuan: 400", "per_enterprise_cap_yuan: 1.234")
                    .replace("compute.domestic: 0.30", "compute.domestic: 0.12345")
                    .replace("model.filed: 0.25", "model.filed: 0")
                    .replace("contract_term_days_max: 366", "contract_term_days_max: long")
                    .replace("cap_price_at_reference: true", "cap_price_at_reference: maybe")
                    .replace("period: { start: 2025-01-01, end: 2025-12-31 }", "period: { start: 2025-13-01, end: 2025-12-31 }")
                    .replace("application_window: { start: 2025-01-01, end: 2025-12-31 }", "application_window: soon")
                    .replace("notice_working_days: 5", "notice_working_days: [1]")
                    + "redemption_mode: cash\nstartup_categories: { other.thing: 0.5 }\ntargets: many\nextra: 1\n",
            program("no-values").replace("name: 测试算力券", "name:").replace("funder: 测试市经济和信息化局\n", "")
                    .replace("budget_yuan: 1000000", "budget_yuan: 99999999999999999999")
                    .replace("exclude_related_parties: true", "exclude_related_parties: true\nexclude_related_parties: false")
                    .replace("period: { start: 2025-01-01, end: 2025-12-31 }", "period: { start: 2025-01-01, end: 2024-12-31 }")
                    + "targets:\n  - just text\n  - { name: x, metric: m, goal: lots, due: 2025-12-31 }\n"
                    + "  - { name: y, metric: m, goal: -1, due: 2025-12-31 }\n",
            program("cats").replace("categories:\n  compute.domestic: 0.30\n  model.filed: 0.25\n", "categories: all\n")
                    .replace("per_enterprise_cap_yuan: 400", "per_enterprise_cap_yuan: -400")
                    .replace("application_window: { start: 2025-01-01, end: 2025-12-31 }",
                            "application_window: { start: 2025-01-01, end: 2025-12-31, mid: 2025-06-01 }")
                    .replace("notice_working_days: 5", "notice_working_days: -5"),
            program("ratio-ok").replace("compute.domestic: 0.30", "compute.domestic: 1.0001"),
            program("key-names").replace("categories:\n", "categories:\n  [a, b]: 0.3\n"));

    @Test
    void everyParserErrorHasAMessageKey() {
        List<ProgramError> errors = new ArrayList<>();
        for (String file : BAD_FILES) {
            try {
                ProgramParser.parse("bad.yaml", file);
                throw new AssertionError("should not parse:\n" + file);
            } catch (ProgramException e) {
                errors.addAll(e.errors());
            }
        }
        assertThat(errors).hasSizeGreaterThan(25);
        assertThat(errors).allSatisfy(e -> assertThat(ProgramErrorText.keyOf(e.message()))
                .as("message key for \"%s\"", e.message()).isNotNull());
    }

    @Test
    void everyKeyExistsInChineseAndEnglishAndFillsInItsValues() throws IOException {
        Properties zh = load("i18n/policy.properties");
        Properties en = load("i18n/policy_en.properties");
        for (String key : ProgramErrorText.keys()) {
            assertThat(zh.getProperty(key)).as(key + " zh").isNotBlank();
            assertThat(en.getProperty(key)).as(key + " en").isNotBlank();
        }
        var messages = new ReloadableResourceBundleMessageSource();
        messages.setBasenames("classpath:i18n/policy");
        messages.setDefaultEncoding("UTF-8");
        messages.setFallbackToSystemLocale(false);
        var text = new ProgramErrorText(messages);
        var error = new ProgramError("p.yaml", 5, "period.end", "end 2024-12-31 is before start 2025-01-01");
        assertThat(text.show(error, Locale.SIMPLIFIED_CHINESE).text()).isEqualTo("结束日期 2024-12-31 早于开始日期 2025-01-01");
        assertThat(text.show(error, Locale.ENGLISH).text()).isEqualTo("end 2024-12-31 is before start 2025-01-01");
        assertThat(text.show(new ProgramError("p.yaml", 1, "-", "something new"), Locale.SIMPLIFIED_CHINESE).text())
                .isEqualTo("something new");
    }

    private static Properties load(String path) throws IOException {
        Properties p = new Properties();
        try (var reader = new InputStreamReader(new ClassPathResource(path).getInputStream(), StandardCharsets.UTF_8)) {
            p.load(reader);
        }
        return p;
    }
}

package org.zhice.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Properties;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.zhice.shared.HostileBytes;

/**
 * Hostile program files: whatever bytes arrive, the parser answers a program or a
 * {@link ProgramException} whose every error names the file, a line and a key, with a message that
 * has a text in Chinese and in English; never another exception, never unbounded time.
 */
class ProgramParserFuzzProperties {

    private static final Properties ZH = bundle("i18n/policy.properties");
    private static final Properties EN = bundle("i18n/policy_en.properties");
    private static final byte[] VALID = ProgramParserTest.HANGZHOU.getBytes(StandardCharsets.UTF_8);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    @Property(tries = 1000)
    void mutatedProgramsGetOnlyProgramErrorsThatSayWhere(@ForAll long seed) {
        parseAsUploaded(HostileBytes.mutate(VALID, seed));
    }

    @Property(tries = 200)
    void randomTextGetsOnlyProgramErrors(@ForAll String text) {
        parseText(text);
    }

    @Example
    void billionLaughsIsRefusedQuickly() {
        StringBuilder yaml = new StringBuilder();
        yaml.append("a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n");
        for (int i = 1; i < 30; i++) {
            yaml.append("a").append(i).append(": &a").append(i).append(" [");
            for (int k = 0; k < 9; k++) {
                yaml.append(k == 0 ? "" : ", ").append("*a").append(i - 1);
            }
            yaml.append("]\n");
        }
        yaml.append("targets: *a29\n").append(ProgramParserTest.HANGZHOU);
        ProgramException e = parseText(yaml.toString());
        assertThat(e).isNotNull();
    }

    @Example
    void deepNestingIsRefusedWithoutStackOverflow() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        assertThat(parseText(ProgramParserTest.HANGZHOU.replace("name: 杭州市2025年度市级算力券", "name: " + deep))).isNotNull();
        String deepMap = "{a: ".repeat(50_000) + "1" + "}".repeat(50_000);
        assertThat(parseText("targets: " + deepMap + "\n" + ProgramParserTest.HANGZHOU)).isNotNull();
    }

    @Example
    void hugeNumbersAreRefusedQuickly() {
        // the upload limit lets through a quarter of a megabyte of digits
        String digits = "1" + "0".repeat(200_000);
        ProgramException e = parseText(ProgramParserTest.HANGZHOU.replace("budget_yuan: 250000000", "budget_yuan: " + digits)
                .replace("compute.other: 0.20", "compute.other: 0." + "0".repeat(100_000) + "2")
                .replace("contract_term_days_max: 366", "contract_term_days_max: " + digits));
        assertThat(e.errors()).extracting(ProgramError::key)
                .contains("budget_yuan", "categories.compute.other", "contract_term_days_max");
    }

    @Example
    void hugeScalarsAndLongLinesAreBounded() {
        String big = "字".repeat(80_000);   // 240 KB of UTF-8, just under the upload limit
        ProgramException e = parseText(ProgramParserTest.HANGZHOU.replace("id: hz-2025-compute", "id: " + big));
        assertThat(e.errors()).extracting(ProgramError::key).containsExactly("id");
        assertThat(e.getMessage().length()).as("the error does not echo a quarter megabyte back").isLessThan(2_000);
    }

    @Example
    void wrongEncodingsAreNamed() {
        byte[] gbk = ProgramParserTest.HANGZHOU.getBytes(java.nio.charset.Charset.forName("GBK"));
        assertThat(ProgramText.decode(gbk)).isEmpty();
        byte[] utf16 = ProgramParserTest.HANGZHOU.getBytes(StandardCharsets.UTF_16);   // with a BOM
        assertThat(ProgramText.decode(utf16)).isEmpty();
        assertThat(ProgramErrorText.keyOf(ProgramFolder.NOT_UTF8)).isEqualTo("program.error.not-utf8");
    }

    @Example
    void uploadedFileNamesNeverKeepAPath() {
        assertThat(ProgramFolder.fileName("../../etc/passwd")).isEqualTo("passwd");
        assertThat(ProgramFolder.fileName("C:\\Windows\\system32\\x.yaml")).isEqualTo("x.yaml");
        assertThat(ProgramFolder.fileName("/abs/p.yaml")).isEqualTo("p.yaml");
        assertThat(ProgramFolder.fileName("a\u0000b.yaml")).isEqualTo("ab.yaml");
        assertThat(ProgramFolder.fileName("..")).isEqualTo("..");   // a name, never resolved as a path
        assertThat(ProgramFolder.fileName("x".repeat(10_000))).hasSize(255);
    }

    // ------------------------------------------------------------------ checks

    /** The path of an upload: the size limit, strict UTF-8, then the parser. */
    private static void parseAsUploaded(byte[] bytes) {
        if (bytes.length > ProgramText.MAX_BYTES) {
            return;
        }
        Optional<String> text = ProgramText.decode(bytes);
        if (text.isEmpty()) {
            return;   // refused as "not UTF-8" before parsing
        }
        parseText(ProgramText.normalise(text.get()));
    }

    /** Parses; fails on any exception other than ProgramException, on an error that does not say where, or on slowness. */
    private static ProgramException parseText(String text) {
        long cpu = THREADS.getCurrentThreadCpuTime();
        ProgramException refused = null;
        try {
            ProgramParser.parse("program.yaml", text);
        } catch (ProgramException e) {
            refused = e;
        } catch (RuntimeException | StackOverflowError e) {
            fail("parser threw " + e + " on input of " + text.length() + " chars starting "
                    + text.substring(0, Math.min(200, text.length())), e);
        }
        long cpuMillis = (THREADS.getCurrentThreadCpuTime() - cpu) / 1_000_000;
        assertThat(cpuMillis).as("CPU ms to parse %d chars", text.length()).isLessThan(1_500);
        if (refused != null) {
            for (ProgramError error : refused.errors()) {
                assertThat(error.file()).isEqualTo("program.yaml");
                assertThat(error.line()).isPositive();
                assertThat(error.key()).isNotBlank();
                String key = ProgramErrorText.keyOf(error.message());
                assertThat(key).as("message has a translation: %s", error.message()).isNotNull();
                assertThat(ZH.getProperty(key)).as("zh text for " + key).isNotBlank();
                assertThat(EN.getProperty(key)).as("en text for " + key).isNotBlank();
            }
        }
        return refused;
    }

    private static Properties bundle(String name) {
        Properties properties = new Properties();
        try (InputStream in = ProgramParserFuzzProperties.class.getClassLoader().getResourceAsStream(name)) {
            properties.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return properties;
    }
}

package org.zhice.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.function.Function;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.zhice.shared.HostileBytes;

/**
 * Hostile usage uploads (spec §2 NDJSON and its CSV form): whatever bytes arrive, the parser
 * answers a batch whose every problem names its line and field with a message in Chinese and
 * English, or a {@link BodyException} with such a message; never another exception, never an event
 * holding text that PostgreSQL cannot store (NUL, a lone surrogate), never unbounded time.
 */
class UsageParsingFuzzProperties {

    private static final Properties ZH = bundle("i18n/metering.properties");
    private static final Properties EN = bundle("i18n/metering_en.properties");
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final int MAX_LINES = 1_000;

    private static final String P = "91330100MA27XYZ12X";
    private static final byte[] NDJSON = MeteringFixtures.ndjson(List.of(
            MeteringFixtures.event("e-1", P, "C1", "GPU-A", 4, "8", "2025-03-05T10:00:00+08:00", "2025-03-05T12:00:00+08:00"),
            MeteringFixtures.event("e-2", P, "C1", "TOK-1", null, "0.5", "2025-03-05T10:00:00Z", "2025-03-05T10:01:00.5Z",
                    "e-1"),
            "{\"event_id\":\"e-3\",\"provider_uscc\":\"" + P + "\",\"contract_id\":\"C1\",\"sku\":\"GPU-A\",\"units\":2,"
                    + "\"quantity\":1.25e1,\"start\":\"2025-03-05T10:00+08:00\",\"end\":\"2025-03-05T16:15:00+08:00\","
                    + "\"note\":{\"a\":[1,true,null]}}"));
    private static final byte[] CSV = ("""
            event_id,provider_uscc,contract_id,sku,units,quantity,start,end,adjusts
            e-1,%1$s,C1,GPU-A,4,8,2025-03-05T10:00:00+08:00,2025-03-05T12:00:00+08:00,
            "e,2",%1$s,C1,TOK-1,,0.5,2025-03-05T10:00:00Z,2025-03-05T10:01:00Z,e-1
            """.formatted(P)).getBytes(StandardCharsets.UTF_8);

    @Property(tries = 1000)
    void mutatedNdjsonGetsLineProblemsOrABodyError(@ForAll long seed) {
        check(HostileBytes.mutate(NDJSON, seed), body -> UsageParsing.ndjson(body, MAX_LINES));
    }

    @Property(tries = 600)
    void mutatedCsvGetsLineProblemsOrABodyError(@ForAll long seed) {
        check(HostileBytes.mutate(CSV, seed), body -> UsageParsing.csv(body, MAX_LINES));
    }

    @Property(tries = 200)
    void randomBytesGetLineProblemsOrABodyError(@ForAll byte[] body) {
        check(body, b -> UsageParsing.ndjson(b, MAX_LINES));
        check(body, b -> UsageParsing.csv(b, MAX_LINES));
    }

    @Example
    void nulAndLoneSurrogatesInTextAreProblemsOfTheirLine() {
        String good = MeteringFixtures.event("e-1", P, "C1", "GPU-A", 4, "8", "2025-03-05T10:00:00+08:00",
                "2025-03-05T12:00:00+08:00");
        UsageBatch batch = check(MeteringFixtures.ndjson(List.of(
                good.replace("e-1", "a\\u0000b"),
                good.replace("\"C1\"", "\"C\\ud800\""),
                good.replace("GPU-A", "GPU\\u0000"))), body -> UsageParsing.ndjson(body, MAX_LINES));
        assertThat(batch.size()).isZero();
        assertThat(batch.problems()).extracting(LineProblem::line).containsExactly(1, 2, 3);
        assertThat(batch.problems()).extracting(LineProblem::field).containsExactly("event_id", "contract_id", "sku");

        UsageBatch csv = check(("event_id,provider_uscc,contract_id,sku,quantity,start,end\n"
                + "a\u0000b," + P + ",C1,GPU-A,8,2025-03-05T10:00:00+08:00,2025-03-05T12:00:00+08:00\n")
                .getBytes(StandardCharsets.UTF_8), body -> UsageParsing.csv(body, MAX_LINES));
        assertThat(csv.size()).isZero();
        assertThat(csv.problems()).extracting(LineProblem::field).containsExactly("event_id");
    }

    @Example
    void wrongEncodingsAreRefusedAsEncoding() {
        String text = new String(NDJSON, StandardCharsets.UTF_8).replace("e-1", "事件-1");
        for (Charset charset : List.of(StandardCharsets.UTF_16, StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE,
                Charset.forName("GBK"))) {
            byte[] body = text.getBytes(charset);
            if (charset.name().equals("GBK")) {
                // NDJSON is read line by line: the GBK line is named, the others still read
                UsageBatch batch = check(body, b -> UsageParsing.ndjson(b, MAX_LINES));
                assertThat(batch.problems()).extracting(LineProblem::line, LineProblem::messageKey)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple(1, "metering.problem.encoding"),
                                org.assertj.core.groups.Tuple.tuple(2, "metering.problem.encoding"));   // "adjusts":"事件-1"
                assertThat(batch.size()).isEqualTo(1);
            } else {
                assertThatThrownBy(() -> UsageParsing.ndjson(body, MAX_LINES)).as(charset.name())
                        .isInstanceOfSatisfying(BodyException.class,
                                e -> assertThat(e.messageKey()).isEqualTo("metering.body.encoding"));
            }
            byte[] csv = new String(CSV, StandardCharsets.UTF_8).replace("e-1", "事件-1").getBytes(charset);
            assertThatThrownBy(() -> UsageParsing.csv(csv, MAX_LINES)).as(charset.name())
                    .isInstanceOfSatisfying(BodyException.class,
                            e -> assertThat(e.messageKey()).isEqualTo("metering.body.encoding"));
        }
    }

    /**
     * Found by {@link #mutatedNdjsonGetsLineProblemsOrABodyError} at 200 times its tries: the edit
     * "repeat a range" turned {@code "quantity":1.25e1} into {@code 1.25e1111111...}; an exponent
     * between about 10^5 and 6.4 * 10^8 made {@code stripTrailingZeros} run for seconds to years (one
     * below or above it was quick, so {@code 1e999999999} below never showed it).
     */
    @Example
    void hugeExponentsAreRefusedQuickly() {
        String good = MeteringFixtures.event("e-1", P, "C1", "GPU-A", 4, "8", "2025-03-05T10:00:00+08:00",
                "2025-03-05T12:00:00+08:00");
        for (String quantity : List.of("1.25e1111111", "1.25e111111111", "1e100000", "-1e-100000", "1.25E+111111",
                "1" + "0".repeat(100) + "e-80", "1" + "0".repeat(100) + "e-107", "1e9999999999")) {
            byte[] body = MeteringFixtures.ndjson(List.of(good.replace("\"8\"", quantity)));
            UsageBatch batch = check(body, b -> UsageParsing.ndjson(b, MAX_LINES));
            assertThat(batch.problems()).as(quantity).singleElement()
                    .satisfies(p -> assertThat(p.field()).isEqualTo("quantity"));
        }
        // many digits (BigDecimal's parsing and stripTrailingZeros are quadratic in them): refused quickly,
        // here as a number longer than the parser takes
        byte[] manyDigits = MeteringFixtures.ndjson(List.of(good.replace("\"8\"", "1" + "0".repeat(300_000) + "e-300000")));
        assertThat(check(manyDigits, b -> UsageParsing.ndjson(b, MAX_LINES)).problems()).hasSize(1);
        // seeds of the property that draw such an exponent: 1.25e9999991, 1.25e111111, 1.25e111111111
        for (long seed : new long[] {24_643, 38_244, 103_976}) {
            check(HostileBytes.mutate(NDJSON, seed), b -> UsageParsing.ndjson(b, MAX_LINES));
        }
        // what fits is still read as before
        byte[] fits = MeteringFixtures.ndjson(List.of(good.replace("\"8\"", "1.25e1"), good.replace("\"8\"", "0e999999999")
                .replace("e-1", "e-2"), good.replace("e-1", "e-3").replace("\"8\"", "1" + "0".repeat(100) + "e-94"),
                good.replace("e-1", "e-4").replace("\"8\"", "1" + "0".repeat(100) + "e-106")));
        UsageBatch read = check(fits, b -> UsageParsing.ndjson(b, MAX_LINES));
        assertThat(read.problems()).isEmpty();
        assertThat(read.size()).isEqualTo(4);
        assertThat(read.quantityMicros(0)).isEqualTo(12_500_000L);
        assertThat(read.quantityMicros(2)).isEqualTo(1_000_000_000_000L);
        assertThat(read.quantityMicros(3)).isEqualTo(1L);
    }

    @Example
    void oversizedLinesAndValuesAreBounded() {
        byte[] longLine = ("{\"event_id\":\"" + "x".repeat(8_000_000) + "\"}\n").getBytes(StandardCharsets.UTF_8);
        UsageBatch batch = check(longLine, body -> UsageParsing.ndjson(body, MAX_LINES));
        assertThat(batch.problems()).hasSize(1);
        assertThat(String.valueOf(batch.problems().get(0).eventId()).length()).isLessThan(1_000);

        String huge = "9".repeat(100_000);
        String good = MeteringFixtures.event("e-1", P, "C1", "GPU-A", 4, "8", "2025-03-05T10:00:00+08:00",
                "2025-03-05T12:00:00+08:00");
        check(MeteringFixtures.ndjson(List.of(good.replace("\"8\"", huge), good.replace("\"8\"", "\"" + huge + "\""),
                good.replace("\"8\"", "1e999999999"), good.replace("\"8\"", "1e-999999999"),
                good.replace(":4,", ":" + huge + ","), good.replace("2025-03-05T10", huge))),
                body -> UsageParsing.ndjson(body, MAX_LINES));

        byte[] deep = ("{\"event_id\":" + "[".repeat(200_000) + "]".repeat(200_000) + "}\n").getBytes(StandardCharsets.UTF_8);
        check(deep, body -> UsageParsing.ndjson(body, MAX_LINES));

        StringBuilder many = new StringBuilder();
        for (int i = 0; i <= MAX_LINES; i++) {
            many.append("{}\n");
        }
        assertThatThrownBy(() -> UsageParsing.ndjson(many.toString().getBytes(StandardCharsets.UTF_8), MAX_LINES))
                .isInstanceOfSatisfying(BodyException.class,
                        e -> assertThat(e.messageKey()).isEqualTo("metering.body.tooManyLines"));
    }

    // ------------------------------------------------------------------ checks

    private static UsageBatch check(byte[] body, Function<byte[], UsageBatch> parse) {
        long cpu = THREADS.getCurrentThreadCpuTime();
        UsageBatch batch = null;
        try {
            batch = parse.apply(body);
        } catch (BodyException e) {
            assertTranslated(e.messageKey(), e.argList());
        } catch (RuntimeException | StackOverflowError e) {
            fail("parser threw " + e + " on " + body.length + " bytes starting "
                    + new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8), e);
        }
        long cpuMillis = (THREADS.getCurrentThreadCpuTime() - cpu) / 1_000_000;
        assertThat(cpuMillis).as("CPU ms for %d bytes", body.length).isLessThan(2_000);
        if (batch == null) {
            return null;
        }
        for (LineProblem problem : batch.problems()) {
            assertThat(problem.line()).isPositive();
            assertThat(problem.field()).isNotBlank();
            assertTranslated(problem.messageKey(), problem.args());
            storable(problem.eventId());
            problem.args().forEach(UsageParsingFuzzProperties::storable);
        }
        for (int i = 0; i < batch.size(); i++) {
            assertThat(batch.line(i)).isPositive();
            storable(batch.eventId(i));
            storable(batch.provider(i));
            storable(batch.contract(i));
            storable(batch.sku(i));
            storable(batch.adjusts(i));
            assertThat(batch.eventId(i).length()).isLessThanOrEqualTo(UsageParsing.MAX_EVENT_ID);
        }
        return batch;
    }

    /** Text that a PostgreSQL {@code text} column takes as it is: no NUL, no unpaired surrogate. */
    private static void storable(String text) {
        if (text == null) {
            return;
        }
        assertThat(text.indexOf('\0')).as("NUL in %s", text).isNegative();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                fail("unpaired surrogate in " + text);
            }
        }
    }

    private static void assertTranslated(String key, List<String> args) {
        assertThat(ZH.getProperty(key)).as("zh text for " + key).isNotBlank();
        assertThat(EN.getProperty(key)).as("en text for " + key).isNotBlank();
        String zh = java.text.MessageFormat.format(ZH.getProperty(key), args.toArray());
        assertThat(zh).doesNotContain("{0}");
    }

    private static Properties bundle(String name) {
        Properties properties = new Properties();
        try (InputStream in = UsageParsingFuzzProperties.class.getClassLoader().getResourceAsStream(name)) {
            properties.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return properties;
    }
}

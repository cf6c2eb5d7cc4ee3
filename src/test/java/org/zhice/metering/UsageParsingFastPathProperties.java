package org.zhice.metering;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * The NDJSON parser reads lines of the common shape without Jackson ({@code UsageParsing.fastLine})
 * and every other line with Jackson. Whatever the lines, the result must be exactly what Jackson's
 * path alone gives: the same events, field by field, the same problems (line, event id, code,
 * field, message key, arguments), the same line count, or the same body error.
 */
class UsageParsingFastPathProperties {

    private static final String P = "91330100MA27XYZ12X";
    private static final String[] KEYS = {"event_id", "provider_uscc", "contract_id", "sku", "quantity", "start", "end",
            "units", "adjusts"};
    private static final String[][] GOOD = {
            {"\"job-01-000000001\"", "\"e-1\"", "\"x\""},
            {"\"" + P + "\"", "\"P2\""},
            {"\"C1\"", "\"BENCH-C-0001\""},
            {"\"GPU-A\"", "\"TOK\""},
            {"\"8\"", "8", "0.5", "\"0.5\"", "1.25", "0", "12.000001"},
            {"\"2025-03-05T10:00:00+08:00\"", "\"2025-03-05T10:00:00Z\"", "\"2025-03-05T10:00:00.123456789+08:00\""},
            {"\"2025-03-05T12:00:00+08:00\"", "\"2025-03-05T10:01:00.5Z\""},
            {"4", "\"2\"", "null", "0"},
            {"\"e-1\"", "null"}};
    /** Values that are wrong somewhere, odd, or hostile. */
    private static final String[] ODD = {
            "\"\"", "null", "true", "false", "[]", "{}", "[1,{\"a\":2}]", "{\"x\":\"y\"}", "-1", "-0", "01", "1.", ".5",
            "1e3", "1E-2", "1.5e1", "-", "+1", "0.0000001", "1.0000001", "99999999999999999999999", "\"99999999999999999999\"",
            "12345678901", "4.0", "\"4.0\"", "\"-4\"", "NaN", "\"a\\\"b\"", "\"a\\\\b\"", "\"\\u0041\"", "\"a\\nb\"",
            "\"a\\u0000b\"", "\"\\ud800\"", "\"事件-1\"", "\"😀\"", "\"a\tb\"", "\"a\u007fb\"", "\"" + "x".repeat(201) + "\"",
            "\"" + "C".repeat(65) + "\"", "\"2025-13-05T10:00:00+08:00\"", "\"2025-03-05T10:00\"", "\"2025-03-05 10:00:00Z\"",
            "\"2025-03-05T10:00:00+08:00", "\"abc", "nul", "nulls", "1 2", "1,", "\"x\" \"y\"", "8}", "tru"};
    private static final String[] OTHER_KEYS = {"note", "Event_id", "event\\u005fid", "", "event_id ", "sku\u0000",
            "事件", "units2"};
    private static final String[] BLANKS = {"", "", "", " ", "\t", "  ", "\r", " \t "};

    @Property(tries = 3000)
    void theFastPathGivesWhatJacksonGives(@ForAll("bodies") byte[] body) {
        UsageBatch fast = null;
        UsageBatch jackson = null;
        String fastError = null;
        String jacksonError = null;
        // mostly room for every line; sometimes fewer lines allowed than the body has
        int maxLines = 1 + Math.floorMod(java.util.Arrays.hashCode(body), 8);
        try {
            fast = UsageParsing.ndjson(body, maxLines, true);
        } catch (BodyException e) {
            fastError = e.messageKey() + e.argList();
        }
        try {
            jackson = UsageParsing.ndjson(body, maxLines, false);
        } catch (BodyException e) {
            jacksonError = e.messageKey() + e.argList();
        }
        String text = new String(body, StandardCharsets.UTF_8);
        assertThat(fastError).as(text).isEqualTo(jacksonError);
        Statistics.label("body").collect(fastError == null ? "batch" : fastError);
        if (fast == null) {
            return;
        }
        assertThat(describe(fast)).as(text).isEqualTo(describe(jackson));
        for (String line : text.split("\n", -1)) {
            Statistics.label("line").collect(UsageParsing.readsFast(line.getBytes(StandardCharsets.UTF_8)) ? "fast"
                    : "jackson");
        }
    }

    @Example
    void theCommonShapesAreReadFast() {
        List<String> lines = List.of(
                MeteringFixtures.event("e-1", P, "C1", "GPU-A", 4, "8", "2025-03-05T10:00:00+08:00",
                        "2025-03-05T12:00:00+08:00"),
                MeteringFixtures.event("e-2", P, "C1", "TOK", null, "0.5", "2025-03-05T10:00:00Z",
                        "2025-03-05T10:01:00.5Z", "e-1"),
                "{\"event_id\":\"job-01-000000001\",\"provider_uscc\":\"" + P + "\",\"contract_id\":\"C1\",\"sku\":\"GPU\","
                        + "\"units\":8,\"quantity\":12.5,\"start\":\"2025-03-05T10:00:00+08:00\","
                        + "\"end\":\"2025-03-05T11:33:45+08:00\"}",
                " { \"sku\" : \"GPU\" , \"event_id\":\"e\",\"units\":null,\"adjusts\":null,\"quantity\":-0.5}\t\r",
                // well-formed JSON with a problem of the event: read fast, and the checks name it
                "{\"event_id\":\"e\",\"quantity\":\"x\"}");
        for (String line : lines) {
            assertThat(UsageParsing.readsFast(line.getBytes(StandardCharsets.UTF_8))).as(line).isTrue();
        }
        for (String line : List.of("{\"event_id\":\"a\\\"b\"}", "{\"note\":1,\"event_id\":\"e\"}", "{\"event_id\":\"事件\"}",
                "{\"event_id\":\"e\",\"event_id\":\"e\"}", "{\"quantity\":1e3}", "{\"event_id\":\"e\"} x", "{}",
                "{\"event_id\":null}", "{\"quantity\":01}", "[1]")) {
            assertThat(UsageParsing.readsFast(line.getBytes(StandardCharsets.UTF_8))).as(line).isFalse();
        }
    }

    @Provide
    Arbitrary<byte[]> bodies() {
        return Arbitraries.longs().map(seed -> {
            Random random = new Random(seed);
            int count = 1 + random.nextInt(4);
            StringBuilder body = new StringBuilder();
            if (random.nextInt(30) == 0) {
                body.append('\uFEFF');
            }
            for (int i = 0; i < count; i++) {
                body.append(random.nextInt(15) == 0 ? pick(random, BLANKS) : line(random));
                if (i < count - 1 || random.nextBoolean()) {
                    body.append(random.nextInt(6) == 0 ? "\r\n" : "\n");
                }
            }
            return body.toString().getBytes(StandardCharsets.UTF_8);
        });
    }

    /** A line: mostly a valid event, then changed a little or a lot. */
    private static String line(Random random) {
        List<String[]> fields = new ArrayList<>();
        for (int k = 0; k < KEYS.length; k++) {
            if (k < 7 || random.nextBoolean()) {
                fields.add(new String[] {KEYS[k], pick(random, GOOD[k])});
            }
        }
        int changes = random.nextInt(3) == 0 ? 0 : 1 + random.nextInt(3);
        for (int c = 0; c < changes; c++) {
            int at = fields.isEmpty() ? 0 : random.nextInt(fields.size());
            switch (random.nextInt(8)) {
                case 0, 1 -> {
                    if (!fields.isEmpty()) {
                        fields.get(at)[1] = pick(random, ODD);
                    }
                }
                case 2 -> {
                    if (!fields.isEmpty()) {
                        fields.remove(at);
                    }
                }
                case 3 -> {
                    if (!fields.isEmpty()) {
                        String[] field = fields.get(at);
                        fields.add(new String[] {field[0], random.nextBoolean() ? field[1] : pick(random, ODD)});
                    }
                }
                case 4 -> fields.add(at, new String[] {pick(random, OTHER_KEYS), random.nextBoolean() ? pick(random, ODD)
                        : "\"v\""});
                case 5 -> Collections.shuffle(fields, random);
                case 6 -> {
                    int k = random.nextInt(KEYS.length);
                    fields.add(new String[] {KEYS[k], pick(random, GOOD[k])});
                }
                default -> {
                    if (!fields.isEmpty()) {
                        fields.get(at)[1] = pick(random, GOOD[random.nextInt(GOOD.length)]);
                    }
                }
            }
        }
        StringBuilder line = new StringBuilder();
        line.append(pick(random, BLANKS)).append('{').append(pick(random, BLANKS));
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                line.append(pick(random, BLANKS)).append(',').append(pick(random, BLANKS));
            }
            line.append('"').append(fields.get(i)[0]).append('"').append(pick(random, BLANKS)).append(':')
                    .append(pick(random, BLANKS)).append(fields.get(i)[1]);
        }
        line.append(pick(random, BLANKS)).append('}').append(pick(random, BLANKS));
        String text = line.toString();
        switch (random.nextInt(12)) {
            case 0 -> text = text.substring(0, random.nextInt(text.length() + 1));
            case 1 -> {
                int at = random.nextInt(text.length() + 1);
                text = text.substring(0, at) + pick(random, new String[] {",", "}", "{", "\"", ":", " ", "\\", "x", "\u0001",
                        "é", "[", "\u0000"}) + text.substring(at);
            }
            case 2 -> {
                int at = random.nextInt(text.length());
                text = text.substring(0, at) + text.substring(at + 1);
            }
            case 3 -> text = text + text;
            default -> {
            }
        }
        return text;
    }

    private static String pick(Random random, String[] values) {
        return values[random.nextInt(values.length)];
    }

    /** Everything a batch holds, as text. */
    private static String describe(UsageBatch batch) {
        StringBuilder text = new StringBuilder("lines=").append(batch.lines()).append('\n');
        for (int i = 0; i < batch.size(); i++) {
            text.append(batch.line(i)).append('|').append(batch.eventId(i)).append('|').append(batch.provider(i))
                    .append('|').append(batch.contract(i)).append('|').append(batch.sku(i)).append('|')
                    .append(batch.units(i)).append('|').append(batch.quantityMicros(i)).append('|')
                    .append(batch.startNanos(i)).append('|').append(batch.endNanos(i)).append('|')
                    .append(batch.adjusts(i)).append('|').append(batch.pair(i)).append('\n');
        }
        batch.problems().forEach(problem -> text.append(problem).append('\n'));
        return text.toString();
    }
}

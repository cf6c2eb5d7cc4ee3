package org.zhice.voucher.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.zhice.rules.ShanghaiTime;
import org.zhice.rules.UsageChecks;
import org.zhice.rules.UsageLog;

class UsageReaderTest {

    static List<String> describe(UsageLog log) {
        List<String> events = new ArrayList<>();
        for (int i = 0; i < log.size(); i++) {
            events.add(log.eventId(i) + "|" + log.providerUscc(i) + "|" + log.contracts().name(log.contract(i)) + "|"
                    + log.skus().name(log.sku(i)) + "|" + log.units(i) + "|" + log.quantityMicros(i) + "|"
                    + log.startNanos(i) + "|" + log.endNanos(i));
        }
        return events;
    }

    static UsageLog read(String content, int threads, Errors errors) {
        return UsageReader.read(content.getBytes(StandardCharsets.UTF_8), threads, errors);
    }

    @Test
    void readsFieldsInAnyOrderWithEscapesUnknownFieldsAndBlankLines() {
        Errors errors = new Errors();
        UsageLog log = read("""
                {"event_id":"e\\u4e8b\\"1","provider_uscc":"P","contract_id":"C","sku":"S","units":4,"quantity":"8","start":"2025-03-05T10:00:00+08:00","end":"2025-03-05T12:00:00+08:00"}

                  { "end" : "2025-03-05T05:00:00Z" , "start":"2025-03-05T03:00:00.25Z", "quantity": 12.5, "sku":"S", "note": {"a":[1, true, null, "x"]}, "contract_id":"C", "provider_uscc":"P", "event_id":"事件"}\r
                {"event_id":"t","provider_uscc":"P","contract_id":"C","sku":"T","units":null,"quantity":"0.000001","start":"2025-03-05T10:00+08:00","end":"2025-03-05T10:01:00+08:00"}""",
                1, errors);
        assertThat(errors.isEmpty()).isTrue();
        long start1 = ShanghaiTime.nanos(java.time.Instant.parse("2025-03-05T02:00:00Z"));
        assertThat(describe(log)).containsExactly(
                "e事\"1|P|C|S|4|8000000|" + start1 + "|" + (start1 + 7_200_000_000_000L),
                "事件|P|C|S|" + UsageChecks.NO_UNITS + "|12500000|" + (start1 + 3_600_250_000_000L) + "|"
                        + (start1 + 3 * 3_600_000_000_000L),
                "t|P|C|T|-1|1|" + start1 + "|" + (start1 + 60_000_000_000L));
    }

    @Test
    void parallelChunksGiveTheSameLogAndTheSameErrorsAsOneThread() {
        SplittableRandom random = new SplittableRandom(7);
        StringBuilder content = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            if (random.nextInt(500) == 0) {
                content.append("{\"event_id\":\"broken\"\n");
                continue;
            }
            if (random.nextInt(700) == 0) {
                content.append('\n');
                continue;
            }
            content.append("{\"event_id\":\"e").append(random.nextInt(5_000)).append("\",\"provider_uscc\":\"P")
                    .append(random.nextInt(3)).append("\",\"contract_id\":\"C").append(random.nextInt(50))
                    .append("\",\"sku\":\"S").append(random.nextInt(4)).append("\",\"units\":").append(random.nextInt(9))
                    .append(",\"quantity\":\"").append(random.nextInt(100)).append('.').append(random.nextInt(10))
                    .append("\",\"start\":\"2025-03-0").append(1 + random.nextInt(9)).append("T10:00:00+08:00\",")
                    .append("\"end\":\"2025-03-10T10:00:00Z\"}\n");
        }
        content.append("{\"event_id\":\"last\",\"provider_uscc\":\"P\",\"contract_id\":\"C\",\"sku\":\"S\",")
                .append("\"quantity\":\"1\",\"start\":\"2025-03-05T10:00:00Z\",\"end\":\"2025-03-05T11:00:00Z\"}");
        Errors one = new Errors();
        UsageLog single = read(content.toString(), 1, one);
        for (int threads : new int[] {2, 3, 7}) {
            Errors many = new Errors();
            UsageLog parallel = read(content.toString(), threads, many);
            assertThat(describe(parallel)).isEqualTo(describe(single));
            assertThat(many.toString()).isEqualTo(one.toString());
        }
        assertThat(one.isEmpty()).isFalse();
        assertThat(describe(single).get(single.size() - 1)).startsWith("last|");
    }

    /**
     * Found by raising this class's random test to 200,000 lines (about 400 broken ones): past
     * {@link Errors#LIMIT} errors one thread stops reading, but each parallel chunk read on to its own
     * limit, so the errors kept and the "... and N more errors" count depended on the number of chunks
     * (on the processors of the machine, for a file of 16 MiB or more).
     */
    @Test
    void pastTheErrorLimitTheErrorsAndTheirCountDoNotDependOnTheChunks() {
        StringBuilder content = new StringBuilder();
        for (int i = 0; i < 1_000; i++) {
            content.append(i % 2 == 0 ? "{\"event_id\":\"broken\"\n"
                    : "{\"event_id\":\"e" + i + "\",\"provider_uscc\":\"P\",\"contract_id\":\"C\",\"sku\":\"S\","
                            + "\"quantity\":\"1\",\"start\":\"2025-03-05T10:00:00Z\",\"end\":\"2025-03-05T11:00:00Z\"}\n");
        }
        Errors one = new Errors();
        read(content.toString(), 1, one);
        assertThat(one.full()).isTrue();
        for (int threads : new int[] {2, 3, 7}) {
            Errors many = new Errors();
            read(content.toString(), threads, many);
            assertThat(many.toString()).as("%d chunks", threads).isEqualTo(one.toString());
            assertThat(moreErrors(many)).as("%d chunks", threads).isEqualTo(moreErrors(one));
        }
    }

    /** The same for a line too long to read: one thread stops there, so no chunk after it may add errors. */
    @Test
    void pastALineTooLongToReadNoChunkAddsErrors() {
        String good = "{\"event_id\":\"a\",\"provider_uscc\":\"P\",\"contract_id\":\"C\",\"sku\":\"S\","
                + "\"quantity\":\"1\",\"start\":\"2025-03-05T10:00:00Z\",\"end\":\"2025-03-05T11:00:00Z\"}\n";
        String content = good + "{\"event_id\":\"" + "x".repeat(1 << 24) + "\"}\n" + "{\"event_id\":\"broken\"\n" + good;
        Errors one = new Errors();
        read(content, 1, one);
        assertThat(one.toString()).isEqualTo("usage.ndjson:2:-: line longer than 16777216 bytes\n");
        for (int threads : new int[] {2, 3}) {
            Errors many = new Errors();
            read(content, threads, many);
            assertThat(many.toString()).as("%d chunks", threads).isEqualTo(one.toString());
        }
    }

    private static long moreErrors(Errors errors) {
        try {
            errors.throwIfAny();
            return -1;
        } catch (InputException e) {
            return e.moreErrors();
        }
    }

    @Test
    void badLinesAreReportedWithTheirFieldAndTheRestIsStillRead() {
        Errors errors = new Errors();
        read("""
                {"event_id":"a","provider_uscc":"P","contract_id":"C","sku":"S","quantity":"1","start":"2025-03-05T10:00:00Z","end":"x"}
                {"event_id":"b","provider_uscc":"P","contract_id":"C","sku":"S","quantity":"1","start":"2025-03-05T10:00:00Z","end":"2025-03-05T10:00:00Z","end":"2025-03-05T10:00:00Z"}
                {"event_id":"c","provider_uscc":"P","contract_id":"C","sku":"S","quantity":"01","start":"2025-03-05T10:00:00Z","end":"2025-03-05T10:00:00Z","units":1.5}
                {"event_id":"","provider_uscc":"P","contract_id":"C","sku":"S","quantity":"1","start":"2025-03-05T10:00:00Z","end":"2025-03-05T10:00:00Z"}
                {"event_id":"d\\x","provider_uscc":"P","contract_id":"C","sku":"S","quantity":"1","start":"2025-03-05T10:00:00Z","end":"2025-03-05T10:00:00Z"}
                [1,2]
                {"event_id":"e","provider_uscc":"P","contract_id":"C","sku":"S","quantity":"1","start":"2025-02-30T10:00:00Z","end":"2025-03-05T10:00:00Z"}
                """, 1, errors);
        assertThat(errors.toString()).contains(
                "usage.ndjson:1:end: not an ISO-8601 timestamp",
                "usage.ndjson:2:end: field appears twice",
                "usage.ndjson:3:units: ",
                "usage.ndjson:4:event_id: must not be empty",
                "usage.ndjson:5:event_id: a bad escape",
                "usage.ndjson:6:-: a line must hold one JSON object",
                "usage.ndjson:7:start: ");
    }

    @Test
    void aLastLineWithoutANewlineAndABomAreFine() {
        Errors errors = new Errors();
        UsageLog log = read("\uFEFF{\"event_id\":\"a\",\"provider_uscc\":\"P\",\"contract_id\":\"C\",\"sku\":\"S\","
                + "\"quantity\":\"1\",\"start\":\"2025-03-05T10:00:00Z\",\"end\":\"2025-03-05T11:00:00Z\"}", 1, errors);
        assertThat(errors.isEmpty()).isTrue();
        assertThat(log.size()).isEqualTo(1);
        assertThat(log.eventId(0)).isEqualTo("a");
    }

    @Test
    void timestampsFastAndSlowPathsAgree() {
        for (String text : new String[] {"2025-03-05T10:00:00+08:00", "2025-03-05T10:00:00.123456789-05:30",
                "2024-02-29T23:59:59Z", "2025-12-31T16:00:00.5Z", "1999-01-01T00:00:00+14:00"}) {
            byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
            long fast = Timestamps.nanos(bytes, 0, bytes.length);
            assertThat(fast).as(text).isEqualTo(ShanghaiTime.nanos(java.time.OffsetDateTime.parse(text).toInstant()));
        }
        for (String text : new String[] {"2025-02-29T10:00:00Z", "2025-03-05T24:00:00Z", "2025-03-05T10:00:00",
                "2025-03-05T10:00:60Z", "2025-13-05T10:00:00Z", "2025-03-05T10:00:00+8:00", "x"}) {
            byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
            assertThat(Timestamps.nanos(bytes, 0, bytes.length)).as(text).isEqualTo(Timestamps.INVALID);
        }
    }
}

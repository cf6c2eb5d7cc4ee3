package org.zhice.metering;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import org.zhice.metering.IngestResult.LineResult;
import org.zhice.metering.IngestResult.Outcome;
import org.zhice.metering.MeteringFixtures.World;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Ingestion on a real PostgreSQL: every check of spec §4 online, against the events the provider
 * had accepted before; retries, reused ids, other providers' events, the late window, corrections.
 */
@SpringBootTest
@Import(MeteringFixtures.FixedClock.class)
class IngestionTest {

    @Autowired UsageIngestion ingestion;
    @Autowired Metering metering;
    @Autowired JdbcClient jdbc;
    @Autowired TransactionTemplate tx;
    @Autowired org.springframework.context.MessageSource messages;

    IngestResult push(String provider, String... lines) {
        byte[] body = MeteringFixtures.ndjson(List.of(lines));
        return ingestion.ingest(new UsageIngestion.Upload(provider, "test", "api", null, Metering.sha256(body),
                "ndjson", null), UsageParsing.ndjson(body, UsageIngestion.MAX_LINES));
    }

    /** ACCEPTED, WITHDRAWAL, or the reason / problem code of a line. */
    static String verdict(IngestResult result, int line) {
        LineResult r = result.results().stream().filter(x -> x.line() == line).findFirst().orElseThrow();
        return r.outcome() == Outcome.ACCEPTED || r.outcome() == Outcome.WITHDRAWAL ? r.outcome().name() : r.code();
    }

    static List<String> verdicts(IngestResult result) {
        List<String> all = new ArrayList<>();
        for (LineResult r : result.results()) {
            all.add(verdict(result, r.line()));
        }
        return all;
    }

    long stored(String provider) {
        return jdbc.sql("select count(*) from usage_event where provider_no = (select provider_no from metering_provider where provider_uscc = :p)").param("p", provider)
                .query(Long.class).single();
    }

    long lineTotal(String contract, String sku) {
        return jdbc.sql("select accepted_micros from metering_line where contract_id = :c and sku = :s")
                .param("c", contract).param("s", sku).query(Long.class).optional().orElse(0L);
    }

    @Test
    void theWorkedExampleOnline() {
        World w = World.create(tx, jdbc, "WX" + UUID.randomUUID().toString().substring(0, 6));
        IngestResult result = push(w.provider(),
                w.gpu("ev1", 4, "8", "2025-03-05T10:00:00+08:00", "2025-03-05T12:00:00+08:00"),
                w.gpu("ev2", 6, "12", "2025-03-05T03:00:00Z", "2025-03-05T05:00:00Z"),
                w.gpu("ev1", 4, "8", "2025-03-05T10:00:00+08:00", "2025-03-05T12:00:00+08:00"));

        assertThat(verdicts(result)).containsExactly("ACCEPTED", "CAPACITY_EXCEEDED", "DUPLICATE_EVENT");
        assertThat(result.lines()).isEqualTo(3);
        assertThat(result.accepted()).isEqualTo(1);
        assertThat(result.rejected()).isEqualTo(1);
        assertThat(result.problems()).isEqualTo(1);
        assertThat(result.results().get(2).field()).isEqualTo("event_id");
        assertThat(result.results().get(2).usageId()).isEqualTo(result.results().get(0).usageId());
        List<AcceptedUsage> usage = metering.acceptedUsage(w.gpuContract());
        assertThat(usage).hasSize(1);
        AcceptedUsage ev1 = usage.get(0);
        assertThat(ev1.eventId()).isEqualTo("ev1");
        assertThat(ev1.quantityMicros()).isEqualTo(8_000_000);
        assertThat(ev1.amountFen()).as("8 GPU-hours at min(1,200, 1,000)").isEqualTo(8_000);
        assertThat(ev1.category()).isEqualTo("compute.domestic");
        assertThat(ev1.units()).isEqualTo(4);
        assertThat(ev1.countedBy()).isNull();
        assertThat(ev1.start()).isEqualTo("2025-03-05T02:00:00Z");
        assertThat(stored(w.provider())).as("the duplicate stores nothing").isEqualTo(2);
    }

    @Test
    void checksTwoToFourAgainstTheContractLine() {
        World w = World.create(tx, jdbc, "L" + UUID.randomUUID().toString().substring(0, 6));
        World other = World.create(tx, jdbc, "O" + UUID.randomUUID().toString().substring(0, 6));
        IngestResult result = push(w.provider(),
                MeteringFixtures.event("u1", w.provider(), "NO-SUCH", "GPU-A", 1, "1",
                        "2025-03-05T10:00:00+08:00", "2025-03-05T11:00:00+08:00"),
                MeteringFixtures.event("u2", w.provider(), w.gpuContract(), "TOK", null, "1",
                        "2025-03-05T10:00:00+08:00", "2025-03-05T11:00:00+08:00"),
                MeteringFixtures.event("u3", w.provider(), other.gpuContract(), "GPU-A", 1, "1",
                        "2025-03-05T10:00:00+08:00", "2025-03-05T11:00:00+08:00"),
                w.gpu("t1", 1, "2", "2025-02-28T23:00:00+08:00", "2025-03-01T01:00:00+08:00"),
                w.gpu("q1", 4, "9", "2025-03-06T10:00:00+08:00", "2025-03-06T12:00:00+08:00"),
                w.tokens("q2", "0", "2025-03-06T10:00:00+08:00", "2025-03-06T12:00:00+08:00"),
                w.tokens("q3", "5", "2025-03-06T10:00:00+08:00", "2025-03-06T10:00:00+08:00"),
                MeteringFixtures.event("q4", w.provider(), w.gpuContract(), "GPU-A", null, "2",
                        "2025-03-06T13:00:00+08:00", "2025-03-06T15:00:00+08:00"),
                w.gpu("ok1", 4, "8.01", "2025-03-06T13:00:00+08:00", "2025-03-06T15:00:00+08:00"),
                w.tokens("ok2", "3.5", "2025-03-06T10:00:00+08:00", "2025-03-06T10:05:00+08:00"));

        assertThat(verdicts(result)).containsExactly("UNKNOWN_CONTRACT_LINE", "UNKNOWN_CONTRACT_LINE",
                "UNKNOWN_CONTRACT_LINE", "OUTSIDE_CONTRACT_TERM", "INCONSISTENT_QUANTITY", "INCONSISTENT_QUANTITY",
                "INCONSISTENT_QUANTITY", "INCONSISTENT_QUANTITY", "ACCEPTED", "ACCEPTED");
        assertThat(result.results().subList(4, 8)).as("which condition failed, with the figures")
                .extracting(r -> messages.getMessage(r.messageKey(), r.args().toArray(), java.util.Locale.ENGLISH))
                .containsExactly("The quantity 9 differs from GPUs × hours = 4 × 2 = 8 by more than 0.01",
                        "The quantity 0 is not above 0", "The end is not after the start",
                        "units (GPUs at once) is missing, and a GPU-hour line needs it: the quantity 2 cannot be "
                                + "checked against GPUs × hours");
        assertThat(UploadResults.of(jdbc, result.uploadId(), false).results()).as("the stored upload answers the same")
                .extracting(LineResult::messageKey, LineResult::args)
                .containsExactlyElementsOf(result.results().stream()
                        .map(r -> org.assertj.core.groups.Tuple.tuple(r.messageKey(), r.args())).toList());
        assertThat(metering.acceptedUsage(w.tokenContract())).singleElement()
                .satisfies(u -> assertThat(u.amountFen()).as("3.5 × min(400, 500)").isEqualTo(1_400));
        assertThat(metering.acceptedUsage(other.gpuContract())).as("nothing lands on another provider's contract")
                .isEmpty();
    }

    @Test
    void capacityIsCheckedAgainstWhatWasAcceptedBefore() {
        World w = World.create(tx, jdbc, "K" + UUID.randomUUID().toString().substring(0, 6));
        assertThat(verdicts(push(w.provider(),
                w.gpu("a", 6, "12", "2025-03-10T10:00:00+08:00", "2025-03-10T12:00:00+08:00"))))
                .containsExactly("ACCEPTED");
        assertThat(verdicts(push(w.provider(),
                w.gpu("b", 3, "6", "2025-03-10T11:00:00+08:00", "2025-03-10T13:00:00+08:00"),
                w.gpu("c", 2, "4", "2025-03-10T11:00:00+08:00", "2025-03-10T13:00:00+08:00"))))
                .as("6 + 3 > 8; 6 + 2 fits").containsExactly("CAPACITY_EXCEEDED", "ACCEPTED");
        // arriving after events that start later: checked over its whole interval, not only at its start
        assertThat(verdicts(push(w.provider(),
                w.gpu("d", 3, "7.5", "2025-03-10T09:00:00+08:00", "2025-03-10T11:30:00+08:00"),
                w.gpu("e", 2, "4", "2025-03-10T08:00:00+08:00", "2025-03-10T10:00:00+08:00"),
                w.gpu("f", 8, "16", "2025-03-10T12:00:00+08:00", "2025-03-10T14:00:00+08:00"),
                w.gpu("g", 6, "6", "2025-03-10T13:00:00+08:00", "2025-03-10T14:00:00+08:00"))))
                .containsExactly("CAPACITY_EXCEEDED", "ACCEPTED", "CAPACITY_EXCEEDED", "ACCEPTED");
    }

    @Test
    void theContractQuantityIsCheckedAgainstWhatWasAcceptedBefore() {
        World w = World.create(tx, jdbc, "Q" + UUID.randomUUID().toString().substring(0, 6));
        assertThat(verdicts(push(w.provider(),
                w.gpu("a", 8, "80", "2025-03-10T00:00:00+08:00", "2025-03-10T10:00:00+08:00"))))
                .containsExactly("ACCEPTED");
        assertThat(verdicts(push(w.provider(),
                w.gpu("b", 8, "24", "2025-03-11T00:00:00+08:00", "2025-03-11T03:00:00+08:00"),
                w.gpu("c", 4, "20", "2025-03-11T00:00:00+08:00", "2025-03-11T05:00:00+08:00"),
                w.gpu("d", 4, "20", "2025-03-12T00:00:00+08:00", "2025-03-12T05:00:00+08:00"),
                w.gpu("e", 1, "0.5", "2025-03-13T00:00:00+08:00", "2025-03-13T00:30:00+08:00"))))
                .as("b passes 100; b passed the capacity check (spec 5 before 6) and still holds 8 GPUs against c; "
                        + "d brings the line to exactly 100; e passes it")
                .containsExactly("OVER_CONTRACT_QUANTITY", "CAPACITY_EXCEEDED", "ACCEPTED", "OVER_CONTRACT_QUANTITY");
        assertThat(lineTotal(w.gpuContract(), "GPU-A")).isEqualTo(100_000_000);
    }

    @Test
    void aRetriedBatchCountsNothingTwice() {
        World w = World.create(tx, jdbc, "R" + UUID.randomUUID().toString().substring(0, 6));
        String[] batch = {
                w.gpu("r1", 2, "4", "2025-03-07T10:00:00+08:00", "2025-03-07T12:00:00+08:00"),
                w.gpu("r2", 2, "4", "2025-03-07T12:00:00+08:00", "2025-03-07T14:00:00+08:00"),
                w.tokens("r3", "10", "2025-03-07T10:00:00+08:00", "2025-03-07T11:00:00+08:00")};
        IngestResult first = push(w.provider(), batch);
        assertThat(first.accepted()).isEqualTo(3);
        long totalAfterFirst = lineTotal(w.gpuContract(), "GPU-A");

        IngestResult retry = push(w.provider(), batch);
        assertThat(verdicts(retry)).containsOnly("DUPLICATE_EVENT");
        assertThat(retry.accepted()).isZero();
        assertThat(retry.results()).extracting(LineResult::usageId)
                .containsExactlyElementsOf(first.results().stream().map(LineResult::usageId).toList());
        assertThat(stored(w.provider())).isEqualTo(3);
        assertThat(lineTotal(w.gpuContract(), "GPU-A")).isEqualTo(totalAfterFirst).isEqualTo(8_000_000);
        assertThat(metering.acceptedUsage(w.gpuContract())).hasSize(2);
        assertThat(metering.acceptedUsage(w.tokenContract())).hasSize(1);
        assertThat(jdbc.sql("select count(*) from metering_upload_problem where upload_id = :u")
                .param("u", retry.uploadId()).query(Long.class).single()).isEqualTo(3);
        assertThatThrownBy(() -> jdbc.sql("""
                insert into metering_upload_problem (upload_id, line_no, code, message_key, args)
                values (-1, 1, 'DUPLICATE_EVENT', 'metering.problem.duplicate', '')""").update())
                .hasMessageContaining("names an upload that does not exist");
        assertThatThrownBy(() -> jdbc.sql("delete from metering_upload where id = :u")
                .param("u", retry.uploadId()).update())
                .hasMessageContaining("cannot be deleted");
    }

    @Test
    void anIdReusedWithAnotherBodyIsReported() {
        World w = World.create(tx, jdbc, "U" + UUID.randomUUID().toString().substring(0, 6));
        push(w.provider(), w.gpu("x1", 2, "4", "2025-03-07T10:00:00+08:00", "2025-03-07T12:00:00+08:00"));
        IngestResult result = push(w.provider(),
                w.gpu("x1", 2, "4", "2025-03-07T02:00:00Z", "2025-03-07T04:00:00.000Z"),
                w.gpu("x1", 2, "3.99", "2025-03-07T10:00:00+08:00", "2025-03-07T12:00:00+08:00"),
                w.tokens("x2", "1", "2025-03-07T10:00:00+08:00", "2025-03-07T11:00:00+08:00"),
                w.tokens("x2", "2", "2025-03-07T10:00:00+08:00", "2025-03-07T11:00:00+08:00"),
                w.tokens("x2", "1.000", "2025-03-07T10:00:00+08:00", "2025-03-07T11:00:00+08:00"));
        assertThat(verdicts(result)).as("the same instants and quantity written otherwise are the same event")
                .containsExactly("DUPLICATE_EVENT", "EVENT_ID_REUSED_WITH_OTHER_BODY", "ACCEPTED",
                        "EVENT_ID_REUSED_WITH_OTHER_BODY", "DUPLICATE_EVENT");
        assertThat(result.results().get(3).messageKey()).isEqualTo("metering.problem.reusedLine");
        assertThat(result.results().get(3).args()).containsExactly("x2", "3");
        assertThat(stored(w.provider())).isEqualTo(2);
    }

    @Test
    void aProviderCannotPushAnotherProvidersEvents() {
        World w = World.create(tx, jdbc, "F" + UUID.randomUUID().toString().substring(0, 6));
        World other = World.create(tx, jdbc, "G" + UUID.randomUUID().toString().substring(0, 6));
        IngestResult result = push(w.provider(),
                other.gpu("f1", 1, "1", "2025-03-07T10:00:00+08:00", "2025-03-07T11:00:00+08:00"),
                w.gpu("f2", 1, "1", "2025-03-07T10:00:00+08:00", "2025-03-07T11:00:00+08:00"));
        LineResult refused = result.results().get(0);
        assertThat(refused.outcome()).isEqualTo(Outcome.ERROR);
        assertThat(refused.code()).isEqualTo("FOREIGN_PROVIDER");
        assertThat(refused.field()).isEqualTo("provider_uscc");
        assertThat(refused.args()).containsExactly(other.provider(), w.provider());
        assertThat(verdict(result, 2)).isEqualTo("ACCEPTED");
        assertThat(stored(other.provider())).isZero();
        assertThat(metering.acceptedUsage(other.gpuContract())).isEmpty();
    }

    @Test
    void lateEventsAreAcceptedWithinTheWindowAndFutureOnesNot() {
        World w = World.create(tx, jdbc, "T" + UUID.randomUUID().toString().substring(0, 6));
        IngestResult result = push(w.provider(),
                w.gpu("old", 1, "1", "2025-02-17T08:00:00+08:00", "2025-02-17T09:00:00+08:00"),
                w.gpu("inside", 1, "1", "2025-02-19T10:00:00+08:00", "2025-02-19T11:00:00+08:00"),
                w.gpu("future", 1, "1", "2025-03-20T10:00:00+08:00", "2025-03-20T11:00:00+08:00"),
                w.gpu("skew", 1, "0.05", "2025-03-20T09:58:00+08:00", "2025-03-20T10:01:00+08:00"));
        assertThat(verdicts(result)).as("30 late days from 2025-03-20 10:00; 5 minutes of clock skew")
                .containsExactly("TOO_LATE", "OUTSIDE_CONTRACT_TERM", "NOT_YET_ENDED", "ACCEPTED");
    }

    @Test
    void correctionsAreNewEventsThatSupersedeTheOldOnes() {
        World w = World.create(tx, jdbc, "A" + UUID.randomUUID().toString().substring(0, 6));
        push(w.provider(),
                w.gpu("a", 4, "8", "2025-03-08T10:00:00+08:00", "2025-03-08T12:00:00+08:00"),
                w.gpu("b", 8, "16", "2025-03-09T10:00:00+08:00", "2025-03-09T12:00:00+08:00"),
                w.tokens("t", "5", "2025-03-09T10:00:00+08:00", "2025-03-09T11:00:00+08:00"));
        assertThat(lineTotal(w.gpuContract(), "GPU-A")).isEqualTo(24_000_000);

        IngestResult result = push(w.provider(),
                MeteringFixtures.event("a2", w.provider(), w.gpuContract(), "GPU-A", 4, "6",
                        "2025-03-08T10:00:00+08:00", "2025-03-08T11:30:00+08:00", "a"),
                MeteringFixtures.event("b2", w.provider(), w.gpuContract(), "GPU-A", 8, "15",
                        "2025-03-09T10:00:00+08:00", "2025-03-09T11:52:30+08:00", "b"),
                MeteringFixtures.event("a3", w.provider(), w.gpuContract(), "GPU-A", 4, "5",
                        "2025-03-08T10:00:00+08:00", "2025-03-08T11:15:00+08:00", "a"),
                MeteringFixtures.event("n1", w.provider(), w.gpuContract(), "GPU-A", 1, "1",
                        "2025-03-08T10:00:00+08:00", "2025-03-08T11:00:00+08:00", "nothing"),
                MeteringFixtures.event("t2", w.provider(), w.gpuContract(), "GPU-A", 1, "1",
                        "2025-03-09T10:00:00+08:00", "2025-03-09T11:00:00+08:00", "t"));
        assertThat(verdicts(result)).as("b2 replaces b: its own 8 GPUs do not count against it")
                .containsExactly("ACCEPTED", "ACCEPTED", "ADJUSTED_EVENT_NOT_IN_FORCE", "ADJUSTED_EVENT_UNKNOWN",
                        "ADJUSTMENT_CHANGES_LINE");
        assertThat(messages.getMessage(result.results().get(3).messageKey(), result.results().get(3).args().toArray(),
                java.util.Locale.ENGLISH)).isEqualTo("adjusts names nothing, which is no event you reported before");
        assertThat(metering.acceptedUsage(w.gpuContract())).extracting(AcceptedUsage::eventId)
                .containsExactly("a2", "b2");
        assertThat(lineTotal(w.gpuContract(), "GPU-A")).isEqualTo(21_000_000);
        assertThat(jdbc.sql("select status, superseded_by from usage_event where provider_no = (select provider_no from metering_provider where provider_uscc = :p) and event_id = 'a'")
                .param("p", w.provider()).query((rs, n) -> rs.getString(1) + " " + rs.getLong(2)).single())
                .isEqualTo("superseded " + result.results().get(0).usageId());

        IngestResult withdrawal = push(w.provider(),
                MeteringFixtures.event("a4", w.provider(), w.gpuContract(), "GPU-A", 4, "0",
                        "2025-03-08T10:00:00+08:00", "2025-03-08T11:30:00+08:00", "a2"),
                MeteringFixtures.event("a5", w.provider(), w.gpuContract(), "GPU-A", 4, "6",
                        "2025-03-08T10:00:00+08:00", "2025-03-08T11:30:00+08:00", "a"));
        assertThat(verdicts(withdrawal)).containsExactly("WITHDRAWAL", "ADJUSTED_EVENT_NOT_IN_FORCE");
        assertThat(metering.acceptedUsage(w.gpuContract())).extracting(AcceptedUsage::eventId).containsExactly("b2");
        assertThat(lineTotal(w.gpuContract(), "GPU-A")).isEqualTo(15_000_000);
    }

    @Test
    void aCorrectionOfCountedUsageIsRefused() {
        World w = World.create(tx, jdbc, "P" + UUID.randomUUID().toString().substring(0, 6));
        IngestResult first = push(w.provider(),
                w.gpu("p1", 2, "4", "2025-03-08T10:00:00+08:00", "2025-03-08T12:00:00+08:00"));
        tx.executeWithoutResult(s -> metering.markCounted("R-1", List.of(first.results().get(0).usageId())));
        IngestResult fix = push(w.provider(), MeteringFixtures.event("p2", w.provider(), w.gpuContract(), "GPU-A", 2,
                "3", "2025-03-08T10:00:00+08:00", "2025-03-08T11:30:00+08:00", "p1"));
        assertThat(verdicts(fix)).containsExactly("ADJUSTED_EVENT_COUNTED");
        assertThat(metering.acceptedUsage(w.gpuContract())).singleElement()
                .satisfies(u -> assertThat(u.countedBy()).isEqualTo("R-1"));
    }

    @Test
    void malformedLinesAreNamedByLineAndFieldAndTheRestStillCounts() {
        World w = World.create(tx, jdbc, "M" + UUID.randomUUID().toString().substring(0, 6));
        IngestResult result = push(w.provider(),
                "{\"event_id\":\"m1\",",
                w.gpu("m2", 1, "1", "2025-03-08T10:00:00+08:00", "2025-03-08T11:00:00+08:00")
                        .replace("\"quantity\":\"1\"", "\"quantity\":\"1.0000001\""),
                w.gpu("m3", 1, "1", "2025-03-08 10:00", "2025-03-08T11:00:00+08:00"),
                "{\"event_id\":\"m4\"}",
                "",
                w.gpu("m5", 1, "1", "2025-03-08T10:00:00+08:00", "2025-03-08T11:00:00+08:00"));
        assertThat(result.lines()).isEqualTo(6);
        assertThat(result.results()).extracting(LineResult::line, LineResult::code, LineResult::field)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1, "MALFORMED_LINE", "-"),
                        org.assertj.core.groups.Tuple.tuple(2, "INVALID_FIELD", "quantity"),
                        org.assertj.core.groups.Tuple.tuple(3, "INVALID_FIELD", "start"),
                        org.assertj.core.groups.Tuple.tuple(4, "MISSING_FIELD", "provider_uscc"),
                        org.assertj.core.groups.Tuple.tuple(6, null, null));
        assertThat(result.accepted()).isEqualTo(1);
        assertThat(result.problems()).isEqualTo(4);
        assertThat(UploadResults.of(jdbc, result.uploadId(), true).results())
                .as("the stored result reads back the same").isEqualTo(result.results());
    }

    @Test
    void csvCarriesTheSameFields() {
        World w = World.create(tx, jdbc, "V" + UUID.randomUUID().toString().substring(0, 6));
        String csv = """
                sku,event_id,provider_uscc,contract_id,units,quantity,start,end
                GPU-A,c1,%1$s,%2$s,2,4,2025-03-08T10:00:00+08:00,2025-03-08T12:00:00+08:00
                TOK,c2,%1$s,%3$s,,"1.5",2025-03-08T10:00:00+08:00,2025-03-08T10:10:00+08:00
                GPU-A,c3,%1$s,%2$s,two,4,2025-03-08T10:00:00+08:00,2025-03-08T12:00:00+08:00
                """.formatted(w.provider(), w.gpuContract(), w.tokenContract());
        byte[] body = csv.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        IngestResult result = ingestion.ingest(new UsageIngestion.Upload(w.provider(), "test", "page", null,
                Metering.sha256(body), "csv", "usage.csv"), UsageParsing.csv(body, UsageIngestion.MAX_LINES));
        assertThat(result.results()).extracting(LineResult::line, LineResult::outcome, LineResult::field)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(2, Outcome.ACCEPTED, null),
                        org.assertj.core.groups.Tuple.tuple(3, Outcome.ACCEPTED, null),
                        org.assertj.core.groups.Tuple.tuple(4, Outcome.ERROR, "units"));
        assertThat(metering.acceptedUsage(w.tokenContract())).singleElement()
                .satisfies(u -> assertThat(u.units()).isNull());
    }

    @Test
    void theFacadeIngestsLinesWithoutHttp() {
        World w = World.create(tx, jdbc, "D" + UUID.randomUUID().toString().substring(0, 6));
        IngestResult result = metering.ingest(w.provider(), List.of(
                new UsageLine("d1", w.provider(), w.gpuContract(), "GPU-A", 4, new java.math.BigDecimal("8"),
                        java.time.Instant.parse("2025-03-05T02:00:00Z"), java.time.Instant.parse("2025-03-05T04:00:00Z")),
                new UsageLine("d2", w.provider(), w.gpuContract(), "GPU-A", 4, new java.math.BigDecimal("8"),
                        null, java.time.Instant.parse("2025-03-05T04:00:00Z"))));
        assertThat(verdicts(result)).containsExactly("ACCEPTED", "MISSING_FIELD");
        assertThat(result.results().get(1).field()).isEqualTo("start");
        assertThat(metering.acceptedUsage(w.gpuContract())).extracting(AcceptedUsage::eventId).containsExactly("d1");
        assertThat(LocalDate.of(2025, 3, 5)).isBefore(MeteringFixtures.TODAY);
    }
}

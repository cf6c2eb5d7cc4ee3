package org.zhice.voucher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.zhice.voucher.ReplayFixture.E1;
import static org.zhice.voucher.ReplayFixture.P1;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spec §4, one reason at a time, through the whole replay. The worked example's contracts:
 * C1 = E1's GPU-A line (term 2025-03-01..06-30, quantity_max 100, P1 has 8 GPUs), C2 = E1's
 * TOK line (price basis min(400, 500) = 400, quantity_max 200).
 */
class UsageRulesTest {

    @TempDir
    Path temp;

    static String event(String id, String provider, String contract, String sku, Integer units, String quantity,
                        String start, String end) {
        return "{\"event_id\":\"" + id + "\",\"provider_uscc\":\"" + provider + "\",\"contract_id\":\"" + contract
                + "\",\"sku\":\"" + sku + "\"" + (units == null ? "" : ",\"units\":" + units)
                + ",\"quantity\":\"" + quantity + "\",\"start\":\"" + start + "\",\"end\":\"" + end + "\"}";
    }

    /** A GPU-A event of C1 on 2025-03-05 (local times {@code HH:MM}). */
    static String gpu(String id, int units, String quantity, String from, String to) {
        return event(id, P1, "C1", "GPU-A", units, quantity, "2025-03-05T" + from + ":00+08:00", "2025-03-05T" + to + ":00+08:00");
    }

    /** A token event of C2 on 2025-03-05 10:00–11:00 local. */
    static String tokens(String id, String quantity) {
        return event(id, P1, "C2", "TOK", null, quantity, "2025-03-05T10:00:00+08:00", "2025-03-05T11:00:00+08:00");
    }

    ReplayFixture.Result replay(String... events) {
        return ReplayFixture.workedExample(temp).with("usage.ndjson", String.join("\n", events) + "\n").replay();
    }

    @Test
    void duplicateEventIsBySameProviderAndIdOverEveryEarlierEventEvenRejectedOnes() {
        var result = replay(
                event("d1", P1, "NOPE", "GPU-A", 1, "1", "2025-03-05T10:00:00+08:00", "2025-03-05T11:00:00+08:00"),
                gpu("d1", 1, "1", "10:00", "11:00"),
                gpu("d2", 1, "1", "10:00", "11:00"),
                gpu("d2", 1, "1", "12:00", "13:00"),
                event("d2", E1, "C1", "GPU-A", 1, "1", "2025-03-05T10:00:00+08:00", "2025-03-05T11:00:00+08:00"));
        assertThat(result.rejections()).isEqualTo("""
                event_id,provider_uscc,reason
                d1,91330106NE8PR7JY36,UNKNOWN_CONTRACT_LINE
                d1,91330106NE8PR7JY36,DUPLICATE_EVENT
                d2,91330106NE8PR7JY36,DUPLICATE_EVENT
                d2,913301064JURQ283FH,UNKNOWN_CONTRACT_LINE
                """);
    }

    @Test
    void unknownContractLineWhenNoSuchContractOrSkuOrAnotherProvider() {
        var result = replay(
                event("u1", P1, "C9", "GPU-A", 1, "1", "2025-03-05T10:00:00+08:00", "2025-03-05T11:00:00+08:00"),
                event("u2", P1, "C1", "TOK", null, "1", "2025-03-05T10:00:00+08:00", "2025-03-05T11:00:00+08:00"),
                event("u3", E1, "C1", "GPU-A", 1, "1", "2025-03-05T10:00:00+08:00", "2025-03-05T11:00:00+08:00"),
                gpu("ok", 1, "1", "10:00", "11:00"));
        assertThat(result.rejection("u1")).isEqualTo("UNKNOWN_CONTRACT_LINE");
        assertThat(result.rejection("u2")).isEqualTo("UNKNOWN_CONTRACT_LINE");
        assertThat(result.rejection("u3")).isEqualTo("UNKNOWN_CONTRACT_LINE");
        assertThat(result.rejection("ok")).isNull();
    }

    @Test
    void contractTermIsFromStartOnMidnightToTheEndOfEndOnInShanghai() {
        // C2 runs 2025-03-02 .. 2025-06-30
        var result = replay(
                event("before", P1, "C2", "TOK", null, "1", "2025-03-01T23:59:59+08:00", "2025-03-02T01:00:00+08:00"),
                // 2025-03-01 23:30 UTC is 2025-03-02 07:30 in Shanghai: inside
                event("utc", P1, "C2", "TOK", null, "1", "2025-03-01T23:30:00Z", "2025-03-02T00:30:00Z"),
                event("first", P1, "C2", "TOK", null, "1", "2025-03-01T16:00:00Z", "2025-03-01T17:00:00Z"),
                event("last", P1, "C2", "TOK", null, "1", "2025-06-30T23:00:00+08:00", "2025-07-01T00:00:00+08:00"),
                event("after", P1, "C2", "TOK", null, "1", "2025-06-30T23:00:00+08:00", "2025-07-01T00:00:01+08:00"),
                event("afterUtc", P1, "C2", "TOK", null, "1", "2025-06-30T15:00:00Z", "2025-06-30T16:00:01Z"));
        assertThat(result.rejection("before")).isEqualTo("OUTSIDE_CONTRACT_TERM");
        assertThat(result.rejection("utc")).isNull();
        assertThat(result.rejection("first")).isNull();
        assertThat(result.rejection("last")).isNull();
        assertThat(result.rejection("after")).isEqualTo("OUTSIDE_CONTRACT_TERM");
        assertThat(result.rejection("afterUtc")).isEqualTo("OUTSIDE_CONTRACT_TERM");
    }

    @Test
    void gpuQuantityMayBeOffUnitsTimesHoursByAtMostOneHundredth() {
        var result = replay(
                gpu("exact", 1, "2", "10:00", "12:00"),
                gpu("up", 1, "2.01", "12:00", "14:00"),
                gpu("down", 1, "1.99", "14:00", "16:00"),
                gpu("tooUp", 1, "2.010001", "16:00", "18:00"),
                gpu("tooDown", 1, "1.989999", "18:00", "20:00"),
                gpu("quarter", 3, "0.75", "20:00", "20:15"),
                event("seconds", P1, "C1", "GPU-A", 1, "0.01", "2025-03-05T21:00:00+08:00", "2025-03-05T21:00:01+08:00"),
                event("noUnits", P1, "C1", "GPU-A", null, "1", "2025-03-05T22:00:00+08:00", "2025-03-05T23:00:00+08:00"),
                event("nullUnits", P1, "C1", "GPU-A", null, "1", "2025-03-05T22:00:00+08:00", "2025-03-05T23:00:00+08:00")
                        .replace("\"sku\":\"GPU-A\"", "\"sku\":\"GPU-A\",\"units\":null"),
                event("fraction", P1, "C1", "GPU-A", 1, "0.5", "2025-03-06T10:00:00.5+08:00", "2025-03-06T10:30:00.5+08:00"));
        assertThat(result.rejection("exact")).isNull();
        assertThat(result.rejection("up")).isNull();
        assertThat(result.rejection("down")).isNull();
        assertThat(result.rejection("tooUp")).isEqualTo("INCONSISTENT_QUANTITY");
        assertThat(result.rejection("tooDown")).isEqualTo("INCONSISTENT_QUANTITY");
        assertThat(result.rejection("quarter")).isNull();
        assertThat(result.rejection("seconds")).isNull(); // 1 s = 0.000277… h, off by 0.0097
        assertThat(result.rejection("noUnits")).isEqualTo("INCONSISTENT_QUANTITY");
        assertThat(result.rejection("nullUnits")).isEqualTo("INCONSISTENT_QUANTITY");
        assertThat(result.rejection("fraction")).isNull();
    }

    @Test
    void quantityMustBePositiveAndEndAfterStartForAnyUnit() {
        var result = replay(
                tokens("zero", "0"),
                tokens("negative", "-1"),
                tokens("tiny", "0.000001"),
                event("instant", P1, "C2", "TOK", null, "1", "2025-03-05T10:00:00+08:00", "2025-03-05T02:00:00Z"),
                event("backwards", P1, "C2", "TOK", null, "1", "2025-03-05T10:00:00+08:00", "2025-03-05T09:00:00+08:00"),
                gpu("gpuZero", 0, "0", "10:00", "11:00"));
        assertThat(result.rejection("zero")).isEqualTo("INCONSISTENT_QUANTITY");
        assertThat(result.rejection("negative")).isEqualTo("INCONSISTENT_QUANTITY");
        assertThat(result.rejection("tiny")).isNull();
        assertThat(result.rejection("instant")).isEqualTo("INCONSISTENT_QUANTITY");
        assertThat(result.rejection("backwards")).isEqualTo("INCONSISTENT_QUANTITY");
        assertThat(result.rejection("gpuZero")).isEqualTo("INCONSISTENT_QUANTITY");
    }

    @Test
    void termIsCheckedBeforeQuantity() {
        var result = replay(
                event("both", P1, "C2", "TOK", null, "0", "2025-02-01T10:00:00+08:00", "2025-02-01T09:00:00+08:00"));
        assertThat(result.rejection("both")).isEqualTo("OUTSIDE_CONTRACT_TERM");
    }

    @Test
    void capacityCountsEventsActiveOnStartToEndSoTouchingEventsDoNotOverlap() {
        var result = replay(
                gpu("a", 8, "16", "10:00", "12:00"),
                gpu("b", 8, "16", "12:00", "14:00"),
                gpu("c", 1, "1", "13:00", "14:00"),
                gpu("d", 4, "4", "14:00", "15:00"),
                gpu("e", 4, "4", "14:00", "15:00"),
                gpu("f", 1, "1", "14:30", "15:30"));
        assertThat(result.rejection("a")).isNull();
        assertThat(result.rejection("b")).isNull();
        assertThat(result.rejection("c")).isEqualTo("CAPACITY_EXCEEDED");
        assertThat(result.rejection("d")).isNull();
        assertThat(result.rejection("e")).isNull();
        assertThat(result.rejection("f")).isEqualTo("CAPACITY_EXCEEDED");
    }

    @Test
    void capacityGoesByStartThenEventIdAndARejectedEventDoesNotOccupyGpus() {
        var result = replay(
                gpu("z", 6, "6", "10:00", "11:00"), // first in the file, but "a" sorts first at 10:00
                gpu("a", 6, "6", "10:00", "11:00"),
                gpu("y", 2, "1", "10:30", "11:00"), // 6 + 2 = 8 fits: z never joined
                gpu("x", 1, "0.5", "10:45", "11:15"));
        assertThat(result.rejections()).isEqualTo("""
                event_id,provider_uscc,reason
                z,91330106NE8PR7JY36,CAPACITY_EXCEEDED
                x,91330106NE8PR7JY36,CAPACITY_EXCEEDED
                """);
    }

    @Test
    void capacityIsSharedByEveryContractOfTheProviderForTheSku() {
        ReplayFixture fixture = ReplayFixture.workedExample(temp)
                .append("contracts.csv", "C4,91330106QEFLCR63F3,91330106NE8PR7JY36,2025-03-02,2025-03-02,2025-06-30,GPU-A,900,100")
                .with("usage.ndjson", String.join("\n",
                        gpu("mine", 6, "6", "10:00", "11:00"),
                        event("theirs", P1, "C4", "GPU-A", 4, "4", "2025-03-05T10:30:00+08:00", "2025-03-05T11:30:00+08:00")) + "\n");
        assertThat(fixture.replay().rejection("theirs")).isEqualTo("CAPACITY_EXCEEDED");
    }

    @Test
    void capacityIsTheOneListedOnTheShanghaiDateOfTheEventsStart() {
        ReplayFixture fixture = ReplayFixture.workedExample(temp).rows("catalog.csv",
                "91330106NE8PR7JY36,GPU-A,compute.domestic,gpu_hour,1000,8,2025-01-01,2025-03-31",
                "91330106NE8PR7JY36,GPU-A,compute.domestic,gpu_hour,1000,16,2025-04-01,2025-04-30",
                "91330106NE8PR7JY36,GPU-A,compute.domestic,gpu_hour,1000,,2025-05-01,2025-05-31",
                "91330106NE8PR7JY36,TOK,model.filed,million_tokens,500,,2025-01-01,2025-12-31");
        fixture.with("usage.ndjson", String.join("\n",
                event("march", P1, "C1", "GPU-A", 10, "10", "2025-03-31T10:00:00+08:00", "2025-03-31T11:00:00+08:00"),
                // 2025-03-31 16:30 UTC is 2025-04-01 00:30 in Shanghai: April's 16 GPUs
                event("aprilUtc", P1, "C1", "GPU-A", 10, "10", "2025-03-31T16:30:00Z", "2025-03-31T17:30:00Z"),
                event("april", P1, "C1", "GPU-A", 17, "17", "2025-04-02T10:00:00+08:00", "2025-04-02T11:00:00+08:00"),
                event("mayNoLimit", P1, "C1", "GPU-A", 40, "40", "2025-05-02T10:00:00+08:00", "2025-05-02T11:00:00+08:00"),
                event("juneUnlisted", P1, "C1", "GPU-A", 30, "30", "2025-06-02T10:00:00+08:00", "2025-06-02T11:00:00+08:00"))
                + "\n");
        var result = fixture.replay();
        assertThat(result.rejection("march")).isEqualTo("CAPACITY_EXCEEDED");
        assertThat(result.rejection("aprilUtc")).isNull();
        assertThat(result.rejection("april")).isEqualTo("CAPACITY_EXCEEDED");
        assertThat(result.rejection("mayNoLimit")).isNull();
        assertThat(result.rejection("juneUnlisted")).isNull();
    }

    @Test
    void overContractQuantityGoesByStartNotFileOrderAndRejectsTheWholeEvent() {
        var result = replay(
                event("late", P1, "C2", "TOK", null, "150", "2025-03-06T10:00:00+08:00", "2025-03-06T11:00:00+08:00"),
                event("early", P1, "C2", "TOK", null, "120", "2025-03-05T10:00:00+08:00", "2025-03-05T11:00:00+08:00"),
                event("fits", P1, "C2", "TOK", null, "80", "2025-03-07T10:00:00+08:00", "2025-03-07T11:00:00+08:00"),
                event("more", P1, "C2", "TOK", null, "0.000001", "2025-03-08T10:00:00+08:00", "2025-03-08T11:00:00+08:00"));
        assertThat(result.rejection("late")).isEqualTo("OVER_CONTRACT_QUANTITY");
        assertThat(result.rejection("early")).isNull();
        assertThat(result.rejection("fits")).isNull(); // 120 + 80 = 200 = quantity_max
        assertThat(result.rejection("more")).isEqualTo("OVER_CONTRACT_QUANTITY");
    }

    @Test
    void eventsRejectedForCapacityDoNotCountTowardsTheContractQuantity() {
        var result = replay(
                gpu("big", 9, "90", "00:00", "10:00"),
                gpu("small", 8, "96", "10:00", "22:00"));
        assertThat(result.rejection("big")).isEqualTo("CAPACITY_EXCEEDED");
        assertThat(result.rejection("small")).isNull();
    }

    @Test
    void anEventAmountRoundsHalfUpToWholeFenBeforeTheRatio() {
        // price basis 400: 0.00125 × 400 = 0.5 fen → 1 fen; ten of them = 10 fen; × 0.30 = 3 fen.
        // Without rounding per event it would be floor(0.30 × 5) = 1.
        StringBuilder usage = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            usage.append(tokens("half" + i, "0.00125")).append('\n');
        }
        for (int i = 0; i < 10; i++) {
            usage.append(event("below" + i, P1, "C2", "TOK", null, "0.001249", "2025-04-05T10:00:00+08:00",
                    "2025-04-05T11:00:00+08:00")).append('\n');
        }
        var result = ReplayFixture.workedExample(temp).with("usage.ndjson", usage.toString())
                .rows("redemptions.csv",
                        "R1,2025-04-01T09:00:00+08:00,A2,2025-03-01,2025-03-31,false",
                        "R2,2025-05-01T09:00:00+08:00,A2,2025-04-01,2025-04-30,false")
                .replay();
        assertThat(result.decision("R1")).isEqualTo("redemption,R1,approved,3,");
        assertThat(result.decision("R2")).isEqualTo("redemption,R2,rejected,0,NO_ELIGIBLE_USAGE");
    }

    @Test
    void rejectionsAreListedInFileOrderWhateverTheCheck() {
        // c0 (09:30, last in the file) takes the GPUs first; c2 is refused; c1 starts as c0 ends
        var result = replay(
                gpu("c2", 8, "8", "10:00", "11:00"),
                gpu("c1", 8, "8", "10:30", "11:30"),
                tokens("q", "0"),
                gpu("c2", 1, "1", "12:00", "13:00"),
                gpu("c0", 8, "8", "09:30", "10:30"));
        assertThat(result.rejections()).isEqualTo("""
                event_id,provider_uscc,reason
                c2,91330106NE8PR7JY36,CAPACITY_EXCEEDED
                q,91330106NE8PR7JY36,INCONSISTENT_QUANTITY
                c2,91330106NE8PR7JY36,DUPLICATE_EVENT
                """);
    }
}

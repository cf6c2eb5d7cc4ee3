package org.zhice.voucher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.zhice.voucher.ReplayFixture.E1;
import static org.zhice.voucher.ReplayFixture.P1;
import static org.zhice.voucher.UsageRulesTest.event;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The {@code replay} command: arguments, exit codes, the output's bytes, and bad input. */
class ReplayCommandTest {

    @TempDir
    Path temp;

    @Test
    void workedExampleIsByteIdenticalAndDeterministic() throws IOException {
        ReplayFixture fixture = ReplayFixture.workedExample(temp);
        var first = fixture.replay();
        assertThat(first.exit()).isZero();
        assertThat(first.stderr()).isEmpty();
        for (String name : ReplayFixture.OUTPUT_FILES) {
            byte[] written = Files.readAllBytes(temp.resolve("out").resolve(name));
            assertThat(written).as(name).isEqualTo(ReplayFixture.expected(name).getBytes(StandardCharsets.UTF_8));
        }
        var second = fixture.replay(); // into the existing folder
        assertThat(second.exit()).isZero();
        assertThat(second.outputs()).isEqualTo(first.outputs());
        try (Stream<Path> files = Files.list(temp)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("in", "out");
        }
    }

    @Test
    void argumentsMayComeWithTheCommandNameAndOutAsOneWord() {
        ReplayFixture.workedExample(temp).replay();
        Path out = temp.resolve("out2");
        var result = ReplayFixture.run(out, "replay", temp.resolve("in").toString(), "--out=" + out);
        assertThat(result.exit()).isZero();
        assertThat(result.decisions()).isEqualTo(ReplayFixture.expected("decisions.csv"));
    }

    @Test
    void usageErrorsExitWithTwo() throws IOException {
        Path out = temp.resolve("out");
        assertThat(ReplayFixture.run(out).exit()).isEqualTo(2);
        assertThat(ReplayFixture.run(out, "in").exit()).isEqualTo(2);
        assertThat(ReplayFixture.run(out, "in", "--out").exit()).isEqualTo(2);
        assertThat(ReplayFixture.run(out, "in", "other", "--out", out.toString()).exit()).isEqualTo(2);
        assertThat(ReplayFixture.run(out, "in", "--fast", "--out", out.toString()).exit()).isEqualTo(2);
        Path file = Files.writeString(temp.resolve("file"), "x");
        ReplayFixture.workedExample(temp).replay();
        assertThat(ReplayFixture.run(out, temp.resolve("in").toString(), "--out", file.toString()).exit()).isEqualTo(2);
        var help = ReplayFixture.run(out, "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.stdout()).contains("replay <input-folder> --out <folder>");
    }

    @Test
    void aMissingInputFolderIsAnInputError() {
        Path out = temp.resolve("out");
        var result = ReplayFixture.run(out, temp.resolve("nope").toString(), "--out", out.toString());
        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.outExists()).isFalse();
    }

    static Stream<Arguments> malformed() {
        String bad = "913301064JURQ283FX"; // wrong check character
        return Stream.of(
                Arguments.of("orgs.csv", (Edit) f -> f.append("orgs.csv", bad + ",x,enterprise,330106"),
                        "orgs.csv:6:uscc: "),
                Arguments.of("orgs.csv", (Edit) f -> f.append("orgs.csv", E1 + ",again,enterprise,330106"),
                        "orgs.csv:6:uscc: "),
                Arguments.of("orgs.csv", (Edit) f -> f.append("orgs.csv", "91330106MA00000012,x,enterprise"),
                        "orgs.csv:6:region_code: expected 4 fields, found 3"),
                Arguments.of("orgs.csv", (Edit) f -> f.append("orgs.csv", "91330106NE8PR7JY36,x,broker,330106"),
                        "orgs.csv:6:kind: "),
                Arguments.of("orgs.csv", (Edit) f -> f.append("orgs.csv", "91330106NE8PR7JY36,x,provider,3301"),
                        "orgs.csv:6:region_code: "),
                Arguments.of("orgs.csv", (Edit) f -> f.with("orgs.csv", "uscc,name,type,region_code\n"),
                        "orgs.csv:1:type: unknown column"),
                Arguments.of("relations.csv", (Edit) f -> f.append("relations.csv", "Q:1," + E1 + ",x"),
                        "relations.csv:4:party_a: "),
                Arguments.of("relations.csv", (Edit) f -> f.without("relations.csv"), "relations.csv:1:-: file not found"),
                Arguments.of("catalog.csv", (Edit) f -> f.append("catalog.csv",
                        P1 + ",GPU-A,compute.domestic,gpu_hour,1000,8,2025-12-31,2026-12-31"), "catalog.csv:4:listed_from: "),
                Arguments.of("catalog.csv", (Edit) f -> f.append("catalog.csv",
                        P1 + ",GPU-B,compute.domestic,gpu_hours,1000,8,2025-01-01,2025-12-31"), "catalog.csv:4:unit: "),
                Arguments.of("catalog.csv", (Edit) f -> f.append("catalog.csv",
                        P1 + ",GPU-B,compute.domestic,gpu_hour,10.5,8,2025-01-01,2025-12-31"),
                        "catalog.csv:4:reference_price_fen: "),
                Arguments.of("catalog.csv", (Edit) f -> f.append("catalog.csv",
                        P1 + ",GPU-B,compute.domestic,gpu_hour,10,-8,2025-01-01,2025-12-31"), "catalog.csv:4:capacity: "),
                Arguments.of("catalog.csv", (Edit) f -> f.append("catalog.csv",
                        P1 + ",GPU-B,compute.domestic,gpu_hour,10,8,2025-01-01,2025/12/31"), "catalog.csv:4:listed_to: "),
                Arguments.of("contracts.csv", (Edit) f -> f.append("contracts.csv",
                        "C1," + E1 + "," + P1 + ",2025-03-01,2025-03-01,2025-06-30,GPU-A,1200,5"), "contracts.csv:5:sku: "),
                Arguments.of("contracts.csv", (Edit) f -> f.append("contracts.csv",
                        "C1," + E1 + "," + P1 + ",2025-03-01,2025-03-01,2025-07-30,TOK,1200,5"), "contracts.csv:5:end_on: "),
                Arguments.of("contracts.csv", (Edit) f -> f.append("contracts.csv",
                        "C4," + E1 + "," + P1 + ",2025-03-01,2025-03-01,2025-07-30,TOK,1200,1.0000001"),
                        "contracts.csv:5:quantity_max: "),
                Arguments.of("contracts.csv", (Edit) f -> f.append("contracts.csv",
                        "C4," + E1 + "," + P1 + ",2025-03-01,2025-03-01,2025-07-30,TOK,1200,1.2.3"),
                        "contracts.csv:5:quantity_max: "),
                Arguments.of("contracts.csv", (Edit) f -> f.append("contracts.csv",
                        "C4,\"" + E1 + "\"x," + P1 + ",2025-03-01,2025-03-01,2025-07-30,TOK,1200,1"),
                        "contracts.csv:5:-: text after the closing quote"),
                Arguments.of("applications.csv", (Edit) f -> f.append("applications.csv",
                        "A4,2025-03-02T09:00:00," + E1 + ",C1"), "applications.csv:5:submitted_at: "),
                Arguments.of("applications.csv", (Edit) f -> f.append("applications.csv",
                        "A1,2025-03-02T09:00:00Z," + E1 + ",C1"), "applications.csv:5:application_id: "),
                Arguments.of("redemptions.csv", (Edit) f -> f.append("redemptions.csv",
                        "R2,2025-04-01T09:00:00+08:00,A1,2025-03-01,2025-03-31,yes"), "redemptions.csv:3:final: "),
                Arguments.of("redemptions.csv", (Edit) f -> f.append("redemptions.csv",
                        "R2,2025-04-01T09:00:00+08:00,A1,2025-02-29,2025-03-31,false"), "redemptions.csv:3:period_from: "),
                Arguments.of("program.yaml", (Edit) f -> f.with("program.yaml",
                        f.file("program.yaml").replace("budget_yuan: 1000", "budget_yuan: 1000.001")),
                        "program.yaml:7:budget_yuan: "),
                Arguments.of("usage.ndjson", (Edit) f -> f.append("usage.ndjson", "{\"event_id\": \"ev9\","),
                        "usage.ndjson:4:"),
                Arguments.of("usage.ndjson", (Edit) f -> f.append("usage.ndjson",
                        event("ev9", P1, "C1", "GPU-A", 1, "1", "2025-03-05T10:00:00+08:00", "2025-03-05T11:00:00+08:00")
                                .replace(",\"quantity\":\"1\"", "")), "usage.ndjson:4:quantity: missing field"),
                Arguments.of("usage.ndjson", (Edit) f -> f.append("usage.ndjson",
                        event("ev9", P1, "C1", "GPU-A", 1, "1.0000001", "2025-03-05T10:00:00+08:00",
                                "2025-03-05T11:00:00+08:00")), "usage.ndjson:4:quantity: "),
                Arguments.of("usage.ndjson", (Edit) f -> f.append("usage.ndjson",
                        event("ev9", P1, "C1", "GPU-A", 1, "1", "2025-03-05 10:00:00+08:00", "2025-03-05T11:00:00+08:00")),
                        "usage.ndjson:4:start: "),
                Arguments.of("usage.ndjson", (Edit) f -> f.append("usage.ndjson",
                        event("ev9", P1, "C1", "GPU-A", -1, "1", "2025-03-05T10:00:00+08:00", "2025-03-05T11:00:00+08:00")),
                        "usage.ndjson:4:units: "),
                Arguments.of("usage.ndjson", (Edit) f -> f.append("usage.ndjson",
                        event("ev9", P1, "C1", "GPU-A", 1, "1", "2025-03-05T10:00:00+08:00", "2025-03-05T11:00:00+08:00")
                                .replace("\"ev9\"", "9")), "usage.ndjson:4:event_id: "),
                Arguments.of("usage.ndjson", (Edit) f -> f.append("usage.ndjson",
                        event("ev9", P1, "C1", "GPU-A", 1, "1", "2025-03-05T10:00:00+08:00", "2025-03-05T11:00:00+08:00")
                                + " x"), "usage.ndjson:4:-: text after the JSON object"));
    }

    interface Edit {
        void apply(ReplayFixture fixture);
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("malformed")
    void aMalformedRowNamesFileLineAndColumnAndNothingIsWritten(String file, Edit edit, String expected) {
        ReplayFixture fixture = ReplayFixture.workedExample(temp);
        edit.apply(fixture);
        var result = fixture.replay();
        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.stderr()).contains(expected);
        assertThat(result.outExists()).isFalse();
        try (Stream<Path> files = Files.list(temp)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("in");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void anExistingOutputIsLeftAsItWasWhenTheInputIsBad() throws IOException {
        ReplayFixture fixture = ReplayFixture.workedExample(temp);
        assertThat(fixture.replay().exit()).isZero();
        Path decisions = temp.resolve("out").resolve("decisions.csv");
        Files.writeString(decisions, "old");
        var result = fixture.append("orgs.csv", "bad").replay();
        assertThat(result.exit()).isEqualTo(1);
        assertThat(Files.readString(decisions)).isEqualTo("old");
    }

    @Test
    void errorsOfEveryFileAreReportedTogether() {
        var result = ReplayFixture.workedExample(temp)
                .append("orgs.csv", "913301064JURQ283FX,x,enterprise,330106")
                .append("applications.csv", "A4,yesterday," + E1 + ",C1")
                .append("usage.ndjson", "not json")
                .replay();
        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.stderr()).contains("orgs.csv:6:uscc: ", "applications.csv:5:submitted_at: ",
                "usage.ndjson:4:-: ");
    }

    @Test
    void quotedFieldsCrlfAndAByteOrderMarkAreRead() {
        var result = ReplayFixture.workedExample(temp)
                .with("orgs.csv", "\uFEFF" + ReplayFixture.workedExample(temp).file("orgs.csv")
                        .replace("e1,enterprise", "\"e1, \"\"the first\"\"\nLtd.\",enterprise").replace("\n", "\r\n"))
                .with("applications.csv", ReplayFixture.workedExample(temp).file("applications.csv") + "\n\n")
                .replay();
        assertThat(result.exit()).as(result.stderr()).isZero();
        assertThat(result.decisions()).isEqualTo(ReplayFixture.expected("decisions.csv"));
    }

    @Test
    void anEmptyFileIsATableWithoutRows() {
        var result = ReplayFixture.workedExample(temp).with("relations.csv", "").with("usage.ndjson", "").replay();
        assertThat(result.exit()).as(result.stderr()).isZero();
        assertThat(result.decision("A3")).isEqualTo("application,A3,approved,24000,");
        assertThat(result.rejections()).isEqualTo("event_id,provider_uscc,reason\n");
    }

    @Test
    void outputFieldsAreQuotedOnlyWhenTheyNeedIt() {
        var result = ReplayFixture.workedExample(temp)
                .append("usage.ndjson",
                        event("a,b", P1, "C9", "GPU-A", 1, "1", "2025-03-05T10:00:00+08:00", "2025-03-05T11:00:00+08:00"),
                        event("say \\\"hi\\\"", P1, "C9", "GPU-A", 1, "1", "2025-03-05T10:00:00+08:00", "2025-03-05T11:00:00+08:00"),
                        event("事件-1", P1, "C9", "GPU-A", 1, "1", "2025-03-05T10:00:00+08:00", "2025-03-05T11:00:00+08:00"))
                .append("applications.csv", "\"A,4\",2025-03-03T09:00:00+08:00," + E1 + ",C9")
                .replay();
        assertThat(result.exit()).as(result.stderr()).isZero();
        assertThat(result.rejections()).endsWith(
                "\"a,b\",91330106NE8PR7JY36,UNKNOWN_CONTRACT_LINE\n"
                + "\"say \"\"hi\"\"\",91330106NE8PR7JY36,UNKNOWN_CONTRACT_LINE\n"
                + "事件-1,91330106NE8PR7JY36,UNKNOWN_CONTRACT_LINE\n");
        assertThat(result.decisions()).contains("application,\"A,4\",rejected,0,UNKNOWN_CONTRACT\n");
    }
}

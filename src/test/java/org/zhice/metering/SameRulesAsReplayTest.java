package org.zhice.metering;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import org.zhice.metering.IngestResult.LineResult;
import org.zhice.metering.IngestResult.Outcome;
import org.zhice.policy.Program;
import org.zhice.policy.ProgramParser;
import org.zhice.rules.Catalog;
import org.zhice.rules.CatalogRow;
import org.zhice.rules.Contract;
import org.zhice.rules.ContractLine;
import org.zhice.rules.ShanghaiTime;
import org.zhice.rules.Unit;
import org.zhice.rules.UsageChecks;
import org.zhice.rules.UsageLog;
import org.zhice.rules.UsageReason;
import org.zhice.rules.UsageVerdicts;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One upload holding a whole random usage log, for a provider with nothing stored yet, gets the
 * verdicts the batch rules engine gives the same log (spec §4, as replay runs it), event by event:
 * online ingestion and replay are one rule set. (Online, a duplicate is a line problem instead of
 * a stored rejection; it is compared as {@code DUPLICATE_EVENT}.)
 */
@SpringBootTest
@Import(MeteringFixtures.FixedClock.class)
class SameRulesAsReplayTest {

    @Autowired UsageIngestion ingestion;
    @Autowired JdbcClient jdbc;
    @Autowired TransactionTemplate tx;

    private record Line(String contractId, String provider, String enterprise, LocalDate signed, LocalDate from,
                        LocalDate to, String sku, long priceFen, String quantityMax) {
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void oneUploadGetsReplaysVerdicts(long seed) throws Exception {
        Random random = new Random(seed);
        String prefix = "S" + seed + UUID.randomUUID().toString().substring(0, 4);
        String provider = MeteringFixtures.organisation(tx, jdbc, "provider");
        String other = MeteringFixtures.organisation(tx, jdbc, "provider");
        String enterprise = MeteringFixtures.organisation(tx, jdbc, "enterprise");
        LocalDate jan1 = LocalDate.of(2025, 1, 1);
        LocalDate dec31 = LocalDate.of(2025, 12, 31);
        List<CatalogRow> catalog = new ArrayList<>();
        List<Line> lines = new ArrayList<>();
        tx.executeWithoutResult(s -> {
            // G8: 8 GPUs until 2025-03-09, then 12; G16: 16 GPUs; TOK: tokens; the other provider's G8
            long g8a = MeteringFixtures.offering(jdbc, provider, "G8", 8, 1_000, jan1, LocalDate.of(2025, 3, 9));
            jdbc.sql("insert into pool_offering (provider_uscc, sku, version, category, resource_name, domestic, unit, "
                            + "capacity, region_code, reference_price_fen, listed_from, listed_to, status, submitted_by, "
                            + "submitted_at, reviewed_by, reviewed_at) select provider_uscc, sku, 2, category, "
                            + "resource_name, domestic, unit, 12, region_code, reference_price_fen, :from, :to, status, "
                            + "submitted_by, submitted_at, reviewed_by, reviewed_at from pool_offering where id = :id")
                    .param("from", LocalDate.of(2025, 3, 10)).param("to", dec31).param("id", g8a).update();
            long g16 = MeteringFixtures.offering(jdbc, provider, "G16", 16, 900, jan1, dec31);
            long tok = MeteringFixtures.offering(jdbc, provider, "TOK", null, 500, jan1, dec31);
            long otherG8 = MeteringFixtures.offering(jdbc, other, "G8", 8, 1_000, jan1, dec31);
            catalog.add(new CatalogRow(provider, "G8", "compute.domestic", Unit.GPU_HOUR, 1_000, 8, jan1,
                    LocalDate.of(2025, 3, 9)));
            catalog.add(new CatalogRow(provider, "G8", "compute.domestic", Unit.GPU_HOUR, 1_000, 12,
                    LocalDate.of(2025, 3, 10), dec31));
            catalog.add(new CatalogRow(provider, "G16", "compute.domestic", Unit.GPU_HOUR, 900, 16, jan1, dec31));
            catalog.add(new CatalogRow(provider, "TOK", "model.filed", Unit.MILLION_TOKENS, 500,
                    CatalogRow.NO_CAPACITY, jan1, dec31));
            catalog.add(new CatalogRow(other, "G8", "compute.domestic", Unit.GPU_HOUR, 1_000, 8, jan1, dec31));
            LocalDate mar1 = LocalDate.of(2025, 3, 1);
            lines.add(new Line(prefix + "-A", provider, enterprise, mar1, mar1, LocalDate.of(2025, 6, 30), "G8", 1_200, "400"));
            lines.add(new Line(prefix + "-B", provider, enterprise, mar1, mar1, LocalDate.of(2025, 6, 30), "G8", 900, "60"));
            lines.add(new Line(prefix + "-C", provider, enterprise, mar1, LocalDate.of(2025, 3, 8), LocalDate.of(2025, 3, 10),
                    "G16", 800, "500"));
            lines.add(new Line(prefix + "-D", provider, enterprise, mar1, mar1, LocalDate.of(2025, 6, 30), "TOK", 400, "80"));
            lines.add(new Line(prefix + "-E", other, enterprise, mar1, mar1, LocalDate.of(2025, 6, 30), "G8", 1_000, "100"));
            for (Line l : lines) {
                long offering = l.provider().equals(other) ? otherG8 : switch (l.sku()) {
                    case "G8" -> g8a;
                    case "G16" -> g16;
                    default -> tok;
                };
                MeteringFixtures.contract(jdbc, l.contractId(), l.enterprise(), l.provider(), l.signed(), l.from(),
                        l.to(), l.sku(), offering, l.priceFen(), l.quantityMax(), !l.sku().equals("TOK"));
            }
        });

        // a random log: mostly this provider's lines, some unknown, some the other provider's, some off
        List<String> ndjson = new ArrayList<>();
        UsageLog log = new UsageLog();
        List<String[]> sent = new ArrayList<>();
        for (int e = 0; e < 400; e++) {
            String id;
            String[] body;
            if (e > 10 && random.nextInt(12) == 0) {
                String[] earlier = sent.get(random.nextInt(sent.size()));
                id = earlier[0];
                body = random.nextBoolean() ? earlier.clone() : event(random, lines, prefix);
                body[0] = id;
            } else {
                body = event(random, lines, prefix);
                id = "ev-" + seed + "-" + e;
                body[0] = id;
            }
            sent.add(body);
            ndjson.add(MeteringFixtures.event(body[0], provider, body[1], body[2], body[3] == null ? null
                    : Integer.valueOf(body[3]), body[4], body[5], body[6]));
            long start = ShanghaiTime.nanos(OffsetDateTime.parse(body[5]).toInstant());
            long end = ShanghaiTime.nanos(OffsetDateTime.parse(body[6]).toInstant());
            log.add(body[0], provider, body[1], body[2], body[3] == null ? UsageChecks.NO_UNITS
                    : Integer.parseInt(body[3]), micros(body[4]), start, end);
        }

        byte[] upload = MeteringFixtures.ndjson(ndjson);
        IngestResult online = ingestion.ingest(new UsageIngestion.Upload(provider, "test", "api", null,
                Metering.sha256(upload), "ndjson", null), UsageParsing.ndjson(upload, UsageIngestion.MAX_LINES));

        List<Contract> contracts = lines.stream().map(l -> new Contract(l.contractId(), l.enterprise(), l.provider(),
                l.signed(), l.from(), l.to(), List.of(new ContractLine(l.sku(), l.priceFen(), micros(l.quantityMax())))))
                .toList();
        Program program = ProgramParser.parse("program.yaml", """
                id: metering-test
                name: 测试
                funder: 测试
                region_prefix: "3301"
                period: { start: 2025-01-01, end: 2025-12-31 }
                application_window: { start: 2025-01-01, end: 2025-12-31 }
                budget_yuan: 1000000
                per_enterprise_cap_yuan: 1000
                categories:
                  compute.domestic: 0.30
                  model.filed: 0.30
                contract_term_days_max: 366
                cap_price_at_reference: true
                exclude_related_parties: true
                notice_working_days: 5
                """);
        UsageVerdicts replay = UsageVerdicts.check(program, contracts, new Catalog(catalog), log);

        List<String> expected = new ArrayList<>();
        List<String> actual = new ArrayList<>();
        for (int i = 0; i < log.size(); i++) {
            UsageReason reason = replay.reason(i);
            expected.add((i + 1) + " " + (reason == null ? "ACCEPTED" : reason.name()));
            LineResult r = online.results().get(i);
            assertThat(r.line()).isEqualTo(i + 1);
            String verdict = switch (r.outcome()) {
                case ACCEPTED -> "ACCEPTED";
                case REJECTED -> r.code();
                default -> r.code().equals("EVENT_ID_REUSED_WITH_OTHER_BODY") ? "DUPLICATE_EVENT" : r.code();
            };
            actual.add((i + 1) + " " + verdict);
        }
        assertThat(actual).isEqualTo(expected);
        assertThat(actual.stream().map(a -> a.substring(a.indexOf(' ') + 1)).distinct())
                .as("the log exercises every check").contains("ACCEPTED", "DUPLICATE_EVENT", "UNKNOWN_CONTRACT_LINE",
                        "OUTSIDE_CONTRACT_TERM", "INCONSISTENT_QUANTITY", "CAPACITY_EXCEEDED", "OVER_CONTRACT_QUANTITY");
        assertThat(online.results()).noneMatch(r -> r.outcome() == Outcome.WITHDRAWAL);
    }

    /** {id, contract, sku, units, quantity, start, end}: events between 2025-03-07 and 2025-03-12. */
    private static String[] event(Random random, List<Line> lines, String prefix) {
        int kind = random.nextInt(20);
        Line line = lines.get(random.nextInt(lines.size()));
        String contract = kind == 0 ? prefix + "-NOPE" : line.contractId();
        String sku = kind == 1 ? "TOK" : line.sku();
        long startMinute = random.nextInt(5 * 24 * 4) * 15L; // quarter hours from 03-07
        int minutes = 15 * (1 + random.nextInt(16));
        OffsetDateTime start = OffsetDateTime.of(2025, 3, 7, 0, 0, 0, 0, ShanghaiTime.OFFSET).plusMinutes(startMinute);
        OffsetDateTime end = start.plusMinutes(minutes);
        if (sku.equals("TOK")) {
            String quantity = kind == 2 ? "0" : String.format(Locale.ROOT, "%d.%02d", random.nextInt(12),
                    1 + random.nextInt(99));
            return new String[] {null, contract, sku, null, quantity, start.toString(), end.toString()};
        }
        int units = 1 + random.nextInt(6);
        BigDecimal hours = BigDecimal.valueOf(minutes).divide(BigDecimal.valueOf(60));
        BigDecimal quantity = hours.multiply(BigDecimal.valueOf(units));
        if (kind == 3) {
            quantity = quantity.add(new BigDecimal("0.5"));
        } else if (kind == 4) {
            quantity = quantity.add(new BigDecimal("0.01"));
        }
        return new String[] {null, contract, sku, Integer.toString(units), quantity.toPlainString(), start.toString(),
                end.toString()};
    }

    private static long micros(String decimal) {
        return new BigDecimal(decimal).movePointRight(6).longValueExact();
    }
}

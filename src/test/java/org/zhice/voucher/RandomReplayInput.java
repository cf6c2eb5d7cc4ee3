package org.zhice.voucher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.zhice.shared.Uscc;

/**
 * Small random replay inputs that crowd the edges: few parties, ids that repeat, instants on
 * 15-minute steps in three offsets around contract terms and midnights, quantities just inside
 * and just outside 0.01 of units × hours, half-fen amounts, tiny budgets and caps, catalog rows
 * that change on a date, related parties, final redemptions. Valid input by construction.
 */
final class RandomReplayInput {

    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");
    private static final DateTimeFormatter ISO_MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    private static final ZoneOffset[] OFFSETS = {ZoneOffset.ofHours(8), ZoneOffset.UTC, ZoneOffset.ofHours(-5)};
    private static final String[] SKUS = {"G1", "G2", "T1"};
    private static final String[] CATEGORIES = {"c.a", "c.b", "c.c", "c.x"};
    private static final LocalDate YEAR = LocalDate.of(2025, 1, 1);

    record LineSpec(String contract, String enterprise, String provider, LocalDate start, LocalDate end, String sku,
                    boolean gpu) {
    }

    private final SplittableRandom random;
    private final Map<String, String> files = new LinkedHashMap<>();

    private RandomReplayInput(long seed) {
        this.random = new SplittableRandom(seed);
    }

    static Map<String, String> generate(long seed) {
        RandomReplayInput input = new RandomReplayInput(seed);
        input.build();
        return input.files;
    }

    static void write(Map<String, String> files, Path folder) throws IOException {
        Files.createDirectories(folder);
        for (Map.Entry<String, String> file : files.entrySet()) {
            Files.writeString(folder.resolve(file.getKey()), file.getValue(), StandardCharsets.UTF_8);
        }
    }

    private <T> T pick(T[] values) {
        return values[random.nextInt(values.length)];
    }

    private boolean chance(int percent) {
        return random.nextInt(100) < percent;
    }

    private LocalDate day(int from, int span) {
        return YEAR.plusDays(from + random.nextInt(span));
    }

    private void build() {
        // half of the inputs are "clean": eligible applications, so that redemptions get to work
        boolean clean = chance(50);
        // ---- program
        boolean startups = chance(30);
        StringBuilder program = new StringBuilder();
        boolean wide = clean || chance(70);
        LocalDate periodStart = wide ? YEAR.minusDays(30) : day(-10, 40);
        LocalDate periodEnd = wide ? YEAR.plusDays(400) : periodStart.plusDays(60 + random.nextInt(300));
        LocalDate windowStart = clean || chance(70) ? YEAR.minusDays(30) : day(-10, 60);
        LocalDate windowEnd = clean || chance(70) ? YEAR.plusDays(400) : windowStart.plusDays(random.nextInt(360));
        program.append("id: prop-test\nname: 随机\nfunder: x\nregion_prefix: \"3301\"\n")
                .append("period: { start: ").append(periodStart).append(", end: ").append(periodEnd).append(" }\n")
                .append("application_window: { start: ").append(windowStart).append(", end: ").append(windowEnd).append(" }\n")
                .append("budget_yuan: ").append(clean ? pick(new String[] {"300", "1000", "5000", "100000", "100000"})
                        : pick(new String[] {"0", "3.5", "123.45", "300", "1000", "5000", "100000"}))
                .append('\n')
                .append("per_enterprise_cap_yuan: ").append(clean ? pick(new String[] {"20", "20", "35.5", "150", "400", "100000"})
                        : pick(new String[] {"0", "20", "99.99", "150", "400", "100000"}))
                .append('\n');
        List<String> covered = new ArrayList<>();
        for (String category : new String[] {"c.a", "c.b", "c.c"}) {
            if (clean || chance(85)) {
                covered.add(category);
            }
        }
        if (covered.isEmpty()) {
            program.append("categories: {}\n");
        } else {
            program.append("categories:\n");
            for (String category : covered) {
                program.append("  ").append(category).append(": ")
                        .append(pick(new String[] {"0.3", "0.1234", "1", "0.5", "0.0001", "0.3333", "0.25"})).append('\n');
            }
        }
        program.append("contract_term_days_max: ").append(clean ? "366" : pick(new String[] {"30", "100", "366"})).append('\n')
                .append("cap_price_at_reference: ").append(chance(70)).append('\n')
                .append("exclude_related_parties: ").append(!clean && chance(70)).append('\n')
                .append("notice_working_days: 5\n");
        if (startups && !covered.isEmpty()) {
            program.append("startup_categories:\n  ").append(covered.get(0)).append(": 0.6\n");
        }
        files.put("program.yaml", program.toString());

        // ---- orgs and relations
        List<String> enterprises = new ArrayList<>();
        List<String> providers = new ArrayList<>();
        StringBuilder orgs = new StringBuilder(startups ? "uscc,name,kind,region_code,startup\n" : "uscc,name,kind,region_code\n");
        for (int i = 0; i < 4; i++) {
            String region = clean ? "330106" : pick(new String[] {"330106", "330106", "330201", "330100"});
            String uscc = Uscc.withCheckCharacter("91" + region + "MA000000" + i);
            enterprises.add(uscc);
            orgs.append(uscc).append(",e").append(i).append(",enterprise,").append(region)
                    .append(startups ? "," + (chance(50) ? "true" : chance(50) ? "false" : "") : "").append('\n');
        }
        for (int i = 0; i < 2; i++) {
            String uscc = Uscc.withCheckCharacter("92330106MB000000" + i);
            providers.add(uscc);
            orgs.append(uscc).append(",p").append(i).append(",provider,330106").append(startups ? ",false" : "").append('\n');
        }
        files.put("orgs.csv", orgs.toString());
        String stranger = Uscc.withCheckCharacter("91330106MC0000000"); // not in orgs.csv
        List<String> parties = new ArrayList<>(enterprises);
        parties.addAll(providers);
        parties.add("P:1");
        parties.add("P:2");
        StringBuilder relations = new StringBuilder("party_a,party_b,type\n");
        for (int i = random.nextInt(3); i > 0; i--) {
            relations.append(parties.get(random.nextInt(parties.size()))).append(',')
                    .append(parties.get(random.nextInt(parties.size()))).append(",officer\n");
        }
        files.put("relations.csv", relations.toString());

        // ---- catalog
        StringBuilder catalog = new StringBuilder("provider_uscc,sku,category,unit,reference_price_fen,capacity,listed_from,listed_to\n");
        for (String provider : providers) {
            for (String sku : SKUS) {
                if (!clean && chance(5)) {
                    continue; // never listed
                }
                boolean gpu = sku.startsWith("G");
                LocalDate from = clean || chance(70) ? YEAR.minusDays(60) : day(-20, 60);
                int rowCount = 1 + random.nextInt(2);
                for (int r = 0; r < rowCount; r++) {
                    LocalDate to = r == rowCount - 1 ? YEAR.plusDays(400) : from.plusDays(random.nextInt(150));
                    String capacity = gpu ? pick(new String[] {"", "0", "4", "8", "8", "16"}) : "";
                    String category = !clean && chance(10) ? "c.x" : CATEGORIES[random.nextInt(3)];
                    catalog.append(provider).append(',').append(sku).append(',').append(category).append(',')
                            .append(gpu ? "gpu_hour" : "million_tokens").append(',').append(50 + random.nextInt(2000))
                            .append(',').append(capacity).append(',').append(from).append(',').append(to).append('\n');
                    from = to.plusDays(1 + (!clean && chance(30) ? random.nextInt(20) : 0));
                }
            }
        }
        files.put("catalog.csv", catalog.toString());

        // ---- contracts
        List<LineSpec> lines = new ArrayList<>();
        StringBuilder contracts = new StringBuilder(
                "contract_id,enterprise_uscc,provider_uscc,signed_on,start_on,end_on,sku,unit_price_fen,quantity_max\n");
        for (int c = 0; c < 6; c++) {
            String id = "K" + c;
            String enterprise = clean || chance(90) ? enterprises.get(random.nextInt(4)) : chance(50) ? stranger : providers.get(0);
            String provider = providers.get(random.nextInt(2));
            LocalDate signed = day(-15, 150);
            LocalDate start = signed.plusDays(random.nextInt(5));
            LocalDate end = start.plusDays(clean ? pick(new Integer[] {0, 20, 60, 99, 200})
                    : pick(new Integer[] {0, 1, 20, 29, 30, 60, 99, 99, 200, 365, 400}));
            int lineCount = 1 + random.nextInt(2);
            int first = random.nextInt(3);
            for (int l = 0; l < lineCount; l++) {
                String sku = SKUS[(first + l) % 3];
                String quantityMax = clean ? pick(new String[] {"2.5", "10", "40", "100", "7.123456", "1000"})
                        : pick(new String[] {"0", "1", "2.5", "10", "40", "100", "7.123456", "1000"});
                contracts.append(id).append(',').append(enterprise).append(',').append(provider).append(',').append(signed)
                        .append(',').append(start).append(',').append(end).append(',').append(sku).append(',')
                        .append(clean ? pick(new Integer[] {3, 333, 400, 999, 1000, 2500})
                                : pick(new Integer[] {0, 1, 3, 333, 400, 999, 1000, 2500})).append(',').append(quantityMax)
                        .append('\n');
                lines.add(new LineSpec(id, enterprise, provider, start, end, sku, sku.startsWith("G")));
            }
        }
        files.put("contracts.csv", contracts.toString());

        // ---- usage
        boolean fractions = chance(20); // some instants with milliseconds
        StringBuilder usage = new StringBuilder();
        for (int e = 0; e < 60; e++) {
            LineSpec line = lines.get(random.nextInt(lines.size()));
            String contract = chance(5) ? "K9" : line.contract;
            String provider = chance(5) ? providers.get(random.nextInt(2)) : line.provider;
            String sku = chance(5) ? pick(SKUS) : line.sku;
            long termStart = line.start.atStartOfDay().toEpochSecond(ZoneOffset.ofHours(8));
            long termEnd = line.end.plusDays(1).atStartOfDay().toEpochSecond(ZoneOffset.ofHours(8));
            long startSecond = chance(15)
                    ? termStart - 86_400 + random.nextLong(Math.max(1, termEnd - termStart + 2 * 86_400) / 900) * 900
                    : termStart + random.nextLong(Math.max(1, Math.min(termEnd - termStart, 40 * 86_400)) / 900) * 900;
            if (chance(10)) {
                startSecond = termEnd - 900 * random.nextInt(3);
            }
            long seconds = chance(10) ? pick(new Long[] {1L, 0L, -900L}) : pick(new Long[] {900L, 1800L, 3600L, 7200L, 5400L});
            Integer units = null;
            String quantity;
            if (line.gpu && !chance(5)) {
                units = chance(5) ? 0 : 1 + random.nextInt(8);
                long micros = units * seconds * 1_000_000L / 3600;
                micros += pick(new Long[] {0L, 0L, 0L, 0L, 0L, 10_000L, -10_000L, 10_001L, -10_001L, 500_000L});
                quantity = decimal(micros);
            } else {
                quantity = chance(10) ? pick(new String[] {"0", "-1"})
                        : pick(new String[] {"0.00125", "0.001249", "0.5", "1", "2.000001", "3.333333", "12.5", "0.000001"});
            }
            String id = "e" + random.nextInt(120);
            ZoneOffset offset = pick(OFFSETS);
            usage.append("{\"event_id\":\"").append(id).append("\",\"provider_uscc\":\"").append(provider)
                    .append("\",\"contract_id\":\"").append(contract).append("\",\"sku\":\"").append(sku).append('"');
            if (units != null) {
                usage.append(",\"units\":").append(units);
            }
            int millis = fractions && chance(30) ? pick(new Integer[] {1, 250, 500, 999}) : 0;
            usage.append(",\"quantity\":\"").append(quantity).append("\",\"start\":\"")
                    .append(timestamp(startSecond, millis, offset))
                    .append("\",\"end\":\"").append(timestamp(startSecond + seconds, millis, pick(OFFSETS))).append("\"}\n");
        }
        files.put("usage.ndjson", usage.toString());

        // ---- applications and redemptions
        StringBuilder applications = new StringBuilder("application_id,submitted_at,enterprise_uscc,contract_id\n");
        List<LineSpec> applied = new ArrayList<>();
        for (int a = 0; a < 8; a++) {
            LineSpec line = clean && a < 6 ? firstLineOf(lines, "K" + a) : lines.get(random.nextInt(lines.size()));
            applied.add(line);
            String enterprise = clean || chance(85) ? line.enterprise : enterprises.get(random.nextInt(4));
            String contract = !clean && chance(5) ? "K9" : line.contract;
            LocalDate submitted = clean ? line.start.minusDays(random.nextInt(10)) : day(-15, 150);
            applications.append('A').append(a).append(',').append(instant(submitted)).append(',').append(enterprise)
                    .append(',').append(contract).append('\n');
        }
        files.put("applications.csv", applications.toString());
        StringBuilder redemptions = new StringBuilder("redemption_id,submitted_at,application_id,period_from,period_to,final\n");
        for (int r = 0; r < 8; r++) {
            int application = random.nextInt(chance(10) ? 9 : clean ? 3 : 8);
            LocalDate from;
            LocalDate to;
            if (clean && r >= 6) { // the last two take A0's first forty days in two halves
                application = 0;
                from = applied.get(0).start.plusDays(r == 6 ? 0 : 20);
                to = from.plusDays(19);
            } else if (application < 8 && clean) { // ten-day slices of the first forty days of the term
                from = applied.get(application).start.plusDays(10L * random.nextInt(4) - (chance(10) ? 3 : 0));
                to = from.plusDays(chance(80) ? 9 : random.nextInt(40) - 2);
            } else {
                from = day(-15, 160);
                to = from.plusDays(random.nextInt(120) - 5);
            }
            LocalDate submitted = clean ? (chance(90) ? to.plusDays(1 + random.nextInt(20)) : from) : day(chance(80) ? 150 : 0, 200);
            redemptions.append('R').append(r).append(',').append(instant(submitted)).append(",A").append(application)
                    .append(',').append(from).append(',').append(to).append(',').append(chance(25)).append('\n');
        }
        files.put("redemptions.csv", redemptions.toString());
    }

    private static LineSpec firstLineOf(List<LineSpec> lines, String contract) {
        for (LineSpec line : lines) {
            if (line.contract.equals(contract)) {
                return line;
            }
        }
        throw new IllegalStateException(contract);
    }

    private String instant(LocalDate day) {
        long second = day.atStartOfDay().toEpochSecond(ZoneOffset.ofHours(8)) + random.nextInt(96) * 900L
                - (chance(20) ? 8 * 3600 : 0);
        return timestamp(second, pick(OFFSETS));
    }

    private static String timestamp(long epochSecond, ZoneOffset offset) {
        return ISO.format(OffsetDateTime.ofInstant(Instant.ofEpochSecond(epochSecond), offset));
    }

    private static String timestamp(long epochSecond, int millis, ZoneOffset offset) {
        if (millis == 0) {
            return timestamp(epochSecond, offset);
        }
        return ISO_MILLIS.format(OffsetDateTime.ofInstant(Instant.ofEpochSecond(epochSecond, millis * 1_000_000L), offset));
    }

    private static String decimal(long micros) {
        return java.math.BigDecimal.valueOf(micros, 6).stripTrailingZeros().toPlainString();
    }
}

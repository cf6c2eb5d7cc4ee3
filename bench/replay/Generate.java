import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.zhice.shared.Uscc;

/**
 * Writes a plausible replay input folder (spec §2) for the benchmark: a Hangzhou-like program,
 * ~6,000 enterprises, 40 providers with GPU and token SKUs, ~10,000 contracts of 1–3 lines,
 * one application per contract (a few twice), monthly redemptions, and N usage events in
 * roughly chronological order (providers report in batches), with a sprinkling of duplicates,
 * unknown lines, out-of-term, inconsistent and over-quantity events. Deterministic per seed.
 *
 * <pre>java -cp target/classes Generate.java --out DIR [--events 10000000] [--contracts 10000] [--seed 1]</pre>
 */
public class Generate {

    static final ZoneOffset CST = ZoneOffset.ofHours(8);

    record Sku(String provider, String code, String category, boolean gpu, long referencePrice, long capacity) {
    }

    record Line(String contract, String provider, String sku, boolean gpu, LocalDate start, LocalDate end) {
        boolean covers(long epochSecond) {
            return start.atStartOfDay(CST).toEpochSecond() <= epochSecond
                    && epochSecond < end.atStartOfDay(CST).toEpochSecond();
        }
    }

    public static void main(String[] args) throws IOException {
        long events = 10_000_000;
        int contracts = 10_000;
        long seed = 1;
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--events" -> events = Long.parseLong(args[++i]);
                case "--contracts" -> contracts = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (out == null) {
            throw new IllegalArgumentException("usage: Generate --out DIR [--events N] [--contracts N] [--seed S]");
        }
        Files.createDirectories(out);
        SplittableRandom random = new SplittableRandom(seed);

        Files.writeString(out.resolve("program.yaml"), """
                id: hz-2025-compute
                name: 杭州市2025年度市级算力券
                funder: 杭州市经济和信息化局
                region_prefix: "3301"
                period: { start: 2025-01-01, end: 2025-12-31 }
                application_window: { start: 2025-01-01, end: 2025-12-31 }
                budget_yuan: 250000000
                per_enterprise_cap_yuan: 8000000
                categories:
                  compute.domestic: 0.30
                  compute.other: 0.20
                  model.filed: 0.30
                contract_term_days_max: 366
                cap_price_at_reference: true
                exclude_related_parties: true
                notice_working_days: 5
                """);

        int enterpriseCount = Math.max(10, contracts * 3 / 5);
        int providerCount = 40;
        List<String> enterprises = new ArrayList<>();
        List<String> providers = new ArrayList<>();
        try (PrintWriter w = writer(out.resolve("orgs.csv"))) {
            w.print("uscc,name,kind,region_code\n");
            for (int i = 0; i < enterpriseCount; i++) {
                String region = random.nextInt(20) == 0 ? "330201" : "3301" + String.format("%02d", 2 + random.nextInt(10));
                String uscc = uscc("91", region, i);
                enterprises.add(uscc);
                w.print(uscc + ",企业" + i + ",enterprise," + region + "\n");
            }
            for (int i = 0; i < providerCount; i++) {
                String uscc = uscc("92", "330106", i);
                providers.add(uscc);
                w.print(uscc + ",\"算力服务商 " + i + ", Ltd.\",provider,330106\n");
            }
        }
        try (PrintWriter w = writer(out.resolve("relations.csv"))) {
            w.print("party_a,party_b,type\n");
            for (int i = 0; i < enterpriseCount / 50; i++) {
                String person = "P:" + (100000 + i);
                w.print(person + "," + enterprises.get(random.nextInt(enterpriseCount)) + ",legal_rep\n");
                w.print(person + "," + providers.get(random.nextInt(providerCount)) + ",shareholder\n");
            }
        }
        List<Sku> skus = new ArrayList<>();
        try (PrintWriter w = writer(out.resolve("catalog.csv"))) {
            w.print("provider_uscc,sku,category,unit,reference_price_fen,capacity,listed_from,listed_to\n");
            for (String provider : providers) {
                for (int s = 0; s < 3; s++) {
                    String category = s == 2 ? "compute.other" : "compute.domestic";
                    long price = 800 + random.nextInt(20) * 100;
                    long capacity = 96 + random.nextInt(8) * 32;
                    skus.add(new Sku(provider, "GPU-" + s, category, true, price, capacity));
                    w.print(provider + ",GPU-" + s + "," + category + ",gpu_hour," + price + "," + capacity
                            + ",2024-07-01,2025-06-30\n");
                    // relisted mid-year with a new capacity and price
                    w.print(provider + ",GPU-" + s + "," + category + ",gpu_hour," + (price - 100) + "," + (capacity + 32)
                            + ",2025-07-01,2026-06-30\n");
                }
                for (int s = 0; s < 2; s++) {
                    long price = 300 + random.nextInt(10) * 50;
                    skus.add(new Sku(provider, "TOK-" + s, "model.filed", false, price, -1));
                    w.print(provider + ",TOK-" + s + ",model.filed,million_tokens," + price + ",,2024-07-01,2026-06-30\n");
                }
            }
        }
        List<Line> lines = new ArrayList<>();
        List<String[]> contractRows = new ArrayList<>();
        try (PrintWriter w = writer(out.resolve("contracts.csv"))) {
            w.print("contract_id,enterprise_uscc,provider_uscc,signed_on,start_on,end_on,sku,unit_price_fen,quantity_max\n");
            for (int c = 0; c < contracts; c++) {
                String id = "C" + String.format("%06d", c);
                String enterprise = enterprises.get(random.nextInt(enterpriseCount));
                int providerIndex = random.nextInt(providerCount);
                String provider = providers.get(providerIndex);
                LocalDate signed = LocalDate.of(2025, 1, 1).plusDays(random.nextInt(300));
                LocalDate start = signed.plusDays(random.nextInt(10));
                LocalDate end = start.plusDays(random.nextInt(20) == 0 ? 400 : 60 + random.nextInt(300));
                contractRows.add(new String[] {id, enterprise, start.toString()});
                int lineCount = 1 + random.nextInt(3);
                int first = random.nextInt(5);
                for (int l = 0; l < lineCount; l++) {
                    Sku sku = skus.get(providerIndex * 5 + (first + l) % 5);
                    long price = sku.referencePrice() - 200 + random.nextInt(9) * 50;
                    long quantityMax = sku.gpu() ? 2_000 + random.nextInt(30_000) : 500 + random.nextInt(5_000);
                    w.print(id + "," + enterprise + "," + provider + "," + signed + "," + start + "," + end + ","
                            + sku.code() + "," + price + "," + quantityMax + "\n");
                    lines.add(new Line(id, provider, sku.code(), sku.gpu(), start, end));
                }
            }
        }
        try (PrintWriter a = writer(out.resolve("applications.csv"));
             PrintWriter r = writer(out.resolve("redemptions.csv"))) {
            a.print("application_id,submitted_at,enterprise_uscc,contract_id\n");
            r.print("redemption_id,submitted_at,application_id,period_from,period_to,final\n");
            int redemption = 0;
            for (int c = 0; c < contractRows.size(); c++) {
                String[] row = contractRows.get(c);
                LocalDate start = LocalDate.parse(row[2]);
                OffsetDateTime submitted = start.atTime(9, random.nextInt(60), random.nextInt(60)).atOffset(CST);
                String application = "A" + String.format("%06d", c);
                a.print(application + "," + ISO.format(submitted) + "," + row[1] + "," + row[0] + "\n");
                if (random.nextInt(50) == 0) {
                    a.print(application + "b," + ISO.format(submitted.plusDays(3)) + "," + row[1] + "," + row[0] + "\n");
                }
                LocalDate month = start.withDayOfMonth(1);
                int months = 3 + random.nextInt(10);
                for (int m = 0; m < months; m++) {
                    LocalDate from = month.plusMonths(m);
                    LocalDate to = from.plusMonths(1).minusDays(1);
                    OffsetDateTime at = to.plusDays(5).atTime(10, random.nextInt(60), random.nextInt(60)).atOffset(CST);
                    r.print("R" + String.format("%07d", redemption++) + "," + ISO.format(at) + "," + application + "," + from + "," + to
                            + "," + (m == months - 1) + "\n");
                }
            }
        }
        writeUsage(out.resolve("usage.ndjson"), events, lines, random);
    }

    static void writeUsage(Path file, long events, List<Line> lines, SplittableRandom random) throws IOException {
        long yearStart = LocalDate.of(2025, 1, 1).atStartOfDay(CST).toEpochSecond();
        long yearSeconds = 365L * 86400;
        StringBuilder sb = new StringBuilder(256);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            String previous = null;
            for (long i = 0; i < events; i++) {
                sb.setLength(0);
                if (previous != null && random.nextInt(1000) == 0) {
                    sb.append(previous); // a provider re-sends an event
                    out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
                    continue;
                }
                long base = yearStart + yearSeconds * i / events;
                Line line = lines.get(random.nextInt(lines.size()));
                for (int tries = 0; tries < 30 && !line.covers(base); tries++) {
                    line = lines.get(random.nextInt(lines.size())); // a contract running at this time
                }
                long termStart = line.start().atStartOfDay(CST).toEpochSecond();
                long termEnd = line.end().plusDays(1).atStartOfDay(CST).toEpochSecond();
                long start = Math.max(termStart, Math.min(base, termEnd - 36_000)) + random.nextInt(7200) - 3600;
                if (random.nextInt(400) == 0) {
                    start = termStart - 86_400; // before the term
                }
                int seconds;
                String units;
                String quantity;
                if (line.gpu()) {
                    int gpus = 1 + random.nextInt(8);
                    seconds = 900 * (1 + random.nextInt(24));
                    long micros = (long) gpus * seconds * 1_000_000L / 3600;
                    if (random.nextInt(300) == 0) {
                        micros += 500_000; // half a GPU-hour off
                    }
                    units = Integer.toString(gpus);
                    quantity = decimal(micros);
                } else {
                    seconds = 60 + random.nextInt(3600);
                    units = null;
                    quantity = decimal(1_000 + random.nextInt(5_000_000));
                }
                String contract = random.nextInt(1000) == 0 ? "C999999" : line.contract();
                sb.append("{\"event_id\":\"").append(line.provider(), 12, 18).append('-').append(i)
                        .append("\",\"provider_uscc\":\"").append(line.provider())
                        .append("\",\"contract_id\":\"").append(contract)
                        .append("\",\"sku\":\"").append(line.sku()).append('"');
                if (units != null) {
                    sb.append(",\"units\":").append(units);
                }
                sb.append(",\"quantity\":\"").append(quantity)
                        .append("\",\"start\":\"").append(timestamp(start))
                        .append("\",\"end\":\"").append(timestamp(start + seconds)).append("\"}\n");
                previous = sb.toString();
                out.write(previous.getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    static String decimal(long micros) {
        String whole = Long.toString(micros / 1_000_000);
        long fraction = micros % 1_000_000;
        if (fraction == 0) {
            return whole;
        }
        String f = String.format("%06d", fraction).replaceAll("0+$", "");
        return whole + "." + f;
    }

    static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");

    static String timestamp(long epochSecond) {
        return ISO.format(OffsetDateTime.ofInstant(java.time.Instant.ofEpochSecond(epochSecond), CST));
    }

    static String uscc(String prefix, String region, int serial) {
        String body = prefix + region + String.format("%09d", serial).replace('I', '1');
        return Uscc.withCheckCharacter(body);
    }

    static PrintWriter writer(Path file) throws IOException {
        return new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
    }
}

package org.zhice.voucher;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A deliberately plain, slow second implementation of spec §3–§6, written from the spec's text
 * and sharing no code with the engine: BigDecimal and java.time everywhere, lists scanned
 * again and again. It reads only the simple files {@link RandomReplayInput} writes (no quoted
 * CSV fields, one JSON layout) and trusts them to be valid.
 */
final class ReferenceReplay {

    static final ZoneOffset SHANGHAI = ZoneOffset.ofHours(8);

    record Program(String regionPrefix, LocalDate periodStart, LocalDate periodEnd, LocalDate windowStart,
                   LocalDate windowEnd, BigDecimal budgetYuan, BigDecimal capYuan, Map<String, BigDecimal> ratios,
                   Map<String, BigDecimal> startupRatios, int termMax, boolean capAtReference, boolean excludeRelated) {
    }

    record Org(String uscc, String kind, String region, boolean startup) {
    }

    record Listing(String provider, String sku, String category, String unit, BigDecimal referencePrice,
                   BigDecimal capacity, LocalDate from, LocalDate to) {
    }

    record Line(String contract, String enterprise, String provider, LocalDate signed, LocalDate start, LocalDate end,
                String sku, BigDecimal unitPrice, BigDecimal quantityMax) {
    }

    record Event(int index, String id, String provider, String contract, String sku, BigDecimal units,
                 BigDecimal quantity, Instant start, Instant end) {
    }

    record Submission(Instant at, String id, int kind, int index, String[] row) {
    }

    static Map<String, String> run(Path in) throws IOException {
        Program program = program(Files.readAllLines(in.resolve("program.yaml"), StandardCharsets.UTF_8));
        List<String[]> orgRows = csv(in.resolve("orgs.csv"));
        Map<String, Org> orgs = new HashMap<>();
        boolean hasStartup = orgRows.get(0).length > 4;
        for (String[] r : orgRows.subList(1, orgRows.size())) {
            orgs.put(r[0], new Org(r[0], r[2], r[3], hasStartup && r[4].equals("true")));
        }
        Map<String, Set<String>> graph = new HashMap<>();
        for (String[] r : rows(in.resolve("relations.csv"))) {
            graph.computeIfAbsent(r[0], k -> new HashSet<>()).add(r[1]);
            graph.computeIfAbsent(r[1], k -> new HashSet<>()).add(r[0]);
        }
        List<Listing> catalog = new ArrayList<>();
        for (String[] r : rows(in.resolve("catalog.csv"))) {
            catalog.add(new Listing(r[0], r[1], r[2], r[3], new BigDecimal(r[4]), r[5].isEmpty() ? null : new BigDecimal(r[5]),
                    LocalDate.parse(r[6]), LocalDate.parse(r[7])));
        }
        List<Line> lines = new ArrayList<>();
        for (String[] r : rows(in.resolve("contracts.csv"))) {
            lines.add(new Line(r[0], r[1], r[2], LocalDate.parse(r[3]), LocalDate.parse(r[4]), LocalDate.parse(r[5]), r[6],
                    new BigDecimal(r[7]), new BigDecimal(r[8])));
        }
        List<Event> events = new ArrayList<>();
        int index = 0;
        for (String json : Files.readAllLines(in.resolve("usage.ndjson"), StandardCharsets.UTF_8)) {
            if (json.isBlank()) {
                continue;
            }
            String units = field(json, "units");
            events.add(new Event(index++, field(json, "event_id"), field(json, "provider_uscc"), field(json, "contract_id"),
                    field(json, "sku"), units == null || units.equals("null") ? null : new BigDecimal(units),
                    new BigDecimal(field(json, "quantity")), instant(field(json, "start")), instant(field(json, "end"))));
        }

        // ---- spec §4: usage events
        Map<Integer, String> rejected = new HashMap<>();
        Set<String> seen = new HashSet<>();
        List<Event> passed = new ArrayList<>();
        for (Event e : events) {
            String key = e.provider + "\u0000" + e.id;
            boolean duplicate = !seen.add(key);
            Line line = line(lines, e.contract, e.sku);
            if (duplicate) {
                rejected.put(e.index, "DUPLICATE_EVENT");
            } else if (line == null || !line.provider.equals(e.provider)) {
                rejected.put(e.index, "UNKNOWN_CONTRACT_LINE");
            } else if (e.start.isBefore(startOf(line.start)) || e.end.isAfter(startOf(line.end.plusDays(1)))) {
                rejected.put(e.index, "OUTSIDE_CONTRACT_TERM");
            } else if (inconsistent(e, unit(catalog, line))) {
                rejected.put(e.index, "INCONSISTENT_QUANTITY");
            } else {
                passed.add(e);
            }
        }
        Comparator<Event> byStartThenId = Comparator.comparing(Event::start)
                .thenComparing(Event::id, ReferenceReplay::codePointOrder);
        Set<String> groups = new TreeSet<>();
        for (Event e : passed) {
            groups.add(e.provider + "\u0000" + e.sku);
        }
        List<Event> afterCapacity = new ArrayList<>();
        for (String group : groups) {
            List<Event> sorted = new ArrayList<>();
            for (Event e : passed) {
                if ((e.provider + "\u0000" + e.sku).equals(group)) {
                    sorted.add(e);
                }
            }
            sorted.sort(byStartThenId);
            List<Event> active = new ArrayList<>();
            for (Event e : sorted) {
                active.removeIf(a -> !a.end.isAfter(e.start));
                Line line = line(lines, e.contract, e.sku);
                if ("gpu_hour".equals(unit(catalog, line))) {
                    Listing row = listed(catalog, e.provider, e.sku, dateOf(e.start));
                    if (row != null && row.capacity != null) {
                        BigDecimal inUse = BigDecimal.ZERO;
                        for (Event a : active) {
                            inUse = inUse.add(a.units == null ? BigDecimal.ZERO : a.units);
                        }
                        if (inUse.add(e.units).compareTo(row.capacity) > 0) {
                            rejected.put(e.index, "CAPACITY_EXCEEDED");
                            continue;
                        }
                    }
                }
                active.add(e);
                afterCapacity.add(e);
            }
        }
        List<Event> accepted = new ArrayList<>();
        for (Line line : lines) {
            List<Event> ofLine = new ArrayList<>();
            for (Event e : afterCapacity) {
                if (e.contract.equals(line.contract) && e.sku.equals(line.sku)) {
                    ofLine.add(e);
                }
            }
            ofLine.sort(byStartThenId);
            BigDecimal cumulative = BigDecimal.ZERO;
            for (Event e : ofLine) {
                if (cumulative.add(e.quantity).compareTo(line.quantityMax) > 0) {
                    rejected.put(e.index, "OVER_CONTRACT_QUANTITY");
                } else {
                    cumulative = cumulative.add(e.quantity);
                    accepted.add(e);
                }
            }
        }
        StringBuilder rejections = new StringBuilder("event_id,provider_uscc,reason\n");
        for (Event e : events) {
            if (rejected.containsKey(e.index)) {
                rejections.append(quote(e.id)).append(',').append(quote(e.provider)).append(',')
                        .append(rejected.get(e.index)).append('\n');
            }
        }

        // ---- spec §5: decisions
        List<Submission> submissions = new ArrayList<>();
        List<String[]> applications = rows(in.resolve("applications.csv"));
        for (int i = 0; i < applications.size(); i++) {
            submissions.add(new Submission(instant(applications.get(i)[1]), applications.get(i)[0], 0, i, applications.get(i)));
        }
        List<String[]> redemptions = rows(in.resolve("redemptions.csv"));
        for (int i = 0; i < redemptions.size(); i++) {
            submissions.add(new Submission(instant(redemptions.get(i)[1]), redemptions.get(i)[0], 1, i, redemptions.get(i)));
        }
        submissions.sort(Comparator.comparing(Submission::at).thenComparing(Submission::id, ReferenceReplay::codePointOrder)
                .thenComparingInt(Submission::kind).thenComparingInt(Submission::index));

        BigDecimal budget = program.budgetYuan.multiply(BigDecimal.valueOf(100));
        BigDecimal cap = program.capYuan.multiply(BigDecimal.valueOf(100));
        BigDecimal reserved = BigDecimal.ZERO;
        BigDecimal granted = BigDecimal.ZERO;
        Map<String, BigDecimal> usedCap = new HashMap<>();
        Map<String, String> statusOf = new HashMap<>();
        Map<String, BigDecimal> left = new HashMap<>();
        Map<String, String[]> applicationOf = new HashMap<>();
        Set<String> closed = new HashSet<>();
        Set<Integer> spent = new HashSet<>();
        StringBuilder decisions = new StringBuilder("kind,id,status,amount_fen,reasons\n");
        for (Submission s : submissions) {
            String status;
            BigDecimal amount = BigDecimal.ZERO;
            TreeSet<String> reasons = new TreeSet<>();
            if (s.kind == 0) {
                String id = s.row[0];
                String enterprise = s.row[2];
                String contractId = s.row[3];
                Org org = orgs.get(enterprise);
                boolean known = org != null && org.kind.equals("enterprise");
                List<Line> contract = new ArrayList<>();
                for (Line l : lines) {
                    if (l.contract.equals(contractId)) {
                        contract.add(l);
                    }
                }
                if (!known) {
                    reasons.add("UNKNOWN_ENTERPRISE");
                }
                if (contract.isEmpty() || !contract.get(0).enterprise.equals(enterprise)) {
                    reasons.add("UNKNOWN_CONTRACT");
                }
                if (known && !org.region.startsWith(program.regionPrefix)) {
                    reasons.add("OUT_OF_JURISDICTION");
                }
                if (!contract.isEmpty()) {
                    Line head = contract.get(0);
                    boolean anyCovered = false;
                    for (Line l : contract) {
                        Listing listing = listed(catalog, l.provider, l.sku, l.signed);
                        if (listing == null) {
                            reasons.add("PROVIDER_NOT_LISTED");
                        } else if (program.ratios.containsKey(listing.category)) {
                            anyCovered = true;
                        }
                    }
                    if (program.excludeRelated && related(graph, enterprise, head.provider)) {
                        reasons.add("RELATED_PARTY");
                    }
                    if (head.signed.isBefore(program.periodStart) || head.signed.isAfter(program.periodEnd)) {
                        reasons.add("SIGNED_OUTSIDE_PERIOD");
                    }
                    if (ChronoUnit.DAYS.between(head.start, head.end) + 1 > program.termMax) {
                        reasons.add("CONTRACT_TERM_TOO_LONG");
                    }
                    if (!anyCovered) {
                        reasons.add("CATEGORY_NOT_COVERED");
                    }
                }
                LocalDate submitted = dateOf(s.at);
                if (submitted.isBefore(program.windowStart) || submitted.isAfter(program.windowEnd)) {
                    reasons.add("SUBMITTED_OUTSIDE_WINDOW");
                }
                for (Map.Entry<String, String[]> other : applicationOf.entrySet()) {
                    String otherStatus = statusOf.get(other.getKey());
                    if (other.getValue()[3].equals(contractId)
                            && (otherStatus.equals("approved") || otherStatus.equals("partial"))) {
                        reasons.add("DUPLICATE_APPLICATION");
                    }
                }
                if (!reasons.isEmpty()) {
                    status = "rejected";
                } else {
                    boolean startup = org.startup;
                    BigDecimal request = BigDecimal.ZERO;
                    for (Line l : contract) {
                        Listing listing = listed(catalog, l.provider, l.sku, l.signed);
                        BigDecimal ratio = ratio(program, listing.category, startup);
                        if (ratio != null) {
                            BigDecimal value = priceBasis(program, l, listing).multiply(l.quantityMax);
                            request = request.add(ratio.multiply(value).setScale(0, RoundingMode.FLOOR));
                        }
                    }
                    BigDecimal capLeft = cap.subtract(usedCap.getOrDefault(enterprise, BigDecimal.ZERO));
                    BigDecimal available = budget.subtract(reserved).subtract(granted);
                    BigDecimal reservation = request.min(capLeft).min(available);
                    if (request.signum() == 0) {
                        status = "rejected";
                        reasons.add("ZERO_REQUEST");
                    } else if (reservation.compareTo(request) == 0) {
                        status = "approved";
                        amount = reservation;
                    } else if (reservation.signum() > 0) {
                        status = "partial";
                        amount = reservation;
                        if (capLeft.compareTo(reservation) == 0) {
                            reasons.add("CAP_LIMITED");
                        }
                        if (available.compareTo(reservation) == 0) {
                            reasons.add("BUDGET_LIMITED");
                        }
                    } else {
                        status = "rejected";
                        if (capLeft.signum() == 0) {
                            reasons.add("ENTERPRISE_CAP_REACHED");
                        }
                        if (available.signum() == 0) {
                            reasons.add("BUDGET_EXHAUSTED");
                        }
                    }
                    reserved = reserved.add(amount);
                    usedCap.merge(enterprise, amount, BigDecimal::add);
                    left.put(id, amount);
                }
                statusOf.put(id, status);
                applicationOf.put(id, s.row);
                appendDecision(decisions, "application", id, status, amount, reasons);
            } else {
                String id = s.row[0];
                String applicationId = s.row[2];
                String applicationStatus = statusOf.get(applicationId);
                if (applicationStatus == null || applicationStatus.equals("rejected")) {
                    reasons.add("NO_VOUCHER");
                }
                if (closed.contains(applicationId)) {
                    reasons.add("VOUCHER_CLOSED");
                }
                if (!reasons.isEmpty()) {
                    appendDecision(decisions, "redemption", id, "rejected", BigDecimal.ZERO, reasons);
                    continue;
                }
                String[] application = applicationOf.get(applicationId);
                boolean startup = orgs.get(application[2]).startup;
                LocalDate from = LocalDate.parse(s.row[3]);
                LocalDate to = LocalDate.parse(s.row[4]);
                Map<String, BigDecimal> sums = new TreeMap<>();
                for (Event e : accepted) {
                    LocalDate day = dateOf(e.start);
                    Line line = line(lines, e.contract, e.sku);
                    Listing listing = listed(catalog, line.provider, line.sku, line.signed);
                    if (e.contract.equals(application[3]) && !day.isBefore(from) && !day.isAfter(to)
                            && listing != null && program.ratios.containsKey(listing.category) && !spent.contains(e.index)) {
                        spent.add(e.index);
                        BigDecimal eventAmount = e.quantity.multiply(priceBasis(program, line, listing))
                                .setScale(0, RoundingMode.HALF_UP);
                        sums.merge(listing.category, eventAmount, BigDecimal::add);
                    }
                }
                BigDecimal raw = BigDecimal.ZERO;
                for (Map.Entry<String, BigDecimal> sum : sums.entrySet()) {
                    raw = raw.add(ratio(program, sum.getKey(), startup).multiply(sum.getValue()).setScale(0, RoundingMode.FLOOR));
                }
                BigDecimal subsidy = raw.min(left.get(applicationId));
                if (raw.signum() == 0) {
                    status = "rejected";
                    reasons.add("NO_ELIGIBLE_USAGE");
                } else if (subsidy.signum() == 0) {
                    status = "rejected";
                    reasons.add("RESERVATION_USED_UP");
                } else if (subsidy.compareTo(raw) < 0) {
                    status = "partial";
                    reasons.add("RESERVATION_LIMITED");
                } else {
                    status = "approved";
                }
                reserved = reserved.subtract(subsidy);
                granted = granted.add(subsidy);
                left.put(applicationId, left.get(applicationId).subtract(subsidy));
                if (s.row[5].equals("true")) {
                    BigDecimal rest = left.get(applicationId);
                    reserved = reserved.subtract(rest);
                    usedCap.merge(application[2], rest.negate(), BigDecimal::add);
                    left.put(applicationId, BigDecimal.ZERO);
                    closed.add(applicationId);
                }
                appendDecision(decisions, "redemption", id, status, subsidy, reasons);
            }
        }
        String budgetJson = "{\"budget_fen\":" + budget.toBigIntegerExact() + ",\"reserved_fen\":" + reserved.toBigIntegerExact()
                + ",\"granted_fen\":" + granted.toBigIntegerExact() + ",\"available_fen\":"
                + budget.subtract(reserved).subtract(granted).toBigIntegerExact() + "}\n";
        Map<String, String> outputs = new LinkedHashMap<>();
        outputs.put("decisions.csv", decisions.toString());
        outputs.put("usage_rejections.csv", rejections.toString());
        outputs.put("budget.json", budgetJson);
        return outputs;
    }

    static void appendDecision(StringBuilder out, String kind, String id, String status, BigDecimal amount, Set<String> reasons) {
        out.append(kind).append(',').append(quote(id)).append(',').append(status).append(',')
                .append(amount.toBigIntegerExact()).append(',').append(String.join(";", reasons)).append('\n');
    }

    static boolean inconsistent(Event e, String unit) {
        if (e.quantity.signum() <= 0 || !e.end.isAfter(e.start)) {
            return true;
        }
        if (!"gpu_hour".equals(unit)) {
            return false;
        }
        if (e.units == null) {
            return true;
        }
        Duration duration = Duration.between(e.start, e.end);
        BigDecimal seconds = BigDecimal.valueOf(duration.getSeconds()).add(BigDecimal.valueOf(duration.getNano(), 9));
        // |q − units × seconds / 3600| > 0.01  ⇔  |3600 q − units × seconds| > 36
        BigDecimal difference = e.quantity.multiply(BigDecimal.valueOf(3600)).subtract(e.units.multiply(seconds));
        return difference.abs().compareTo(BigDecimal.valueOf(36)) > 0;
    }

    static boolean related(Map<String, Set<String>> graph, String a, String b) {
        if (a.equals(b)) {
            return true;
        }
        Set<String> ofA = graph.getOrDefault(a, Set.of());
        Set<String> ofB = graph.getOrDefault(b, Set.of());
        if (ofA.contains(b)) {
            return true;
        }
        for (String common : ofA) {
            if (ofB.contains(common)) {
                return true;
            }
        }
        return false;
    }

    static BigDecimal ratio(Program program, String category, boolean startup) {
        if (!program.ratios.containsKey(category)) {
            return null;
        }
        if (startup && program.startupRatios.containsKey(category)) {
            return program.startupRatios.get(category);
        }
        return program.ratios.get(category);
    }

    static BigDecimal priceBasis(Program program, Line line, Listing listing) {
        if (program.capAtReference && listing != null) {
            return line.unitPrice.min(listing.referencePrice);
        }
        return line.unitPrice;
    }

    static String unit(List<Listing> catalog, Line line) {
        Listing listing = listed(catalog, line.provider, line.sku, line.signed);
        return listing == null ? null : listing.unit;
    }

    static Listing listed(List<Listing> catalog, String provider, String sku, LocalDate date) {
        for (Listing l : catalog) {
            if (l.provider.equals(provider) && l.sku.equals(sku) && !date.isBefore(l.from) && !date.isAfter(l.to)) {
                return l;
            }
        }
        return null;
    }

    static Line line(List<Line> lines, String contract, String sku) {
        for (Line l : lines) {
            if (l.contract.equals(contract) && l.sku.equals(sku)) {
                return l;
            }
        }
        return null;
    }

    static Instant startOf(LocalDate date) {
        return date.atStartOfDay().toInstant(SHANGHAI);
    }

    static LocalDate dateOf(Instant instant) {
        return instant.atOffset(SHANGHAI).toLocalDate();
    }

    static Instant instant(String text) {
        return OffsetDateTime.parse(text).toInstant();
    }

    static int codePointOrder(String a, String b) {
        return java.util.Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray());
    }

    static String quote(String field) {
        if (field.contains(",") || field.contains("\"") || field.contains("\n") || field.contains("\r")) {
            return "\"" + field.replace("\"", "\"\"") + "\"";
        }
        return field;
    }

    static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":(\"([^\"]*)\"|([-0-9.]+|null))").matcher(json);
        if (!m.find()) {
            return null;
        }
        return m.group(2) != null ? m.group(2) : m.group(3);
    }

    static List<String[]> csv(Path file) throws IOException {
        List<String[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isEmpty()) {
                rows.add(line.split(",", -1));
            }
        }
        return rows;
    }

    static List<String[]> rows(Path file) throws IOException {
        List<String[]> all = csv(file);
        return all.subList(1, all.size());
    }

    static Program program(List<String> yaml) {
        Map<String, String> top = new HashMap<>();
        Map<String, BigDecimal> ratios = new LinkedHashMap<>();
        Map<String, BigDecimal> startup = new LinkedHashMap<>();
        Map<String, BigDecimal> section = null;
        for (String line : yaml) {
            if (line.startsWith("  ")) {
                String[] kv = line.trim().split(": ");
                section.put(kv[0], new BigDecimal(kv[1]));
                continue;
            }
            String[] kv = line.split(": ", 2);
            String key = kv[0].replace(":", "");
            String value = kv.length > 1 ? kv[1] : "";
            top.put(key, value);
            section = key.equals("categories") ? ratios : key.equals("startup_categories") ? startup : null;
        }
        return new Program(top.get("region_prefix").replace("\"", ""),
                LocalDate.parse(rangePart(top.get("period"), "start")), LocalDate.parse(rangePart(top.get("period"), "end")),
                LocalDate.parse(rangePart(top.get("application_window"), "start")),
                LocalDate.parse(rangePart(top.get("application_window"), "end")),
                new BigDecimal(top.get("budget_yuan")), new BigDecimal(top.get("per_enterprise_cap_yuan")), ratios, startup,
                Integer.parseInt(top.get("contract_term_days_max")), top.get("cap_price_at_reference").equals("true"),
                top.get("exclude_related_parties").equals("true"));
    }

    static String rangePart(String flow, String key) {
        Matcher m = Pattern.compile(key + ": (\\d{4}-\\d{2}-\\d{2})").matcher(flow);
        if (!m.find()) {
            throw new IllegalArgumentException(flow);
        }
        return m.group(1);
    }
}

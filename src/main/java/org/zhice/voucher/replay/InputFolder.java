package org.zhice.voucher.replay;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.zhice.policy.Program;
import org.zhice.policy.ProgramError;
import org.zhice.policy.ProgramException;
import org.zhice.policy.ProgramParser;
import org.zhice.shared.Uscc;
import org.zhice.rules.Application;
import org.zhice.rules.CatalogRow;
import org.zhice.rules.Contract;
import org.zhice.rules.ContractLine;
import org.zhice.rules.Org;
import org.zhice.rules.Quantities;
import org.zhice.rules.Redemption;
import org.zhice.rules.Relation;
import org.zhice.rules.ReplayInput;
import org.zhice.rules.Unit;
import org.zhice.rules.UsageLog;

/**
 * Reads a replay input folder (spec §2) into a {@link ReplayInput}, checking every row. All
 * files are read and every error is collected (up to a bound) before giving up, so one run
 * shows what to fix; nothing is returned unless the whole folder is valid.
 */
public final class InputFolder {

    static final String PROGRAM = "program.yaml";
    static final String ORGS = "orgs.csv";
    static final String RELATIONS = "relations.csv";
    static final String CATALOG = "catalog.csv";
    static final String CONTRACTS = "contracts.csv";
    static final String APPLICATIONS = "applications.csv";
    static final String REDEMPTIONS = "redemptions.csv";

    private static final Pattern REGION = Pattern.compile("[0-9]{6}");
    private static final Pattern WHOLE = Pattern.compile("[0-9]+");

    private final Path folder;
    private final Errors errors = new Errors();

    private InputFolder(Path folder) {
        this.folder = folder;
    }

    /** @throws InputException listing what is wrong, by file, line and column */
    public static ReplayInput read(Path folder) throws InputException {
        return new InputFolder(folder).read();
    }

    private ReplayInput read() throws InputException {
        if (!Files.isDirectory(folder)) {
            throw new InputException(List.of(new InputError(folder.toString(), 1, "-", "not a folder")), 0);
        }
        Program program = program();
        List<Org> orgs = orgs();
        List<Relation> relations = relations();
        List<CatalogRow> catalog = catalog();
        List<Contract> contracts = contracts();
        List<Application> applications = applications();
        List<Redemption> redemptions = redemptions();
        UsageLog usage = errors.full() ? null : UsageReader.read(folder, errors);
        errors.throwIfAny();
        return new ReplayInput(program, orgs, relations, catalog, contracts, usage, applications, redemptions);
    }

    private Program program() {
        try {
            return ProgramParser.parse(folder.resolve(PROGRAM));
        } catch (ProgramException e) {
            for (ProgramError error : e.errors()) {
                errors.add(PROGRAM, error.line(), error.key(), error.message());
            }
            return null;
        }
    }

    private List<Org> orgs() {
        List<Org> orgs = new ArrayList<>();
        CsvFile file = CsvFile.read(folder, ORGS, List.of("uscc", "name", "kind", "region_code"), List.of("startup"), errors);
        if (file == null) {
            return orgs;
        }
        Map<String, Long> firstLine = new HashMap<>();
        for (CsvFile.Row row : file.rows) {
            Cells cells = new Cells(file, row);
            String uscc = cells.uscc("uscc");
            String name = row.get("name");
            Org.Kind kind = Org.Kind.fromCode(row.get("kind"));
            if (kind == null) {
                cells.error("kind", "must be enterprise or provider: \"" + row.get("kind") + "\"");
            }
            String region = row.get("region_code");
            if (!REGION.matcher(region).matches()) {
                cells.error("region_code", "must be 6 digits: \"" + region + "\"");
            }
            String startupText = row.get("startup");
            boolean startup = startupText != null && !startupText.isEmpty() && cells.bool("startup");
            if (uscc != null) {
                Long earlier = firstLine.putIfAbsent(uscc, row.line);
                if (earlier != null) {
                    cells.error("uscc", "the same organisation is on line " + earlier);
                }
            }
            if (cells.ok) {
                orgs.add(new Org(uscc, name, kind, region, startup));
            }
        }
        return orgs;
    }

    private List<Relation> relations() {
        List<Relation> relations = new ArrayList<>();
        CsvFile file = CsvFile.read(folder, RELATIONS, List.of("party_a", "party_b", "type"), List.of(), errors);
        if (file == null) {
            return relations;
        }
        for (CsvFile.Row row : file.rows) {
            Cells cells = new Cells(file, row);
            String a = cells.party("party_a");
            String b = cells.party("party_b");
            if (cells.ok) {
                relations.add(new Relation(a, b, row.get("type")));
            }
        }
        return relations;
    }

    private List<CatalogRow> catalog() {
        List<CatalogRow> catalog = new ArrayList<>();
        CsvFile file = CsvFile.read(folder, CATALOG, List.of("provider_uscc", "sku", "category", "unit",
                "reference_price_fen", "capacity", "listed_from", "listed_to"), List.of(), errors);
        if (file == null) {
            return catalog;
        }
        Map<List<String>, List<Listed>> listings = new HashMap<>();
        for (CsvFile.Row row : file.rows) {
            Cells cells = new Cells(file, row);
            String provider = cells.required("provider_uscc");
            String sku = cells.required("sku");
            String category = cells.required("category");
            Unit unit = Unit.fromCode(row.get("unit"));
            if (unit == null) {
                cells.error("unit", "must be gpu_hour or million_tokens: \"" + row.get("unit") + "\"");
            }
            long price = cells.whole("reference_price_fen");
            long capacity = row.get("capacity").isEmpty() ? CatalogRow.NO_CAPACITY : cells.whole("capacity");
            LocalDate from = cells.date("listed_from");
            LocalDate to = cells.date("listed_to");
            if (from != null && to != null && to.isBefore(from)) {
                cells.error("listed_to", "listed_to " + to + " is before listed_from " + from);
            }
            if (!cells.ok) {
                continue;
            }
            CatalogRow listing = new CatalogRow(provider, sku, category, unit, price, capacity, from, to);
            List<Listed> same = listings.computeIfAbsent(List.of(provider, sku), k -> new ArrayList<>());
            boolean overlapping = false;
            for (Listed other : same) {
                if (other.row.overlaps(listing)) {
                    cells.error("listed_from", "overlaps the listing of " + provider + " " + sku + " on line " + other.line);
                    overlapping = true;
                    break;
                }
            }
            if (!overlapping) {
                same.add(new Listed(listing, row.line));
                catalog.add(listing);
            }
        }
        return catalog;
    }

    private record Listed(CatalogRow row, long line) {
    }

    private List<Contract> contracts() {
        CsvFile file = CsvFile.read(folder, CONTRACTS, List.of("contract_id", "enterprise_uscc", "provider_uscc",
                "signed_on", "start_on", "end_on", "sku", "unit_price_fen", "quantity_max"), List.of(), errors);
        if (file == null) {
            return List.of();
        }
        Map<String, ContractRows> byId = new LinkedHashMap<>();
        for (CsvFile.Row row : file.rows) {
            Cells cells = new Cells(file, row);
            String id = cells.required("contract_id");
            String enterprise = cells.required("enterprise_uscc");
            String provider = cells.required("provider_uscc");
            LocalDate signed = cells.date("signed_on");
            LocalDate start = cells.date("start_on");
            LocalDate end = cells.date("end_on");
            String sku = cells.required("sku");
            long price = cells.whole("unit_price_fen");
            long quantityMax = cells.quantity("quantity_max");
            if (!cells.ok) {
                continue;
            }
            ContractRows contract = byId.get(id);
            if (contract == null) {
                contract = new ContractRows(new Contract(id, enterprise, provider, signed, start, end, List.of()), row.line);
                byId.put(id, contract);
            } else {
                Contract first = contract.head;
                String differs = !first.enterpriseUscc().equals(enterprise) ? "enterprise_uscc"
                        : !first.providerUscc().equals(provider) ? "provider_uscc"
                        : !first.signedOn().equals(signed) ? "signed_on"
                        : !first.startOn().equals(start) ? "start_on"
                        : !first.endOn().equals(end) ? "end_on" : null;
                if (differs != null) {
                    cells.error(differs, "differs from line " + contract.line + " of the same contract " + id);
                    continue;
                }
            }
            Long earlier = contract.skuLines.putIfAbsent(sku, row.line);
            if (earlier != null) {
                cells.error("sku", "contract " + id + " has a line for " + sku + " already, on line " + earlier);
                continue;
            }
            contract.lines.add(new ContractLine(sku, price, quantityMax));
        }
        List<Contract> contracts = new ArrayList<>(byId.size());
        for (ContractRows rows : byId.values()) {
            Contract head = rows.head;
            contracts.add(new Contract(head.id(), head.enterpriseUscc(), head.providerUscc(), head.signedOn(),
                    head.startOn(), head.endOn(), rows.lines));
        }
        return contracts;
    }

    private static final class ContractRows {
        final Contract head;
        final long line;
        final List<ContractLine> lines = new ArrayList<>();
        final Map<String, Long> skuLines = new HashMap<>();

        ContractRows(Contract head, long line) {
            this.head = head;
            this.line = line;
        }
    }

    private List<Application> applications() {
        List<Application> applications = new ArrayList<>();
        CsvFile file = CsvFile.read(folder, APPLICATIONS,
                List.of("application_id", "submitted_at", "enterprise_uscc", "contract_id"), List.of(), errors);
        if (file == null) {
            return applications;
        }
        Map<String, Long> ids = new HashMap<>();
        for (CsvFile.Row row : file.rows) {
            Cells cells = new Cells(file, row);
            String id = cells.required("application_id");
            Instant submitted = cells.instant("submitted_at");
            String enterprise = cells.required("enterprise_uscc");
            String contract = cells.required("contract_id");
            cells.unique("application_id", id, ids);
            if (cells.ok) {
                applications.add(new Application(id, submitted, enterprise, contract));
            }
        }
        return applications;
    }

    private List<Redemption> redemptions() {
        List<Redemption> redemptions = new ArrayList<>();
        CsvFile file = CsvFile.read(folder, REDEMPTIONS, List.of("redemption_id", "submitted_at", "application_id",
                "period_from", "period_to", "final"), List.of(), errors);
        if (file == null) {
            return redemptions;
        }
        Map<String, Long> ids = new HashMap<>();
        for (CsvFile.Row row : file.rows) {
            Cells cells = new Cells(file, row);
            String id = cells.required("redemption_id");
            Instant submitted = cells.instant("submitted_at");
            String application = cells.required("application_id");
            LocalDate from = cells.date("period_from");
            LocalDate to = cells.date("period_to");
            boolean last = cells.bool("final");
            cells.unique("redemption_id", id, ids);
            if (cells.ok) {
                redemptions.add(new Redemption(id, submitted, application, from, to, last));
            }
        }
        return redemptions;
    }

    /** The checked cells of one row; every problem is reported, {@code ok} says whether any was. */
    private final class Cells {
        private final CsvFile file;
        private final CsvFile.Row row;
        boolean ok = true;

        Cells(CsvFile file, CsvFile.Row row) {
            this.file = file;
            this.row = row;
        }

        void error(String column, String message) {
            errors.add(file.name, row.line, column, message);
            ok = false;
        }

        String required(String column) {
            String value = row.get(column);
            if (value.isEmpty()) {
                error(column, "must not be empty");
                return null;
            }
            return value;
        }

        String uscc(String column) {
            String value = required(column);
            if (value == null) {
                return null;
            }
            Uscc.Problem problem = Uscc.check(value);
            if (problem != null) {
                error(column, "not a valid 统一社会信用代码 \"" + value + "\": " + problem.defaultMessage());
                return null;
            }
            return value;
        }

        /** A USCC, or a person {@code P:<id>}. */
        String party(String column) {
            String value = required(column);
            if (value == null) {
                return null;
            }
            if (value.startsWith("P:")) {
                if (value.length() == 2) {
                    error(column, "a person id P:<id> needs an id");
                    return null;
                }
                return value;
            }
            Uscc.Problem problem = Uscc.check(value);
            if (problem != null) {
                error(column, "neither a person P:<id> nor a valid 统一社会信用代码 \"" + value + "\": "
                        + problem.defaultMessage());
                return null;
            }
            return value;
        }

        long whole(String column) {
            String value = row.get(column);
            if (value.startsWith("-") && WHOLE.matcher(value.substring(1)).matches()) {
                error(column, "must not be negative: " + value);
                return 0;
            }
            if (!WHOLE.matcher(value).matches()) {
                error(column, "must be a whole number: \"" + value + "\"");
                return 0;
            }
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                error(column, "too large: " + value);
                return 0;
            }
        }

        long quantity(String column) {
            String value = row.get(column);
            try {
                long micros = Quantities.parseMicros(value);
                if (micros < 0) {
                    error(column, "must not be negative: " + value);
                    return 0;
                }
                return micros;
            } catch (NumberFormatException e) {
                error(column, e.getMessage());
                return 0;
            }
        }

        LocalDate date(String column) {
            String value = row.get(column);
            LocalDate date = Timestamps.date(value);
            if (date == null) {
                error(column, "must be a date YYYY-MM-DD: \"" + value + "\"");
            }
            return date;
        }

        Instant instant(String column) {
            String value = row.get(column);
            Instant instant = Timestamps.instant(value);
            if (instant == null) {
                error(column, "must be an ISO-8601 timestamp with offset: \"" + value + "\"");
            }
            return instant;
        }

        boolean bool(String column) {
            String value = row.get(column);
            switch (value) {
                case "true":
                    return true;
                case "false":
                    return false;
                default:
                    error(column, "must be true or false: \"" + value + "\"");
                    return false;
            }
        }

        void unique(String column, String id, Map<String, Long> seen) {
            if (id == null) {
                return;
            }
            Long earlier = seen.putIfAbsent(id, row.line);
            if (earlier != null) {
                error(column, "the same id is on line " + earlier);
            }
        }
    }
}

package org.zhice.registry;

import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;
import java.util.regex.Pattern;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.zhice.audit.AuditLog;
import org.zhice.shared.Uscc;

/**
 * Bulk import of organisations, people or relations from one CSV or .xlsx file. Every row is
 * checked first and every problem reported; only a file without any problem is written, in one
 * transaction. Existing organisations and people are updated (upsert); a column that the file
 * does not have keeps its stored value, an empty cell in a column it has clears it.
 */
@Service
class RegistryImport {

    static final int MAX_ROWS = 50_000;
    static final long MAX_BYTES = 10L * 1024 * 1024;

    static final Pattern PERSON_ID = Pattern.compile("P:[A-Za-z0-9._-]{1,64}");
    private static final Pattern REGION_CODE = Pattern.compile("[0-9]{6}");
    private static final Pattern CAPITAL_FEN = Pattern.compile("[0-9]{1,17}");
    private static final Pattern PHONE = Pattern.compile("\\+?[0-9][0-9 -]{4,19}");
    private static final Pattern RELATION_TYPE = Pattern.compile("[\\p{L}\\p{N}_.\\- ]{1,64}");
    private static final DateTimeFormatter SLASHED_DATE = DateTimeFormatter.ofPattern("uuuu/M/d");
    private static final Map<String, Boolean> BOOLEANS = Map.ofEntries(
            Map.entry("true", true), Map.entry("false", false), Map.entry("1", true), Map.entry("0", false),
            Map.entry("yes", true), Map.entry("no", false), Map.entry("y", true), Map.entry("n", false),
            Map.entry("是", true), Map.entry("否", false));

    private final JdbcClient jdbc;
    private final RegistryWrites writes;
    private final AuditLog audit;
    private final Clock clock;

    RegistryImport(JdbcClient jdbc, RegistryWrites writes, AuditLog audit, Clock clock) {
        this.jdbc = jdbc;
        this.writes = writes;
        this.audit = audit;
        this.clock = clock;
    }

    /** What an import did: its problems (then nothing was written) or how many records it created and updated. */
    record Outcome(List<ImportProblem> problems, int created, int updated, int unchanged) {
        boolean ok() {
            return problems.isEmpty();
        }

        static Outcome failed(List<ImportProblem> problems) {
            return new Outcome(List.copyOf(problems), 0, 0, 0);
        }
    }

    @Transactional
    Outcome run(ImportKind kind, String fileName, byte[] content) {
        List<ImportProblem> problems = new ArrayList<>();
        if (content.length > MAX_BYTES) {
            problems.add(ImportProblem.of(fileName, 0, null, "file.tooLarge", MAX_BYTES / (1024 * 1024)));
            return Outcome.failed(problems);
        }
        TableFile.Table table = TableFile.read(fileName, content, kind, MAX_ROWS, problems);
        if (table == null) {
            return Outcome.failed(problems);
        }
        Rows rows = new Rows(fileName, table, problems);
        Outcome outcome = switch (kind) {
            case ORGANISATIONS -> organisations(rows);
            case PEOPLE -> people(rows);
            case RELATIONS -> relations(rows);
        };
        if (outcome.ok()) {
            audit.record("registry.import", "import", fileName, kind.code() + ": " + outcome.created() + " created, "
                    + outcome.updated() + " updated, " + outcome.unchanged() + " unchanged");
        }
        return outcome;
    }

    // ---- organisations ------------------------------------------------------------------------

    private Outcome organisations(Rows rows) {
        Set<String> regions = new HashSet<>(jdbc.sql("select code from region").query(String.class).list());
        Map<String, TableFile.Row> parsedRows = new LinkedHashMap<>();
        Map<String, Organisation> parsed = new LinkedHashMap<>();
        for (TableFile.Row row : rows.table.rows()) {
            String uscc = rows.uscc(row, "uscc");
            String name = rows.text(row, "name", true, 200);
            OrganisationKind kind = rows.kind(row);
            String region = rows.region(row, "region_code", regions);
            LocalDate founded = rows.date(row, "founded_on");
            Long capital = rows.capital(row, "registered_capital_fen");
            Boolean startup = rows.bool(row, "is_startup");
            String industry = rows.text(row, "industry", false, 100);
            String address = rows.text(row, "address", false, 300);
            if (uscc != null && rows.unique(row, "uscc", uscc) && name != null && kind != null && region != null) {
                parsedRows.put(uscc, row);
                parsed.put(uscc, new Organisation(uscc, name, kind, region, founded, capital,
                        Boolean.TRUE.equals(startup), industry, address));
            }
        }
        if (!rows.problems.isEmpty()) {
            return Outcome.failed(rows.problems);
        }
        Map<String, Organisation> existing = writes.existingOrganisations(parsed.keySet());
        List<Organisation> created = new ArrayList<>();
        List<Organisation> updated = new ArrayList<>();
        List<Change> trail = new ArrayList<>();
        int unchanged = 0;
        for (Organisation incoming : parsed.values()) {
            Organisation before = existing.get(incoming.uscc());
            TableFile.Row row = parsedRows.get(incoming.uscc());
            if (before == null) {
                created.add(incoming);
                trail.add(new Change("registry.organisation.create", "organisation", incoming.uscc(),
                        incoming.name() + "; " + incoming.kind().code() + "; " + incoming.regionCode() + rows.source(row)));
                continue;
            }
            Organisation after = keepAbsent(incoming, before, row);
            String changes = organisationChanges(before, after);
            if (changes.isEmpty()) {
                unchanged++;
            } else {
                updated.add(after);
                trail.add(new Change("registry.organisation.update", "organisation", after.uscc(), changes + rows.source(row)));
            }
        }
        writes.insertOrganisations(created);
        writes.updateOrganisations(updated);
        record(trail);
        return new Outcome(List.of(), created.size(), updated.size(), unchanged);
    }

    /** Optional columns that the file does not have keep their stored values. */
    private static Organisation keepAbsent(Organisation in, Organisation before, TableFile.Row row) {
        return new Organisation(in.uscc(), in.name(), in.kind(), in.regionCode(),
                row.has("founded_on") ? in.foundedOn() : before.foundedOn(),
                row.has("registered_capital_fen") ? in.registeredCapitalFen() : before.registeredCapitalFen(),
                row.has("is_startup") ? in.startup() : before.startup(),
                row.has("industry") ? in.industry() : before.industry(),
                row.has("address") ? in.address() : before.address());
    }

    private static String organisationChanges(Organisation a, Organisation b) {
        Changes changes = new Changes();
        changes.compare("name", a.name(), b.name());
        changes.compare("kind", a.kind().code(), b.kind().code());
        changes.compare("region_code", a.regionCode(), b.regionCode());
        changes.compare("founded_on", a.foundedOn(), b.foundedOn());
        changes.compare("registered_capital_fen", a.registeredCapitalFen(), b.registeredCapitalFen());
        changes.compare("is_startup", a.startup(), b.startup());
        changes.compare("industry", a.industry(), b.industry());
        changes.compare("address", a.address(), b.address());
        return changes.toString();
    }

    // ---- people -------------------------------------------------------------------------------

    private Outcome people(Rows rows) {
        Map<String, TableFile.Row> parsedRows = new LinkedHashMap<>();
        Map<String, Person> parsed = new LinkedHashMap<>();
        for (TableFile.Row row : rows.table.rows()) {
            String id = rows.personId(row, "person_id");
            String name = rows.text(row, "name", true, 100);
            String idNumber = rows.idNumber(row, "id_number");
            String phone = rows.phone(row, "phone");
            if (id != null && rows.unique(row, "person_id", id) && name != null) {
                parsedRows.put(id, row);
                parsed.put(id, new Person(id, name, idNumber, phone));
            }
        }
        if (!rows.problems.isEmpty()) {
            return Outcome.failed(rows.problems);
        }
        Map<String, Person> existing = writes.existingPeople(parsed.keySet());
        List<Person> created = new ArrayList<>();
        List<Person> updated = new ArrayList<>();
        List<Change> trail = new ArrayList<>();
        int unchanged = 0;
        for (Person incoming : parsed.values()) {
            Person before = existing.get(incoming.personId());
            TableFile.Row row = parsedRows.get(incoming.personId());
            if (before == null) {
                created.add(incoming);
                trail.add(new Change("registry.person.create", "person", incoming.personId(), incoming.name() + rows.source(row)));
                continue;
            }
            Person after = new Person(incoming.personId(), incoming.name(),
                    row.has("id_number") ? incoming.idNumber() : before.idNumber(),
                    row.has("phone") ? incoming.phone() : before.phone());
            Changes changes = new Changes();
            changes.compare("name", before.name(), after.name());
            changes.compareSecret("id_number", before.idNumber(), after.idNumber());
            changes.compareSecret("phone", before.phone(), after.phone());
            if (changes.isEmpty()) {
                unchanged++;
            } else {
                updated.add(after);
                trail.add(new Change("registry.person.update", "person", after.personId(), changes + rows.source(row)));
            }
        }
        writes.insertPeople(created);
        writes.updatePeople(updated);
        record(trail);
        return new Outcome(List.of(), created.size(), updated.size(), unchanged);
    }

    // ---- relations ----------------------------------------------------------------------------

    private Outcome relations(Rows rows) {
        Set<String> named = new HashSet<>();
        for (TableFile.Row row : rows.table.rows()) {
            named.add(normaliseParty(row.get("party_a")));
            named.add(normaliseParty(row.get("party_b")));
        }
        Set<String> known = new HashSet<>(writes.existingParties(named));
        List<RelatedPath.Link> links = new ArrayList<>();
        List<TableFile.Row> linkRows = new ArrayList<>();
        for (TableFile.Row row : rows.table.rows()) {
            String a = rows.party(row, "party_a", known);
            String b = rows.party(row, "party_b", known);
            String type = rows.relationType(row, "type");
            if (a != null && b != null && a.equals(b)) {
                rows.problem(row, "party_b", "relation.self", a);
                continue;
            }
            if (a != null && b != null && type != null && rows.unique(row, null, a + "\n" + b + "\n" + type)) {
                links.add(new RelatedPath.Link(a, b, type));
                linkRows.add(row);
            }
        }
        if (!rows.problems.isEmpty()) {
            return Outcome.failed(rows.problems);
        }
        boolean[] inserted = writes.insertRelations(links);
        int created = 0;
        List<AuditLog.Record> trail = new ArrayList<>();
        for (int i = 0; i < links.size(); i++) {
            if (inserted[i]) {
                created++;
                RelatedPath.Link link = links.get(i);
                trail.add(new AuditLog.Record("registry.relation.create", "party", link.partyA(),
                        link.type() + " of " + link.partyB() + rows.source(linkRows.get(i))));
            }
        }
        audit.recordAll(trail);
        return new Outcome(List.of(), created, 0, links.size() - created);
    }

    /**
     * One audit entry per created or changed record, written after the data so that the audit
     * chain's lock is held for as short a time as possible.
     */
    private record Change(String action, String subjectType, String subjectId, String detail) {
    }

    private void record(List<Change> trail) {
        audit.recordAll(trail.stream()
                .map(c -> new AuditLog.Record(c.action(), c.subjectType(), c.subjectId(), c.detail()))
                .toList());
    }

    static String normaliseParty(String raw) {
        String value = raw.strip();
        return Party.isPersonId(value) ? value : value.toUpperCase(Locale.ROOT);
    }

    // ---- checking one row ---------------------------------------------------------------------

    /** Row checks that add a problem naming file, row and column, and return {@code null} on a bad value. */
    private final class Rows {
        private final String fileName;
        private final TableFile.Table table;
        private final List<ImportProblem> problems;
        private final Map<String, Integer> firstRowOfKey = new HashMap<>();

        Rows(String fileName, TableFile.Table table, List<ImportProblem> problems) {
            this.fileName = fileName;
            this.table = table;
            this.problems = problems;
        }

        void problem(TableFile.Row row, String column, String code, Object... args) {
            problems.add(ImportProblem.of(fileName, row.number(), column, code, args));
        }

        String source(TableFile.Row row) {
            return " (" + fileName + " row " + row.number() + ")";
        }

        /** Is this the first row with this key? {@code column} names the key's column, {@code null} for the whole row. */
        boolean unique(TableFile.Row row, String column, String key) {
            Integer first = firstRowOfKey.putIfAbsent(column + "\n" + key, row.number());
            if (first != null) {
                problem(row, column, "duplicate", first);
                return false;
            }
            return true;
        }

        String text(TableFile.Row row, String column, boolean required, int maxLength) {
            String value = row.get(column);
            if (value.isEmpty()) {
                if (required) {
                    problem(row, column, "required");
                }
                return null;
            }
            if (value.length() > maxLength) {
                problem(row, column, "tooLong", maxLength);
                return null;
            }
            return value;
        }

        String uscc(TableFile.Row row, String column) {
            String value = text(row, column, true, 100);
            if (value == null) {
                return null;
            }
            value = value.toUpperCase(Locale.ROOT);
            Uscc.Problem problem = Uscc.check(value);
            if (problem == null) {
                return value;
            }
            switch (problem.code()) {
                case "uscc.length" -> problem(row, column, "uscc.length", value, problem.position());
                case "uscc.character" -> problem(row, column, "uscc.character", value, problem.position(), problem.detail());
                default -> problem(row, column, "uscc.check", value, problem.detail(), value.charAt(Uscc.LENGTH - 1));
            }
            return null;
        }

        OrganisationKind kind(TableFile.Row row) {
            String value = text(row, "kind", true, 100);
            if (value == null) {
                return null;
            }
            OrganisationKind kind = OrganisationKind.fromCode(value.toLowerCase(Locale.ROOT)).orElse(null);
            if (kind == null) {
                problem(row, "kind", "kind.invalid", value);
            }
            return kind;
        }

        String region(TableFile.Row row, String column, Set<String> known) {
            String value = text(row, column, true, 100);
            if (value == null) {
                return null;
            }
            if (!REGION_CODE.matcher(value).matches()) {
                problem(row, column, "region.format", value);
                return null;
            }
            if (!known.contains(value)) {
                problem(row, column, "region.unknown", value);
                return null;
            }
            return value;
        }

        LocalDate date(TableFile.Row row, String column) {
            String value = row.get(column);
            if (value.isEmpty()) {
                return null;
            }
            LocalDate date;
            try {
                date = value.contains("/") ? LocalDate.parse(value, SLASHED_DATE) : LocalDate.parse(value);
            } catch (DateTimeParseException e) {
                problem(row, column, "date.format", value);
                return null;
            }
            if (date.isAfter(LocalDate.now(clock)) || date.getYear() < 1800) {
                problem(row, column, "date.range", value);
                return null;
            }
            return date;
        }

        Long capital(TableFile.Row row, String column) {
            String value = row.get(column);
            if (value.isEmpty()) {
                return null;
            }
            if (!CAPITAL_FEN.matcher(value).matches()) {
                problem(row, column, "capital.format", value);
                return null;
            }
            return Long.parseLong(value);
        }

        Boolean bool(TableFile.Row row, String column) {
            String value = row.get(column);
            if (value.isEmpty()) {
                return null;
            }
            Boolean parsed = BOOLEANS.get(value.toLowerCase(Locale.ROOT));
            if (parsed == null) {
                problem(row, column, "boolean.format", value);
            }
            return parsed;
        }

        String personId(TableFile.Row row, String column) {
            String value = text(row, column, true, 100);
            if (value != null && !PERSON_ID.matcher(value).matches()) {
                problem(row, column, "person.format", value);
                return null;
            }
            return value;
        }

        String idNumber(TableFile.Row row, String column) {
            String value = row.get(column).toUpperCase(Locale.ROOT);
            if (value.isEmpty()) {
                return null;
            }
            if (!IdNumber.wellFormed(value)) {
                problem(row, column, "idNumber.format");
                return null;
            }
            char expected = IdNumber.checkCharacter(value);
            if (value.charAt(17) != expected) {
                problem(row, column, "idNumber.check", expected, value.charAt(17));
                return null;
            }
            return value;
        }

        String phone(TableFile.Row row, String column) {
            String value = row.get(column);
            if (value.isEmpty()) {
                return null;
            }
            if (!PHONE.matcher(value).matches()) {
                problem(row, column, "phone.format", value);
                return null;
            }
            return value;
        }

        String party(TableFile.Row row, String column, Set<String> known) {
            String raw = text(row, column, true, 100);
            if (raw == null) {
                return null;
            }
            String value = normaliseParty(raw);
            if (Party.isPersonId(value)) {
                if (!PERSON_ID.matcher(value).matches()) {
                    problem(row, column, "person.format", value);
                    return null;
                }
            } else if (value.length() != Uscc.LENGTH) {
                problem(row, column, "party.format", raw);
                return null;
            } else if (uscc(row, column) == null) {
                return null;
            }
            if (!known.contains(value)) {
                problem(row, column, "party.unknown", value);
                return null;
            }
            return value;
        }

        String relationType(TableFile.Row row, String column) {
            String value = text(row, column, true, 64);
            if (value == null) {
                return null;
            }
            if (!RELATION_TYPE.matcher(value).matches()) {
                problem(row, column, "relation.type", value);
                return null;
            }
            return value.toLowerCase(Locale.ROOT);
        }
    }

    /** The fields that differ, for the audit log; secrets say only that they changed. */
    private static final class Changes {
        private final StringJoiner text = new StringJoiner("; ");
        private boolean empty = true;

        void compare(String field, Object before, Object after) {
            if (!Objects.equals(before, after)) {
                text.add(field + ": " + before + " → " + after);
                empty = false;
            }
        }

        void compareSecret(String field, String before, String after) {
            if (!Objects.equals(before, after)) {
                text.add(field + " changed");
                empty = false;
            }
        }

        boolean isEmpty() {
            return empty;
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }
}

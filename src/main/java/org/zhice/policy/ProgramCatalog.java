package org.zhice.policy;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;
import org.zhice.audit.AuditLog;
import org.zhice.identity.CurrentUser;

/**
 * Programs as code, versioned. A program file (spec §1) is validated by {@link ProgramParser}
 * and stored whole: its text, its SM3 hash and the key fields parsed from it. Storing a changed
 * file under an existing id makes the next version; earlier versions stay readable forever;
 * storing a text that is already stored for that id stores nothing. A file with any error
 * stores nothing. The rest of the platform reads programs only through this facade.
 */
@Service
public class ProgramCatalog {

    /** Programs change rarely and versions never: parsed versions are kept, up to this many. */
    private static final int PARSED_CACHE_LIMIT = 1_000;
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    private final JdbcClient jdbc;
    private final AuditLog audit;
    private final Clock clock;
    private final ProgramFolder folders;
    private final Map<String, Program> parsed = new ConcurrentHashMap<>();

    ProgramCatalog(JdbcClient jdbc, AuditLog audit, Clock clock) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.clock = clock;
        this.folders = new ProgramFolder();
    }

    // ------------------------------------------------------------------ reading

    /** The latest version of every program, latest period first (one snapshot for both queries). */
    @Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
    public List<ProgramSummary> currentPrograms() {
        Map<String, Map<String, BigDecimal>> ratios = new LinkedHashMap<>();
        Map<String, Map<String, BigDecimal>> startup = new LinkedHashMap<>();
        jdbc.sql("""
                select v.program_id, c.category, c.ratio, c.startup_ratio
                from program p
                join program_version v on v.program_id = p.program_id and v.version = p.latest_version
                join program_category c on c.program_version_id = v.id
                order by v.program_id, c.position
                """)
                .query(rs -> {
                    String id = rs.getString(1);
                    ratios.computeIfAbsent(id, k -> new LinkedHashMap<>()).put(rs.getString(2), ratio(rs.getBigDecimal(3)));
                    BigDecimal special = rs.getBigDecimal(4);
                    if (special != null) {
                        startup.computeIfAbsent(id, k -> new LinkedHashMap<>()).put(rs.getString(2), ratio(special));
                    }
                });
        return jdbc.sql("""
                select v.program_id, v.version, v.name, v.funder, v.region_prefix, v.period_start, v.period_end,
                       v.budget_fen, v.per_enterprise_cap_fen, v.window_start, v.window_end, v.redemption_mode,
                       v.yaml_sm3, v.uploaded_at
                from program p join program_version v on v.program_id = p.program_id and v.version = p.latest_version
                order by v.period_end desc, v.program_id
                """)
                .query((rs, n) -> {
                    String id = rs.getString(1);
                    return new ProgramSummary(id, rs.getInt(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getObject(6, LocalDate.class), rs.getObject(7, LocalDate.class), rs.getLong(8),
                            rs.getLong(9), ratios.getOrDefault(id, Map.of()), startup.getOrDefault(id, Map.of()),
                            rs.getObject(10, LocalDate.class), rs.getObject(11, LocalDate.class),
                            Program.RedemptionMode.fromCode(rs.getString(12)), rs.getString(13),
                            local(rs.getObject(14, OffsetDateTime.class)));
                })
                .list();
    }

    /** The latest version of a program. */
    public Optional<Version> current(String programId) {
        return jdbc.sql("select latest_version from program where program_id = :id")
                .param("id", programId)
                .query(Integer.class)
                .optional()
                .flatMap(latest -> version(programId, latest));
    }

    /** Any version of a program, the current one or an earlier one. */
    public Optional<Version> version(String programId, int version) {
        return jdbc.sql("""
                select program_id, version, file_name, yaml_text, yaml_sm3, uploaded_by, uploaded_at
                from program_version where program_id = :id and version = :version
                """)
                .param("id", programId)
                .param("version", version)
                .query((rs, n) -> new Version(rs.getString(1), rs.getInt(2),
                        parse(rs.getString(3), rs.getString(4), rs.getString(5)),
                        rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                        local(rs.getObject(7, OffsetDateTime.class))))
                .optional();
    }

    /** Every version of a program, oldest first; empty when there is no such program. */
    public List<VersionSummary> versions(String programId) {
        return jdbc.sql("""
                select program_id, version, file_name, yaml_sm3, uploaded_by, uploaded_at, budget_fen,
                       per_enterprise_cap_fen
                from program_version where program_id = :id order by version
                """)
                .param("id", programId)
                .query((rs, n) -> new VersionSummary(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), local(rs.getObject(6, OffsetDateTime.class)), rs.getLong(7), rs.getLong(8)))
                .list();
    }

    // ------------------------------------------------------------------ storing

    /**
     * Validates and stores one program file as the signed-in user (or {@code system} when no
     * one is signed in). {@code fileName} only names the file in errors and in the record.
     */
    @Transactional
    public StoreResult store(String fileName, String yamlText) {
        return store(fileName, yamlText, actor());
    }

    /** As {@link #store(String, String)}, recorded as done by {@code actor}. */
    @Transactional
    public StoreResult store(String fileName, String yamlText, String actor) {
        String file = ProgramFolder.fileName(fileName);
        String text = ProgramText.normalise(yamlText);
        Optional<ProgramError> tooLarge = ProgramFolder.checkSize(file, text);
        if (tooLarge.isPresent()) {
            return new Rejected(List.of(tooLarge.get()));
        }
        try {
            Program program = ProgramParser.parse(file, text);
            return storeParsed(file, text, program, actor);
        } catch (ProgramException e) {
            return new Rejected(e.errors());
        }
    }

    /**
     * The demo programs shipped in {@code classpath:programs/*.yaml}. Idempotent: files already
     * stored are left as they are. All or nothing: one bad file and none is stored.
     */
    @Transactional
    public Load loadPresets() {
        return load(folders.presets(), "system");
    }

    /** Every {@code *.yaml} / {@code *.yml} file of a folder, all or nothing, idempotent. */
    @Transactional
    public Load loadFolder(java.nio.file.Path folder) {
        return load(folders.read(folder), "system");
    }

    private Load load(ProgramFolder.Batch files, String actor) {
        if (!files.errors().isEmpty()) {
            return new Load(List.of(), files.errors());
        }
        List<ProgramError> errors = new ArrayList<>();
        List<Program> programs = new ArrayList<>();
        Map<String, String> fileById = new LinkedHashMap<>();
        for (ProgramFolder.File f : files.files()) {
            Optional<ProgramError> tooLarge = ProgramFolder.checkSize(f.name(), f.text());
            if (tooLarge.isPresent()) {
                errors.add(tooLarge.get());
                programs.add(null);
                continue;
            }
            try {
                Program program = ProgramParser.parse(f.name(), f.text());
                String other = fileById.putIfAbsent(program.id(), f.name());
                if (other != null) {
                    errors.add(new ProgramError(f.name(), ProgramFolder.lineOfId(f.text()), "id",
                            ProgramFolder.SAME_ID + other));
                }
                programs.add(program);
            } catch (ProgramException e) {
                errors.addAll(e.errors());
                programs.add(null);
            }
        }
        if (!errors.isEmpty()) {
            return new Load(List.of(), errors);
        }
        List<Stored> stored = new ArrayList<>();
        for (int i = 0; i < programs.size(); i++) {
            ProgramFolder.File f = files.files().get(i);
            stored.add(storeParsed(f.name(), f.text(), programs.get(i), actor));
        }
        return new Load(stored, List.of());
    }

    /** Stores a parsed program as its next version, unless this very text is stored already. */
    private Stored storeParsed(String file, String text, Program program, String actor) {
        String id = program.id();
        String sm3 = ProgramText.sm3(text);
        OffsetDateTime at = OffsetDateTime.now(clock);
        // The head row serialises every store of one program: the first insert holds it until
        // commit, later ones lock it; the unique constraints back this up.
        int created = jdbc.sql("""
                insert into program (program_id, latest_version, created_at) values (:id, 1, :at)
                on conflict (program_id) do nothing
                """)
                .param("id", id).param("at", at)
                .update();
        int version;
        if (created == 1) {
            version = 1;
        } else {
            int latest = jdbc.sql("select latest_version from program where program_id = :id for update")
                    .param("id", id).query(Integer.class).single();
            Optional<Integer> same = jdbc.sql("""
                    select version from program_version where program_id = :id and yaml_sm3 = :sm3
                    """)
                    .param("id", id).param("sm3", sm3).query(Integer.class).optional();
            if (same.isPresent()) {
                return new Stored(version(id, same.get()).orElseThrow(), false, latest);
            }
            version = latest + 1;
            jdbc.sql("update program set latest_version = :v where program_id = :id")
                    .param("v", version).param("id", id).update();
        }
        long rowId = jdbc.sql("""
                insert into program_version (program_id, version, file_name, yaml_text, yaml_sm3, name, funder,
                    region_prefix, period_start, period_end, window_start, window_end, budget_fen,
                    per_enterprise_cap_fen, contract_term_days_max, cap_price_at_reference,
                    exclude_related_parties, notice_working_days, redemption_mode, uploaded_by, uploaded_at)
                values (:id, :version, :file, :text, :sm3, :name, :funder, :region, :periodStart, :periodEnd,
                    :windowStart, :windowEnd, :budget, :cap, :term, :capAtReference, :excludeRelated, :notice,
                    :mode, :by, :at)
                returning id
                """)
                .param("id", id).param("version", version).param("file", file).param("text", text)
                .param("sm3", sm3).param("name", program.name()).param("funder", program.funder())
                .param("region", program.regionPrefix())
                .param("periodStart", program.period().start()).param("periodEnd", program.period().end())
                .param("windowStart", program.applicationWindow().start())
                .param("windowEnd", program.applicationWindow().end())
                .param("budget", program.budgetFen()).param("cap", program.perEnterpriseCapFen())
                .param("term", program.contractTermDaysMax())
                .param("capAtReference", program.capPriceAtReference())
                .param("excludeRelated", program.excludeRelatedParties())
                .param("notice", program.noticeWorkingDays())
                .param("mode", program.redemptionMode().code())
                .param("by", actor).param("at", at)
                .query(Long.class).single();
        int position = 0;
        for (Map.Entry<String, BigDecimal> category : program.categories().entrySet()) {
            jdbc.sql("""
                    insert into program_category (program_version_id, position, category, ratio, startup_ratio)
                    values (:row, :position, :category, :ratio, :startup)
                    """)
                    .param("row", rowId).param("position", position++).param("category", category.getKey())
                    .param("ratio", category.getValue())
                    .param("startup", program.startupCategories().get(category.getKey()))
                    .update();
        }
        position = 0;
        for (Program.Target target : program.targets()) {
            jdbc.sql("""
                    insert into program_target (program_version_id, position, name, metric, goal, due)
                    values (:row, :position, :name, :metric, :goal, :due)
                    """)
                    .param("row", rowId).param("position", position++).param("name", target.name())
                    .param("metric", target.metric()).param("goal", target.goal()).param("due", target.due())
                    .update();
        }
        audit.recordAs(actor, "program.store", "program", id,
                "version " + version + " file " + file + " sm3 " + sm3);
        Version stored = new Version(id, version, program, file, text, sm3, actor, local(at));
        return new Stored(stored, true, version);
    }

    // ------------------------------------------------------------------ helpers

    private Program parse(String file, String text, String sm3) {
        Program program = parsed.get(sm3);
        if (program != null) {
            return program;
        }
        try {
            program = ProgramParser.parse(file, text);
        } catch (ProgramException e) {
            // Stored texts were valid when stored; a parser that now refuses one is a bug to fix.
            throw new IllegalStateException("stored program no longer parses: " + e.getMessage(), e);
        }
        if (parsed.size() >= PARSED_CACHE_LIMIT) {
            parsed.clear();
        }
        parsed.put(sm3, program);
        return program;
    }

    /** Ratios read back from numeric(6,4) as written: 0.3000 reads 0.3. */
    private static BigDecimal ratio(BigDecimal stored) {
        BigDecimal r = stored.stripTrailingZeros();
        return r.scale() < 0 ? r.setScale(0) : r;
    }

    /** Times as the platform shows them: in +08:00 (spec: all dates are Asia/Shanghai). */
    private static OffsetDateTime local(OffsetDateTime at) {
        return at.atZoneSameInstant(SHANGHAI).toOffsetDateTime();
    }

    private static String actor() {
        return CurrentUser.get().map(CurrentUser::username).orElse("system");
    }

    // ------------------------------------------------------------------ types

    /** One program's current version, for listing and the landing page. */
    public record ProgramSummary(String id, int version, String name, String funder, String regionPrefix,
                                 LocalDate periodStart, LocalDate periodEnd, long budgetFen,
                                 long perEnterpriseCapFen, Map<String, BigDecimal> categoryRatios,
                                 Map<String, BigDecimal> startupRatios, LocalDate windowStart,
                                 LocalDate windowEnd, Program.RedemptionMode redemptionMode, String yamlSm3,
                                 OffsetDateTime uploadedAt) {
        public ProgramSummary {
            categoryRatios = Collections.unmodifiableMap(new LinkedHashMap<>(categoryRatios));
            startupRatios = Collections.unmodifiableMap(new LinkedHashMap<>(startupRatios));
        }
    }

    /** One stored version of a program: the file as stored and the program parsed from it. */
    public record Version(String id, int version, Program program, String fileName, String yamlText,
                          String yamlSm3, String uploadedBy, OffsetDateTime uploadedAt) {
    }

    /** A line of a program's version history. */
    public record VersionSummary(String programId, int version, String fileName, String yamlSm3,
                                 String uploadedBy, OffsetDateTime uploadedAt, long budgetFen,
                                 long perEnterpriseCapFen) {
    }

    /** What became of a program file: stored (or found already stored), or rejected with its errors. */
    public sealed interface StoreResult permits Stored, Rejected {
    }

    /**
     * @param version the stored version (when {@code created} is false: the earlier version
     *                whose text is the same)
     * @param created whether this call stored a new version
     * @param latest  the program's latest version number after this call
     */
    public record Stored(Version version, boolean created, int latest) implements StoreResult {
    }

    /** Nothing was stored; every error names file, line and key. */
    public record Rejected(List<ProgramError> errors) implements StoreResult {
        public Rejected {
            errors = List.copyOf(errors);
        }
    }

    /** A folder loaded all or nothing: either every file's result, or the errors and nothing stored. */
    public record Load(List<Stored> stored, List<ProgramError> errors) {
        public Load {
            stored = List.copyOf(stored);
            errors = List.copyOf(errors);
        }

        public boolean ok() {
            return errors.isEmpty();
        }
    }
}

package org.zhice.policy;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads {@code program.yaml} (spec §1 and the extensions of {@code docs/program-format.md}).
 * Plain Java, no Spring. Works on SnakeYAML's node tree so that every error names its line;
 * scalars are taken as written (never through YAML's own number or date typing), so amounts
 * and ratios stay exact. All errors are collected; a program with any error is not loaded.
 */
public final class ProgramParser {

    private static final Pattern ID = Pattern.compile("[a-z0-9-]{3,64}");
    private static final Pattern DECIMAL = Pattern.compile("-?[0-9]+(\\.[0-9]+)?");
    private static final Pattern INTEGER = Pattern.compile("-?[0-9]+");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{0,6}");
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);
    /**
     * Longer numbers are refused before {@link BigDecimal} sees them: its parsing and
     * {@code stripTrailingZeros} take time quadratic in the length (a 200,000-digit budget took
     * seconds of CPU), and no amount, ratio or goal of a program needs 40 characters.
     */
    private static final int MAX_NUMBER_CHARS = 40;
    /** A value quoted in an error is cut to this many characters. */
    private static final int MAX_QUOTED_CHARS = 80;

    private static final List<String> REQUIRED = List.of("id", "name", "funder", "region_prefix", "period",
            "application_window", "budget_yuan", "per_enterprise_cap_yuan", "categories",
            "contract_term_days_max", "cap_price_at_reference", "exclude_related_parties", "notice_working_days");
    private static final List<String> OPTIONAL = List.of("redemption_mode", "startup_categories", "targets");

    private final String file;
    private final List<ProgramError> errors = new ArrayList<>();

    private ProgramParser(String file) {
        this.file = file;
    }

    /** Reads and parses a program file; its file name (not the full path) appears in errors. */
    public static Program parse(Path path) throws ProgramException {
        String name = path.getFileName() == null ? path.toString() : path.getFileName().toString();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new ProgramException(List.of(new ProgramError(name, 1, "-", "file not found")));
        } catch (IOException e) {
            throw new ProgramException(List.of(new ProgramError(name, 1, "-", "cannot read: " + e.getMessage())));
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ProgramException(List.of(new ProgramError(name, 1, "-", "not valid UTF-8")));
        }
        return parse(name, text);
    }

    /** Parses program text; {@code file} names it in errors. */
    public static Program parse(String file, String text) throws ProgramException {
        return new ProgramParser(file).program(text);
    }

    private Program program(String text) throws ProgramException {
        if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
            text = text.substring(1);
        }
        Node root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            root = new Yaml(new SafeConstructor(options)).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() != null ? e.getProblemMark().getLine() + 1 : 1;
            throw failed(new ProgramError(file, line, "-", "not valid YAML: " + e.getProblem()));
        } catch (YAMLException e) {
            throw failed(new ProgramError(file, 1, "-", "not valid YAML: " + e.getMessage()));
        }
        if (root == null) {
            throw failed(new ProgramError(file, 1, "-", "empty program"));
        }
        if (!(root instanceof MappingNode rootMap)) {
            throw failed(new ProgramError(file, line(root), "-", "a program is a mapping of keys to values"));
        }
        Fields top = fields(rootMap, "");
        top.rejectUnknown(REQUIRED, OPTIONAL);

        String id = string(top.required("id"), "id");
        if (id != null && !ID.matcher(id).matches()) {
            error(top.node("id"), "id", "must match [a-z0-9-]{3,64}: \"" + clip(id) + "\"");
            id = null;
        }
        String name = string(top.required("name"), "name");
        String funder = string(top.required("funder"), "funder");
        String regionPrefix = string(top.required("region_prefix"), "region_prefix");
        if (regionPrefix != null && !DIGITS.matcher(regionPrefix).matches()) {
            error(top.node("region_prefix"), "region_prefix", "must be up to 6 digits of a GB/T 2260 code: \"" + clip(regionPrefix) + "\"");
            regionPrefix = null;
        }
        Program.DateRange period = range(top.required("period"), "period");
        Program.DateRange window = range(top.required("application_window"), "application_window");
        Long budget = yuan(top.required("budget_yuan"), "budget_yuan");
        Long cap = yuan(top.required("per_enterprise_cap_yuan"), "per_enterprise_cap_yuan");
        Map<String, BigDecimal> categories = ratios(top.required("categories"), "categories", null);
        Integer termMax = count(top.required("contract_term_days_max"), "contract_term_days_max");
        Boolean capAtReference = bool(top.required("cap_price_at_reference"), "cap_price_at_reference");
        Boolean excludeRelated = bool(top.required("exclude_related_parties"), "exclude_related_parties");
        Integer noticeDays = count(top.required("notice_working_days"), "notice_working_days");

        Program.RedemptionMode mode = Program.RedemptionMode.CLAIM_AFTER_PAYMENT;
        Node modeNode = top.optional("redemption_mode");
        if (modeNode != null) {
            String code = string(modeNode, "redemption_mode");
            mode = code == null ? null : Program.RedemptionMode.fromCode(code);
            if (code != null && mode == null) {
                error(modeNode, "redemption_mode", "must be claim_after_payment or provider_deducts: \"" + clip(code) + "\"");
            }
        }
        Map<String, BigDecimal> startup = Map.of();
        Node startupNode = top.optional("startup_categories");
        if (startupNode != null) {
            startup = ratios(startupNode, "startup_categories", categories);
        }
        List<Program.Target> targets = List.of();
        Node targetsNode = top.optional("targets");
        if (targetsNode != null) {
            targets = targets(targetsNode);
        }

        if (!errors.isEmpty()) {
            List<ProgramError> sorted = new ArrayList<>(errors);
            sorted.sort(Comparator.comparingInt(ProgramError::line));
            throw new ProgramException(sorted);
        }
        return new Program(id, name, funder, regionPrefix, period, window, budget, cap, categories,
                termMax, capAtReference, excludeRelated, noticeDays, mode, startup, targets);
    }

    private ProgramException failed(ProgramError error) {
        return new ProgramException(List.of(error));
    }

    // ---------------------------------------------------------------- values

    private String string(Node node, String key) {
        if (node == null) {
            return null;
        }
        if (!(node instanceof ScalarNode scalar)) {
            error(node, key, "must be a single value, not a list or mapping");
            return null;
        }
        if (scalar.getTag().equals(Tag.NULL) || scalar.getValue().isEmpty()) {
            error(node, key, "has no value");
            return null;
        }
        return scalar.getValue();
    }

    private Long yuan(Node node, String key) {
        String text = string(node, key);
        if (text == null) {
            return null;
        }
        if (!DECIMAL.matcher(text).matches()) {
            error(node, key, "must be an amount in yuan with up to 2 decimals: \"" + clip(text) + "\"");
            return null;
        }
        if (text.length() > MAX_NUMBER_CHARS) {
            error(node, key, "is too large: " + clip(text));
            return null;
        }
        BigDecimal amount = new BigDecimal(text);
        boolean ok = true;
        if (amount.signum() < 0) {
            error(node, key, "must not be negative: " + clip(text));
            ok = false;
        }
        if (amount.stripTrailingZeros().scale() > 2) {
            error(node, key, "has more than 2 decimals: " + clip(text));
            ok = false;
        }
        if (!ok) {
            return null;
        }
        try {
            return amount.multiply(HUNDRED).longValueExact();
        } catch (ArithmeticException e) {
            error(node, key, "is too large: " + clip(text));
            return null;
        }
    }

    private BigDecimal ratio(Node node, String key) {
        String text = string(node, key);
        if (text == null) {
            return null;
        }
        if (!DECIMAL.matcher(text).matches()) {
            error(node, key, "must be a ratio with up to 4 decimals: \"" + clip(text) + "\"");
            return null;
        }
        if (text.length() > MAX_NUMBER_CHARS) {
            error(node, key, (text.indexOf('.') >= 0 ? "ratio has more than 4 decimals: " : "ratio must be in (0, 1]: ")
                    + clip(text));
            return null;
        }
        BigDecimal ratio = new BigDecimal(text);
        boolean ok = true;
        if (ratio.signum() <= 0 || ratio.compareTo(BigDecimal.ONE) > 0) {
            error(node, key, "ratio must be in (0, 1]: " + clip(text));
            ok = false;
        }
        if (ratio.stripTrailingZeros().scale() > 4) {
            error(node, key, "ratio has more than 4 decimals: " + clip(text));
            ok = false;
        }
        return ok ? ratio : null;
    }

    private Integer count(Node node, String key) {
        String text = string(node, key);
        if (text == null) {
            return null;
        }
        if (!INTEGER.matcher(text).matches()) {
            error(node, key, "must be a whole number: \"" + clip(text) + "\"");
            return null;
        }
        if (text.startsWith("-")) {
            error(node, key, "must not be negative: " + clip(text));
            return null;
        }
        try {
            return Integer.valueOf(text);
        } catch (NumberFormatException e) {
            error(node, key, "is too large: " + clip(text));
            return null;
        }
    }

    private Boolean bool(Node node, String key) {
        String text = string(node, key);
        if (text == null) {
            return null;
        }
        return switch (text) {
            case "true", "True", "TRUE" -> Boolean.TRUE;
            case "false", "False", "FALSE" -> Boolean.FALSE;
            default -> {
                error(node, key, "must be true or false: \"" + clip(text) + "\"");
                yield null;
            }
        };
    }

    private LocalDate date(Node node, String key) {
        String text = string(node, key);
        if (text == null) {
            return null;
        }
        try {
            if (text.length() != 10) {
                throw new DateTimeParseException("length", text, 0);
            }
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            error(node, key, "must be a date YYYY-MM-DD: \"" + clip(text) + "\"");
            return null;
        }
    }

    private Program.DateRange range(Node node, String key) {
        if (node == null) {
            return null;
        }
        if (!(node instanceof MappingNode mapping)) {
            error(node, key, "must be a mapping { start: YYYY-MM-DD, end: YYYY-MM-DD }");
            return null;
        }
        Fields fields = fields(mapping, key + ".");
        fields.rejectUnknown(List.of("start", "end"), List.of());
        LocalDate start = date(fields.required("start"), key + ".start");
        LocalDate end = date(fields.required("end"), key + ".end");
        if (start == null || end == null) {
            return null;
        }
        if (end.isBefore(start)) {
            error(fields.node("end"), key + ".end", "end " + end + " is before start " + start);
            return null;
        }
        return new Program.DateRange(start, end);
    }

    /** A mapping of category → ratio; with {@code allowed} set, every key must be one of it. */
    private Map<String, BigDecimal> ratios(Node node, String key, Map<String, BigDecimal> allowed) {
        if (node == null) {
            return null;
        }
        if (!(node instanceof MappingNode mapping)) {
            error(node, key, "must be a mapping of category to ratio");
            return null;
        }
        Fields fields = fields(mapping, key + ".");
        Map<String, BigDecimal> result = new LinkedHashMap<>();
        boolean ok = true;
        for (Map.Entry<String, NodeTuple> entry : fields.all().entrySet()) {
            String category = entry.getKey();
            String path = key + "." + category;
            if (allowed != null && !allowed.containsKey(category)) {
                error(entry.getValue().getKeyNode(), path, "is not one of the program's categories");
                ok = false;
                continue;
            }
            BigDecimal ratio = ratio(entry.getValue().getValueNode(), path);
            if (ratio == null) {
                ok = false;
            } else {
                result.put(category, ratio);
            }
        }
        return ok && !fields.broken ? result : null;
    }

    private List<Program.Target> targets(Node node) {
        if (!(node instanceof SequenceNode sequence)) {
            error(node, "targets", "must be a list of { name, metric, goal, due }");
            return null;
        }
        List<Program.Target> targets = new ArrayList<>();
        int index = 0;
        for (Node item : sequence.getValue()) {
            String key = "targets[" + index++ + "]";
            if (!(item instanceof MappingNode mapping)) {
                error(item, key, "must be a mapping { name, metric, goal, due }");
                continue;
            }
            Fields fields = fields(mapping, key + ".");
            fields.rejectUnknown(List.of("name", "metric", "goal", "due"), List.of());
            String name = string(fields.required("name"), key + ".name");
            String metric = string(fields.required("metric"), key + ".metric");
            Node goalNode = fields.required("goal");
            String goalText = string(goalNode, key + ".goal");
            BigDecimal goal = null;
            if (goalText != null) {
                if (!DECIMAL.matcher(goalText).matches()) {
                    error(goalNode, key + ".goal", "must be a number: \"" + clip(goalText) + "\"");
                } else if (goalText.length() > MAX_NUMBER_CHARS) {
                    error(goalNode, key + ".goal", "is too large: " + clip(goalText));
                } else if (goalText.startsWith("-")) {
                    error(goalNode, key + ".goal", "must not be negative: " + clip(goalText));
                } else {
                    goal = new BigDecimal(goalText);
                }
            }
            LocalDate due = date(fields.required("due"), key + ".due");
            if (name != null && metric != null && goal != null && due != null) {
                targets.add(new Program.Target(name, metric, goal, due));
            }
        }
        return targets;
    }

    // ---------------------------------------------------------------- mappings

    private Fields fields(MappingNode mapping, String prefix) {
        Fields fields = new Fields(mapping, prefix);
        for (NodeTuple tuple : mapping.getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (!(keyNode instanceof ScalarNode scalar) || scalar.getValue().isEmpty()) {
                error(keyNode, prefix.isEmpty() ? "-" : prefix.substring(0, prefix.length() - 1),
                        "a key must be a plain name");
                fields.broken = true;
                continue;
            }
            String name = scalar.getValue();
            if (fields.tuples.containsKey(name)) {
                error(keyNode, prefix + name, "appears twice");
                fields.broken = true;
                continue;
            }
            fields.tuples.put(name, tuple);
        }
        return fields;
    }

    /** The keys of one mapping, with what was asked of them. */
    private final class Fields {
        final MappingNode mapping;
        final String prefix;
        final Map<String, NodeTuple> tuples = new LinkedHashMap<>();
        boolean broken;

        Fields(MappingNode mapping, String prefix) {
            this.mapping = mapping;
            this.prefix = prefix;
        }

        Map<String, NodeTuple> all() {
            return tuples;
        }

        Node node(String name) {
            NodeTuple tuple = tuples.get(name);
            return tuple == null ? mapping : tuple.getValueNode();
        }

        Node required(String name) {
            NodeTuple tuple = tuples.get(name);
            if (tuple == null) {
                error(mapping, prefix + name, "is missing");
                return null;
            }
            return tuple.getValueNode();
        }

        Node optional(String name) {
            NodeTuple tuple = tuples.get(name);
            return tuple == null ? null : tuple.getValueNode();
        }

        void rejectUnknown(List<String> required, List<String> optional) {
            Set<String> known = new java.util.HashSet<>(required);
            known.addAll(optional);
            for (Map.Entry<String, NodeTuple> entry : tuples.entrySet()) {
                if (!known.contains(entry.getKey())) {
                    error(entry.getValue().getKeyNode(), prefix + entry.getKey(), "unknown key");
                }
            }
        }
    }

    private void error(Node node, String key, String message) {
        errors.add(new ProgramError(file, line(node), key, message));
    }

    /** A value as quoted in an error: whole when short, else its start and an ellipsis. */
    private static String clip(String value) {
        return value.length() <= MAX_QUOTED_CHARS ? value : value.substring(0, MAX_QUOTED_CHARS - 1) + "…";
    }

    private static int line(Node node) {
        return node == null || node.getStartMark() == null ? 1 : node.getStartMark().getLine() + 1;
    }
}

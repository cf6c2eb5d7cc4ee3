package org.zhice.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * {@code manifest.properties} of a backup: what it holds and how to check it. Tables and
 * sequences keep their order (by name).
 */
final class Manifest {

    record Table(List<String> columns, long rows, String sm3) {
    }

    String format;
    String createdAt;
    String schemaVersion;
    String serverVersion;
    /** {@code KEY_CHECK_TEXT} encrypted with the personal-data key of the backed-up instance. */
    String dataKeyCheck;
    /** {@code <seq>:<hash hex>} of the ledger's chain head in the snapshot, empty without a ledger. */
    String ledgerHead = "";
    final Map<String, Table> tables = new LinkedHashMap<>();
    /** sequence name → last value, empty when the sequence was never used. */
    final Map<String, String> sequences = new LinkedHashMap<>();

    long rows() {
        return tables.values().stream().mapToLong(Table::rows).sum();
    }

    void store(OutputStream out) throws IOException {
        StringBuilder text = new StringBuilder();
        line(text, "format", format);
        line(text, "created-at", createdAt);
        line(text, "schema-version", schemaVersion);
        line(text, "server-version", serverVersion);
        line(text, "data-key-check", dataKeyCheck);
        line(text, "ledger-head", ledgerHead);
        line(text, "tables", String.join(",", tables.keySet()));
        tables.forEach((name, t) -> {
            line(text, "table." + name + ".columns", String.join(",", t.columns()));
            line(text, "table." + name + ".rows", Long.toString(t.rows()));
            line(text, "table." + name + ".sm3", t.sm3());
        });
        line(text, "sequences", String.join(",", sequences.keySet()));
        sequences.forEach((name, last) -> line(text, "sequence." + name, last));
        Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        w.write(text.toString());
        w.flush();
    }

    /** Reads a manifest; a missing or malformed key is an {@link IllegalArgumentException}. */
    static Manifest load(InputStream in) throws IOException {
        Properties p = new Properties();
        p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        Manifest m = new Manifest();
        m.format = required(p, "format");
        m.createdAt = required(p, "created-at");
        m.schemaVersion = required(p, "schema-version");
        m.serverVersion = required(p, "server-version");
        m.dataKeyCheck = required(p, "data-key-check");
        m.ledgerHead = p.getProperty("ledger-head", "");
        for (String table : names(required(p, "tables"))) {
            m.tables.put(table, new Table(names(required(p, "table." + table + ".columns")),
                    Long.parseLong(required(p, "table." + table + ".rows")),
                    required(p, "table." + table + ".sm3")));
        }
        for (String sequence : names(p.getProperty("sequences", ""))) {
            m.sequences.put(sequence, required(p, "sequence." + sequence));
        }
        return m;
    }

    private static List<String> names(String list) {
        return list.isEmpty() ? List.of() : Arrays.asList(list.split(","));
    }

    private static String required(Properties p, String key) {
        String value = p.getProperty(key);
        if (value == null) {
            throw new IllegalArgumentException("manifest without " + key);
        }
        return value;
    }

    private static void line(StringBuilder text, String key, String value) {
        // Properties escaping for keys and values: names are [a-z0-9_], values ASCII
        text.append(key).append('=').append(value.replace("\\", "\\\\")).append('\n');
    }
}

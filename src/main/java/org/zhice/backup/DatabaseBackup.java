package org.zhice.backup;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import javax.sql.DataSource;

import org.bouncycastle.crypto.digests.SM3Digest;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.springframework.stereotype.Component;
import org.zhice.shared.SensitiveData;

/**
 * A logical backup of the whole database through PostgreSQL's own {@code COPY}, for the embedded
 * and an external server alike, without client tools: the bundled PostgreSQL 17 has no
 * {@code pg_dump}, and Debian 12's {@code pg_dump} 15 refuses a newer server.
 *
 * <p>{@link #write} reads every table in one {@code REPEATABLE READ, READ ONLY} transaction, so
 * the backup is one consistent snapshot taken while the platform keeps running. The file is a
 * zip: one {@code data/<table>.copy} entry per table (COPY text format) and a
 * {@code manifest.properties} with the schema version, each table's columns, row count and SM3
 * digest, the sequences, the ledger's chain head and a value encrypted with the personal-data
 * key.
 *
 * <p>{@link #restore} loads a backup into a fresh instance of the same schema version (Flyway has
 * created the tables; nothing has been written): it checks first, and refuses without changing
 * anything, when the file is not a backup, the schema differs, the instance already holds data, or
 * the instance's personal-data key is not the one the backup's data was encrypted with. It then
 * replaces every table's rows in one transaction with triggers and foreign-key checks off
 * ({@code session_replication_role = replica}: the rows are an exact copy of a consistent
 * database, and the append-only guards would refuse the {@code TRUNCATE} of the seed rows), checks
 * each table's row count and digest against the manifest and sets the sequences.
 */
@Component
class DatabaseBackup {

    static final String FORMAT = "zhice-backup-1";
    static final String MANIFEST = "manifest.properties";
    static final String KEY_CHECK_TEXT = "zhice personal-data key check";
    static final String SCHEMA_HISTORY = "flyway_schema_history";
    /** Tables that a running platform writes first: a fresh instance has no row in any of them. */
    static final List<String> FRESHNESS_TABLES = List.of("app_user", "audit_log", "organisation", "ledger_transfer");

    private final DataSource dataSource;
    private final SensitiveData sensitiveData;
    private final Clock clock;

    DatabaseBackup(DataSource dataSource, SensitiveData sensitiveData, Clock clock) {
        this.dataSource = dataSource;
        this.sensitiveData = sensitiveData;
        this.clock = clock;
    }

    /** Writes a backup of the current database to {@code out} (not closed) and answers its manifest. */
    Manifest write(OutputStream out) throws IOException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("set transaction isolation level repeatable read, read only");
            }
            try {
                Manifest manifest = new Manifest();
                manifest.format = FORMAT;
                manifest.createdAt = OffsetDateTime.now(clock).toString();
                manifest.schemaVersion = schemaVersion(c);
                manifest.serverVersion = single(c, "show server_version");
                manifest.dataKeyCheck = sensitiveData.encrypt(KEY_CHECK_TEXT);
                CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
                ZipOutputStream zip = new ZipOutputStream(new NonClosing(out));
                for (String table : tables(c)) {
                    List<String> columns = columns(c, table);
                    zip.putNextEntry(new ZipEntry("data/" + table + ".copy"));
                    DigestingOutput digesting = new DigestingOutput(zip);
                    long rows = copy.copyOut("copy (select " + identifiers(columns) + " from " + identifier(table)
                            + ") to stdout", digesting);
                    digesting.flush();
                    zip.closeEntry();
                    manifest.tables.put(table, new Manifest.Table(columns, rows, digesting.hex()));
                }
                manifest.sequences.putAll(sequences(c));
                if (manifest.tables.containsKey("ledger_chain_head")) {
                    manifest.ledgerHead = single(c, "select seq || ':' || encode(hash, 'hex') from ledger_chain_head");
                }
                zip.putNextEntry(new ZipEntry(MANIFEST));
                manifest.store(zip);
                zip.closeEntry();
                zip.finish();
                c.commit();
                return manifest;
            } catch (SQLException | IOException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("backup failed: " + e.getMessage(), e);
        }
    }

    /** What a restore loaded. */
    record Restored(Manifest manifest, int tables, long rows) {
    }

    Restored restore(Path file) throws IOException {
        try (ZipFile zip = open(file); Connection c = dataSource.getConnection()) {
            Manifest manifest = manifest(file, zip);
            check(c, file, zip, manifest);
            c.setAutoCommit(false);
            try {
                try (Statement s = c.createStatement()) {
                    s.execute("set local session_replication_role = replica");
                } catch (SQLException e) {
                    throw new BackupException("backup.restore.replicationRole", e.getMessage());
                }
                try (Statement s = c.createStatement()) {
                    s.execute("truncate table " + identifiers(new ArrayList<>(manifest.tables.keySet())));
                }
                CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
                long total = 0;
                for (Map.Entry<String, Manifest.Table> e : manifest.tables.entrySet()) {
                    String table = e.getKey();
                    Manifest.Table expected = e.getValue();
                    ZipEntry entry = zip.getEntry("data/" + table + ".copy");
                    long rows;
                    String digest;
                    try (InputStream in = zip.getInputStream(entry)) {
                        DigestingInput digesting = new DigestingInput(in);
                        rows = copy.copyIn("copy " + identifier(table) + " (" + identifiers(expected.columns())
                                + ") from stdin", digesting);
                        digest = digesting.hex();
                    }
                    if (rows != expected.rows() || !digest.equals(expected.sm3())) {
                        throw new BackupException("backup.restore.damaged", file, table, expected.rows(), rows);
                    }
                    total += rows;
                }
                for (Map.Entry<String, String> s : manifest.sequences.entrySet()) {
                    try (PreparedStatement p = c.prepareStatement(s.getValue().isEmpty()
                            ? "select setval(?::regclass, (select start_value from pg_sequences"
                              + " where schemaname = current_schema() and sequencename = ?), false)"
                            : "select setval(?::regclass, ?, true)")) {
                        p.setString(1, identifier(s.getKey()));
                        if (s.getValue().isEmpty()) {
                            p.setString(2, s.getKey());
                        } else {
                            p.setLong(2, Long.parseLong(s.getValue()));
                        }
                        p.execute();
                    }
                }
                c.commit();
                return new Restored(manifest, manifest.tables.size(), total);
            } catch (SQLException | IOException | RuntimeException e) {
                c.rollback();
                if (e instanceof SQLException sql) {
                    throw new IllegalStateException("restore failed, nothing was changed: " + sql.getMessage(), sql);
                }
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void check(Connection c, Path file, ZipFile zip, Manifest manifest) throws SQLException {
        String version = schemaVersion(c);
        if (!version.equals(manifest.schemaVersion)) {
            throw new BackupException("backup.restore.schemaVersion", file, manifest.schemaVersion, version);
        }
        try {
            if (!KEY_CHECK_TEXT.equals(sensitiveData.decrypt(manifest.dataKeyCheck))) {
                throw new IllegalStateException("key check text differs");
            }
        } catch (RuntimeException wrongKey) {
            throw new BackupException("backup.restore.key", file);
        }
        List<String> tables = tables(c);
        for (String table : manifest.tables.keySet()) {
            if (!tables.contains(table)) {
                throw new BackupException("backup.restore.tableMissing", file, table);
            }
            if (!columns(c, table).equals(manifest.tables.get(table).columns())) {
                throw new BackupException("backup.restore.columns", file, table);
            }
            if (zip.getEntry("data/" + table + ".copy") == null) {
                throw new BackupException("backup.restore.damaged", file, table, manifest.tables.get(table).rows(), 0);
            }
        }
        for (String table : tables) {
            if (!manifest.tables.containsKey(table)) {
                throw new BackupException("backup.restore.tableExtra", file, table);
            }
        }
        for (String table : FRESHNESS_TABLES) {
            if (tables.contains(table)
                    && !single(c, "select exists (select 1 from " + identifier(table) + ")").equals("f")) {
                throw new BackupException("backup.restore.notFresh", table);
            }
        }
    }

    private static ZipFile open(Path file) {
        try {
            return new ZipFile(file.toFile());
        } catch (IOException e) {
            throw new BackupException("backup.restore.notBackup", file);
        }
    }

    private static Manifest manifest(Path file, ZipFile zip) throws IOException {
        ZipEntry entry = zip.getEntry(MANIFEST);
        if (entry == null) {
            throw new BackupException("backup.restore.notBackup", file);
        }
        try (InputStream in = zip.getInputStream(entry)) {
            Manifest manifest = Manifest.load(in);
            if (!FORMAT.equals(manifest.format)) {
                throw new BackupException("backup.restore.notBackup", file);
            }
            return manifest;
        } catch (IllegalArgumentException e) {
            throw new BackupException("backup.restore.notBackup", file);
        }
    }

    /** Ordinary tables of the application's schema, Flyway's history excepted, by name. */
    static List<String> tables(Connection c) throws SQLException {
        return strings(c, """
                select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where n.nspname = current_schema() and c.relkind in ('r', 'p') and not c.relispartition
                  and c.relname <> ?
                order by c.relname
                """, SCHEMA_HISTORY);
    }

    /** The columns a row is written with: generated columns are computed again on restore. */
    static List<String> columns(Connection c, String table) throws SQLException {
        return strings(c, """
                select a.attname from pg_attribute a
                join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
                where n.nspname = current_schema() and c.relname = ?
                  and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
                order by a.attnum
                """, table);
    }

    private static Map<String, String> sequences(Connection c) throws SQLException {
        Map<String, String> sequences = new LinkedHashMap<>();
        try (PreparedStatement p = c.prepareStatement("""
                select sequencename, last_value from pg_sequences where schemaname = current_schema()
                order by sequencename
                """); ResultSet r = p.executeQuery()) {
            while (r.next()) {
                String name = r.getString(1);
                long last = r.getLong(2);
                sequences.put(name, r.wasNull() ? "" : Long.toString(last));
            }
        }
        return sequences;
    }

    private static String schemaVersion(Connection c) throws SQLException {
        List<String> v = strings(c, "select version from " + SCHEMA_HISTORY
                + " where success and version is not null order by installed_rank desc limit 1");
        return v.isEmpty() ? "" : v.get(0);
    }

    private static String single(Connection c, String sql) throws SQLException {
        return strings(c, sql).get(0);
    }

    private static List<String> strings(Connection c, String sql, String... params) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                p.setString(i + 1, params[i]);
            }
            List<String> out = new ArrayList<>();
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(r.getString(1));
                }
            }
            return out;
        }
    }

    /** A quoted SQL identifier; the names come from the catalog, never from input. */
    static String identifier(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    private static String identifiers(List<String> names) {
        return String.join(", ", names.stream().map(DatabaseBackup::identifier).toList());
    }

    private static final class NonClosing extends FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }

    private static final class DigestingOutput extends FilterOutputStream {
        private final SM3Digest digest = new SM3Digest();

        DigestingOutput(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            digest.update((byte) b);
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            digest.update(b, off, len);
            out.write(b, off, len);
        }

        @Override
        public void close() {
            // the zip entry is closed by the caller
        }

        String hex() {
            return finish(digest);
        }
    }

    private static final class DigestingInput extends FilterInputStream {
        private final SM3Digest digest = new SM3Digest();

        DigestingInput(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                digest.update((byte) b);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                digest.update(b, off, n);
            }
            return n;
        }

        String hex() {
            return finish(digest);
        }
    }

    private static String finish(SM3Digest digest) {
        byte[] out = new byte[digest.getDigestSize()];
        digest.doFinal(out, 0);
        return HexFormat.of().formatHex(out);
    }
}

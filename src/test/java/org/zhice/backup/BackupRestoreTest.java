package org.zhice.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import org.zhice.ZhiceApplication;
import org.zhice.audit.AuditLog;
import org.zhice.ledger.Ledger;
import org.zhice.ledger.Verification;
import org.zhice.shared.SensitiveData;

/**
 * The documented procedure of docs/operations.md, "Backup and restore", end to end on real
 * embedded PostgreSQL instances: an instance with the demo year (ledger transfers of
 * reservations, redemptions, disbursements and clawbacks; people with SM4-encrypted ID and phone
 * numbers) is backed up live by {@code backup} connecting to its running database while it keeps
 * writing hash-chained audit entries; {@code restore}
 * refuses a fresh instance without the key and changes nothing, then restores into a fresh
 * instance that has the key; a normal start on the restored folder has a ledger that verifies
 * with the same chain head, the same balances and row counts in every table (the audit log: a
 * prefix of what was written during the backup, its hash chain intact), and personal data that
 * decrypts to the same values.
 */
class BackupRestoreTest {

    @TempDir
    Path dir;

    @Test
    void liveBackupRestoresIntoAFreshInstanceWithTheLedgerIntactAndPersonalDataReadable() throws Exception {
        Path source = dir.resolve("source");
        Path target = dir.resolve("target");
        Path file = dir.resolve("backups/zhice.backup");

        // 1. The running instance, with the demo year.
        Snapshot before;
        String port;
        long writtenDuringBackup;
        try (ConfigurableApplicationContext running = start(source, false)) {
            before = Snapshot.of(running);
            assertThat(before.verification.ok()).isTrue();
            assertThat(before.verification.transfers()).isGreaterThan(10);
            assertThat(before.encryptedPeople).isGreaterThan(0);
            port = Files.readString(source.resolve("postgres.port")).strip();

            // 2. ./zhice backup <file> while it runs and writes (hash-chained audit entries, one
            //    transaction each): the launcher points the command at its database.
            AuditLog audit = running.getBean(AuditLog.class);
            TransactionTemplate tx = running.getBean(TransactionTemplate.class);
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicLong written = new AtomicLong();
            Thread writer = new Thread(() -> {
                while (writing.get()) {
                    tx.executeWithoutResult(t -> audit.recordAs("backup-test", "test.write", "test",
                            Long.toString(written.get()), "written during the backup"));
                    written.incrementAndGet();
                }
            });
            try (ConfigurableApplicationContext command = command(source,
                    "--zhice.db.url=jdbc:postgresql://127.0.0.1:" + port + "/postgres", "--zhice.db.user=postgres")) {
                writer.start();
                while (written.get() == 0) {
                    Thread.onSpinWait();
                }
                Output out = new Output();
                int code = command.getBean(BackupCommand.class).run(new String[] {file.toString(), "--lang=en"},
                        out.stream, out.stream);
                writing.set(false);
                writer.join();
                assertThat(code).as(out.text()).isZero();
                assertThat(written.get()).isPositive();
                writtenDuringBackup = written.get();
                assertThat(out.text()).contains("Backup written").contains(file + ".key");
                // never overwrites
                Output again = new Output();
                assertThat(command.getBean(BackupCommand.class).run(new String[] {file.toString(), "--lang=zh-CN"},
                        again.stream, again.stream)).isEqualTo(1);
                assertThat(again.text()).contains("已存在");
            }
        }
        assertThat(file).isRegularFile();
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(Files.readString(dir.resolve("backups/zhice.backup.key")))
                .isEqualTo(Files.readString(source.resolve("data.key")));
        assertThat(Files.exists(dir.resolve("backups/zhice.backup.partial"))).isFalse();

        // 3. A fresh instance without the key: refused, nothing changed.
        try (ConfigurableApplicationContext fresh = command(target)) {
            Output out = new Output();
            int code = fresh.getBean(RestoreCommand.class).run(new String[] {file.toString(), "--lang=en"},
                    out.stream, out.stream);
            assertThat(code).isEqualTo(1);
            assertThat(out.text()).contains("personal-data key").contains("Nothing was changed");
            JdbcClient jdbc = fresh.getBean(JdbcClient.class);
            assertThat(jdbc.sql("select count(*) from app_user").query(Long.class).single()).isZero();
            assertThat(jdbc.sql("select count(*) from ledger_transfer").query(Long.class).single()).isZero();
        }

        // 4. The documented step: the key into the new data folder, then restore.
        Files.copy(dir.resolve("backups/zhice.backup.key"), target.resolve("data.key"),
                StandardCopyOption.REPLACE_EXISTING);
        try (ConfigurableApplicationContext fresh = command(target)) {
            Output out = new Output();
            int code = fresh.getBean(RestoreCommand.class).run(new String[] {file.toString(), "--lang=en"},
                    out.stream, out.stream);
            assertThat(code).as(out.text()).isZero();
            assertThat(out.text()).contains("Ledger verified").contains(before.verification.headHashHex());
            // a second restore into the now-filled instance is refused
            Output again = new Output();
            assertThat(fresh.getBean(RestoreCommand.class).run(new String[] {file.toString(), "--lang=en"},
                    again.stream, again.stream)).isEqualTo(1);
            assertThat(again.text()).contains("not fresh");
        }

        // 5. The restored instance started as usual.
        try (ConfigurableApplicationContext restored = start(target, false)) {
            Snapshot after = Snapshot.of(restored);
            assertThat(after.verification.ok()).isTrue();
            assertThat(after.verification.headSeq()).isEqualTo(before.verification.headSeq());
            assertThat(after.verification.headHashHex()).isEqualTo(before.verification.headHashHex());
            assertThat(after.verification.transfers()).isEqualTo(before.verification.transfers());
            assertThat(after.balances).isEqualTo(before.balances);
            // every table as before the backup, but the audit log: a consistent prefix of what was written meanwhile
            Map<String, Long> others = new LinkedHashMap<>(after.rowCounts);
            long auditRows = others.remove("audit_log");
            Map<String, Long> othersBefore = new LinkedHashMap<>(before.rowCounts);
            long auditBefore = othersBefore.remove("audit_log");
            assertThat(others).isEqualTo(othersBefore);
            assertThat(auditRows).isBetween(auditBefore, auditBefore + writtenDuringBackup);
            assertThat(after.audit.intact()).as(after.audit.problem()).isTrue();
            assertThat(after.audit.entriesChecked()).isGreaterThan(auditBefore - 1);
            assertThat(after.people).isEqualTo(before.people);
            Map<String, Long> sequences = new LinkedHashMap<>(after.sequences);
            Map<String, Long> sequencesBefore = new LinkedHashMap<>(before.sequences);
            long auditSequence = sequences.remove("audit_log_id_seq");
            sequencesBefore.remove("audit_log_id_seq");
            assertThat(sequences).isEqualTo(sequencesBefore);
            assertThat(auditSequence).isGreaterThanOrEqualTo(restored.getBean(JdbcClient.class)
                    .sql("select max(id) from audit_log").query(Long.class).single());
        }
    }

    @Test
    void aFileThatIsNotABackupOrIsDamagedIsRefusedAndChangesNothing() throws Exception {
        Path target = dir.resolve("target");
        Path notBackup = dir.resolve("notes.txt");
        Files.writeString(notBackup, "not a backup");
        try (ConfigurableApplicationContext fresh = command(target)) {
            Output out = new Output();
            assertThat(fresh.getBean(RestoreCommand.class).run(new String[] {notBackup.toString(), "--lang=zh-CN"},
                    out.stream, out.stream)).isEqualTo(1);
            assertThat(out.text()).contains("不是 Zhice 备份文件").contains(notBackup.toString());

            // a backup of this (empty) instance, one byte of a table's data changed inside the zip
            Path file = dir.resolve("empty.backup");
            try (var o = Files.newOutputStream(file)) {
                fresh.getBean(DatabaseBackup.class).write(o);
            }
            Path damaged = dir.resolve("damaged.backup");
            damage(file, damaged, "data/region.copy");
            Output broken = new Output();
            assertThat(fresh.getBean(RestoreCommand.class).run(new String[] {damaged.toString(), "--lang=en"},
                    broken.stream, broken.stream)).isEqualTo(1);
            assertThat(broken.text()).contains("table region").contains("damaged").contains("Nothing was changed");
            JdbcClient jdbc = fresh.getBean(JdbcClient.class);
            assertThat(jdbc.sql("select count(*) from region").query(Long.class).single()).isPositive();
        }
    }

    /** Rewrites the zip with {@code entry}'s first data byte changed. */
    private static void damage(Path from, Path to, String entry) throws Exception {
        try (var in = new java.util.zip.ZipInputStream(Files.newInputStream(from));
             var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(to))) {
            for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                byte[] bytes = in.readAllBytes();
                if (e.getName().equals(entry)) {
                    bytes[0] = (byte) (bytes[0] == '9' ? '8' : '9');
                }
                out.putNextEntry(new java.util.zip.ZipEntry(e.getName()));
                out.write(bytes);
                out.closeEntry();
            }
        }
    }

    /** The platform as {@code ./zhice} starts it (no web server needed here), on {@code dataDir}. */
    private static ConfigurableApplicationContext start(Path dataDir, boolean clean) {
        return new SpringApplicationBuilder(ZhiceApplication.class).web(WebApplicationType.NONE)
                .run("--zhice.data-dir=" + dataDir, "--zhice.db.embedded.clean=" + clean, "--zhice.demo.enabled=true",
                        "--zhice.db.pool-size=5", "--zhice.db.url=", "--zhice.data-key=");
    }

    /** A database command as {@code ./zhice <command>} runs it: profile {@code command}, no web server. */
    private static ConfigurableApplicationContext command(Path dataDir, String... more) {
        List<String> args = new ArrayList<>(List.of("--zhice.data-dir=" + dataDir, "--zhice.db.embedded.clean=false",
                "--zhice.db.pool-size=3", "--zhice.data-key="));
        args.addAll(List.of(more));
        if (args.stream().noneMatch(a -> a.startsWith("--zhice.db.url="))) {
            args.add("--zhice.db.url=");
        }
        return new SpringApplicationBuilder(ZhiceApplication.class).web(WebApplicationType.NONE)
                .profiles("command").run(args.toArray(String[]::new));
    }

    record Snapshot(Verification verification, Map<String, Long> rowCounts, List<Map<String, Object>> balances,
                    Map<String, String> people, int encryptedPeople, Map<String, Long> sequences,
                    AuditLog.Verification audit) {

        static Snapshot of(ConfigurableApplicationContext context) throws Exception {
            JdbcClient jdbc = context.getBean(JdbcClient.class);
            SensitiveData sensitive = context.getBean(SensitiveData.class);
            Map<String, Long> rows = new LinkedHashMap<>();
            try (var c = context.getBean(javax.sql.DataSource.class).getConnection()) {
                for (String table : DatabaseBackup.tables(c)) {
                    rows.put(table, jdbc.sql("select count(*) from " + DatabaseBackup.identifier(table))
                            .query(Long.class).single());
                }
            }
            Map<String, String> people = new LinkedHashMap<>();
            int[] encrypted = new int[1];
            jdbc.sql("select person_id, id_number, phone from person order by person_id").query(r -> {
                String id = r.getString(2);
                String phone = r.getString(3);
                if (id != null && id.startsWith("sm4:")) {
                    encrypted[0]++;
                }
                people.put(r.getString(1), sensitive.decrypt(id) + "|" + sensitive.decrypt(phone));
            });
            Map<String, Long> sequences = new LinkedHashMap<>();
            jdbc.sql("select sequencename, coalesce(last_value, 0) from pg_sequences where schemaname = current_schema()")
                    .query(r -> {
                        sequences.put(r.getString(1), r.getLong(2));
                    });
            return new Snapshot(context.getBean(Ledger.class).verify(), rows,
                    jdbc.sql("""
                            select id, code, debits_pending, debits_posted, credits_pending, credits_posted
                            from ledger_account order by id
                            """).query().listOfRows(),
                    people, encrypted[0], sequences, context.getBean(AuditLog.class).verify());
        }
    }

    static final class Output {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }
}

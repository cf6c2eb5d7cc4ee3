package org.zhice.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.zhice.ZhiceApplication;

/**
 * The external-database procedure of docs/operations.md, "Backup and restore", with the real
 * PostgreSQL tools: a PostgreSQL server from the machine's packages ({@code /usr/lib/postgresql/<n>},
 * Debian's {@code postgresql}; {@code .ci/run} installs it), Zhice with the demo year running on it
 * as a non-superuser owner, {@code pg_dump -Fc}, {@code pg_restore --no-owner} into a new empty
 * database, Zhice started on that: the ledger verifies with the same chain head, balances, row
 * counts, sequences and decrypted personal data are the same. Skipped with a message when no
 * PostgreSQL server is installed, except under {@code CI=true}, where that fails.
 */
class ExternalPostgresBackupTest {

    static final String KEY = "00112233445566778899aabbccddeeff";

    @TempDir
    Path dir;

    @Test
    void pgDumpAndPgRestoreOfAnExternalDatabaseRestoreAVerifiableLedger() throws Exception {
        Optional<Path> bin = postgresBin();
        if (bin.isEmpty() && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI=true but no PostgreSQL server in /usr/lib/postgresql/<n>/bin: "
                    + "apt-get install postgresql (see .ci/run)");
        }
        assumeThat(bin).as("no PostgreSQL server in /usr/lib/postgresql/<n>/bin (apt-get install postgresql); "
                + "the external-database backup test is skipped").isPresent();
        Path pgData = dir.resolve("pg");
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            run(dir, "chown", "-R", "postgres", dir.toString());
        }
        run(dir, asPostgres(root, bin.get().resolve("initdb").toString(), "-D", pgData.toString(), "-U", "postgres",
                "-A", "trust", "-E", "UTF8", "--locale=C"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process server = new ProcessBuilder(asPostgres(root, bin.get().resolve("postgres").toString(), "-D",
                pgData.toString(), "-p", Integer.toString(port), "-k", dir.toString(),
                "-c", "listen_addresses=127.0.0.1", "-c", "timezone=Asia/Shanghai"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile()).start();
        try {
            String admin = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
            awaitServer(admin, server);
            sql(admin, "create role zhice login password 'zhice-test'",
                    "create database zhice owner zhice", "create database zhice_restored owner zhice");
            String url = "jdbc:postgresql://127.0.0.1:" + port + "/";

            BackupRestoreTest.Snapshot before;
            try (ConfigurableApplicationContext running = start(url + "zhice")) {
                before = BackupRestoreTest.Snapshot.of(running);
            }
            assertThat(before.verification().ok()).isTrue();
            assertThat(before.verification().transfers()).isGreaterThan(10);
            assertThat(before.encryptedPeople()).isGreaterThan(0);

            // the documented commands, as the zhice user (no superuser needed)
            Path dump = dir.resolve("zhice.dump");
            run(dir, List.of(bin.get().resolve("pg_dump").toString(), "-h", "127.0.0.1", "-p", Integer.toString(port),
                    "-U", "zhice", "-Fc", "-f", dump.toString(), "zhice"));
            run(dir, List.of(bin.get().resolve("pg_restore").toString(), "-h", "127.0.0.1", "-p",
                    Integer.toString(port), "-U", "zhice", "-d", "zhice_restored", "--no-owner", "--exit-on-error",
                    dump.toString()));

            try (ConfigurableApplicationContext restored = start(url + "zhice_restored")) {
                BackupRestoreTest.Snapshot after = BackupRestoreTest.Snapshot.of(restored);
                assertThat(after.verification().ok()).isTrue();
                assertThat(after.verification().headHashHex()).isEqualTo(before.verification().headHashHex());
                assertThat(after.verification().transfers()).isEqualTo(before.verification().transfers());
                assertThat(after.balances()).isEqualTo(before.balances());
                assertThat(after.rowCounts()).isEqualTo(before.rowCounts());
                assertThat(after.people()).isEqualTo(before.people());
                assertThat(after.sequences()).isEqualTo(before.sequences());
            }
        } finally {
            server.destroy(); // SIGTERM: smart shutdown, the contexts have closed their pools
            if (!server.waitFor(60, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    private static ConfigurableApplicationContext start(String url) {
        return new SpringApplicationBuilder(ZhiceApplication.class).web(WebApplicationType.NONE)
                .run("--zhice.db.url=" + url, "--zhice.db.user=zhice", "--zhice.db.password=zhice-test",
                        "--zhice.data-key=" + KEY, "--zhice.demo.enabled=true", "--zhice.db.pool-size=5");
    }

    /** The newest {@code /usr/lib/postgresql/<n>/bin} with a server and the dump tools. */
    static Optional<Path> postgresBin() throws IOException {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Stream.of("initdb", "postgres", "pg_dump", "pg_restore")
                            .allMatch(t -> Files.isExecutable(b.resolve(t))))
                    .max(Comparator.comparingInt(b -> Integer.parseInt(
                            b.getParent().getFileName().toString().replaceAll("\\D", "0"))));
        }
    }

    /** PostgreSQL's server refuses to run as root: then it runs as the postgres user. */
    private static List<String> asPostgres(boolean root, String... command) {
        List<String> all = new ArrayList<>();
        if (root) {
            all.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        all.addAll(List.of(command));
        return all;
    }

    private static void run(Path dir, String... command) throws Exception {
        run(dir, List.of(command));
    }

    private static void run(Path dir, List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + "\n" + out).isZero();
    }

    private static void awaitServer(String url, Process server) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
                return;
            } catch (java.sql.SQLException notYet) {
                if (!server.isAlive() || System.nanoTime() > until) {
                    throw new AssertionError("the PostgreSQL server did not start", notYet);
                }
                Thread.sleep(200);
            }
        }
    }

    private static void sql(String url, String... statements) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }
}

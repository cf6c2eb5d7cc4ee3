package org.zhice.shared.database;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What a start does with the {@code postmaster.pid} it finds, with stand-ins for PostgreSQL
 * ({@code sleep} copied to a file named {@code postgres}). The real thing, a JVM killed with its
 * server left running, is {@code org.zhice.crash.CrashSafetyTest}.
 */
class OrphanedPostmasterTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    private Path pgData;
    private Path sleep;
    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void findSleep() throws IOException {
        sleep = List.of(Path.of("/usr/bin/sleep"), Path.of("/bin/sleep")).stream().filter(Files::isExecutable)
                .findFirst().orElse(null);
        assumeTrue(sleep != null, "needs /usr/bin/sleep");
        pgData = Files.createDirectories(dir.resolve("postgres"));
    }

    @AfterEach
    void stopStandIns() throws InterruptedException {
        for (Process p : started) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aPostgresLeftByADeadJvmIsStopped() throws Exception {
        Process orphan = run(standIn("postgres"));
        pidFile(orphan.pid());

        OrphanedPostmaster.stop(pgData, WAIT);

        assertThat(orphan.waitFor(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aServerWhoseOwnerStillRunsIsLeftAloneAndTheStartRefused() throws Exception {
        Process server = run(standIn("postgres"));
        pidFile(server.pid());
        try (FileChannel channel = FileChannel.open(pgData.resolve(OrphanedPostmaster.OWNER_LOCK),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock owner = channel.lock()) {
            assertThatThrownBy(() -> OrphanedPostmaster.stop(pgData, WAIT))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(pgData.toString())
                    .hasMessageContaining("in use by another running Zhice");
        }
        assertThat(server.isAlive()).isTrue();
    }

    @Test
    void aPidThatAnotherProgramNowHasIsAStaleFileAndRemoved() throws Exception {
        Process other = run(sleep);
        pidFile(other.pid());

        OrphanedPostmaster.stop(pgData, WAIT);

        assertThat(pgData.resolve(OrphanedPostmaster.PID_FILE)).doesNotExist();
        assertThat(other.isAlive()).isTrue();
    }

    @Test
    void aPidFileOfAProcessThatIsGoneIsLeftToPostgres() throws Exception {
        Process gone = run(sleep);
        gone.destroyForcibly();
        gone.waitFor();
        pidFile(gone.pid());

        OrphanedPostmaster.stop(pgData, WAIT);

        assertThat(pgData.resolve(OrphanedPostmaster.PID_FILE)).exists();
    }

    private Path standIn(String name) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path copy = bin.resolve(name);
        Files.copy(sleep, copy);
        assertThat(copy.toFile().setExecutable(true)).isTrue();
        return copy;
    }

    private Process run(Path binary) throws IOException {
        Process p = new ProcessBuilder(binary.toString(), "60").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        started.add(p);
        return p;
    }

    /** postmaster.pid as PostgreSQL writes it: the pid, the data folder, the start time, the port, … */
    private void pidFile(long pid) throws IOException {
        Files.writeString(pgData.resolve(OrphanedPostmaster.PID_FILE),
                pid + "\n" + pgData + "\n1764400000\n5432\n/tmp\nlocalhost\n  5432001    32768\nready   \n",
                StandardCharsets.US_ASCII);
    }
}

package org.zhice.crash;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The platform as an operator runs it: {@code java … org.zhice.ZhiceApplication} in its own
 * process, on the test's classpath (without the test classes), with its embedded PostgreSQL
 * under its own data folder. It can be killed as hard as a machine can die: the JVM alone
 * (SIGKILL; the embedded PostgreSQL, which {@code pg_ctl} started detached, lives on) or the JVM
 * and every PostgreSQL process (as a power loss would, but for the disk cache).
 */
final class Platform {

    static final String DATA_KEY = "0123456789abcdef0123456789abcdef";

    private final Path dataDir;
    private final Path programs;
    private final Path logs;
    private final int httpPort;
    Process process;
    int starts;

    Platform(Path dataDir, Path programs, Path logs, int httpPort) {
        this.dataDir = dataDir;
        this.programs = programs;
        this.logs = logs;
        this.httpPort = httpPort;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + httpPort + path);
    }

    Path log() {
        return logs.resolve("start-" + starts + ".log");
    }

    void start() throws IOException {
        starts++;
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx512m", "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-Dfile.encoding=UTF-8", "-cp", classPath(), "org.zhice.ZhiceApplication",
                "--server.port=" + httpPort, "--server.address=127.0.0.1", "--zhice.data-dir=" + dataDir,
                "--zhice.programs.dir=" + programs, "--zhice.demo.enabled=false", "--zhice.db.pool-size=10"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log().toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("ZHICE_") || k.startsWith("SPRING_"));
        env.put("ZHICE_DATA_KEY", DATA_KEY);
        process = builder.start();
    }

    /** SIGKILL to the JVM; with {@code powerLoss} SIGKILL to every PostgreSQL process of the data folder too. */
    void kill(boolean powerLoss) throws InterruptedException {
        List<ProcessHandle> postgres = postgresProcesses();
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the platform survived SIGKILL");
        }
        if (powerLoss) {
            postgres.forEach(ProcessHandle::destroyForcibly);
            for (ProcessHandle p : postgres) {
                p.onExit().completeOnTimeout(p, 30, TimeUnit.SECONDS).join();
            }
        } else if (postgres.stream().noneMatch(ProcessHandle::isAlive)) {
            System.out.println("(no PostgreSQL was running when the JVM was killed)");
        }
    }

    /** A normal stop (SIGTERM, the platform stops its PostgreSQL); then whatever is left is killed. */
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
        List<ProcessHandle> left = postgresProcesses();
        if (!left.isEmpty()) {
            System.out.println("stopping " + left.size() + " PostgreSQL processes left behind");
            left.get(0).destroy(); // the postmaster: a shutdown first
            left.get(0).onExit().completeOnTimeout(left.get(0), 20, TimeUnit.SECONDS).join();
            left.forEach(ProcessHandle::destroyForcibly);
            for (ProcessHandle p : left) {
                p.onExit().completeOnTimeout(p, 20, TimeUnit.SECONDS).join();
            }
        }
    }

    int databasePort() throws IOException {
        return Integer.parseInt(Files.readString(dataDir.resolve("postgres.port"), StandardCharsets.UTF_8).strip());
    }

    /** The running postmaster of the data folder (first) and its children, found through postmaster.pid. */
    List<ProcessHandle> postgresProcesses() {
        Path pidFile = dataDir.resolve("postgres").resolve("postmaster.pid");
        Optional<ProcessHandle> postmaster;
        try {
            List<String> lines = Files.exists(pidFile) ? Files.readAllLines(pidFile) : List.of();
            postmaster = lines.isEmpty() ? Optional.empty() : ProcessHandle.of(Long.parseLong(lines.get(0).strip()));
        } catch (IOException | NumberFormatException e) {
            postmaster = Optional.empty();
        }
        List<ProcessHandle> all = new ArrayList<>();
        postmaster.filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.endsWith("/postgres")).orElse(false))
                .ifPresent(p -> {
                    all.add(p);
                    p.descendants().forEach(all::add);
                });
        return all;
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /**
     * The test's classpath without test classes: component scanning would otherwise find test
     * configurations (a fixed clock, say) in the platform.
     */
    private static String classPath() {
        String path = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return Arrays.stream(path.split(File.pathSeparator))
                .filter(e -> !e.isBlank())
                .filter(e -> !Path.of(e).getFileName().toString().equals("test-classes"))
                .collect(Collectors.joining(File.pathSeparator));
    }
}

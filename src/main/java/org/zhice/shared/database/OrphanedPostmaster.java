package org.zhice.shared.database;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL outlives a JVM that dies without shutting down (SIGKILL, the OOM
 * killer, a supervisor's hard stop): {@code pg_ctl} starts it detached, and only a normal
 * shutdown stops it. The orphan still holds the data folder, so the next start would fail
 * ("lock file postmaster.pid already exists") after waiting for a server that never comes.
 *
 * <p>Before the embedded server starts, {@link #stop} finds such an orphan through
 * {@code postmaster.pid} and shuts it down (what was committed is on disk; transactions the dead
 * JVM left open roll back), so the new server starts on the same data and nothing committed is
 * lost. It touches a running postmaster only when no live JVM holds the data folder's
 * {@code epg-lock} (the lock the embedded server's owner keeps while it runs, and that the kernel
 * drops when that JVM dies); a live owner makes the start fail, naming the folder.
 * A {@code postmaster.pid} whose process is gone is left to PostgreSQL, which removes it and
 * recovers from its WAL; one whose number now belongs to another program (a reboot reused it)
 * is removed here, since PostgreSQL would refuse to start on it.
 */
final class OrphanedPostmaster {

    private static final Logger log = LoggerFactory.getLogger(OrphanedPostmaster.class);

    /** The lock file that io.zonky's EmbeddedPostgres holds in the data folder while it runs. */
    static final String OWNER_LOCK = "epg-lock";
    static final String PID_FILE = "postmaster.pid";

    private OrphanedPostmaster() {
    }

    /** Stops the postmaster of {@code pgData} left by a JVM that died; waits at most {@code wait} per step. */
    static void stop(Path pgData, Duration wait) throws IOException {
        Path pidFile = pgData.resolve(PID_FILE);
        if (!Files.exists(pidFile)) {
            return;
        }
        Path lockFile = pgData.resolve(OWNER_LOCK);
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = tryLock(channel)) {
            if (lock == null) {
                throw new IllegalStateException("the embedded PostgreSQL data folder " + pgData
                        + " is in use by another running Zhice (it holds " + lockFile + "); stop that one first");
            }
            Optional<ProcessHandle> postmaster = readPid(pidFile).flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive);
            if (postmaster.isEmpty()) {
                return; // stale: PostgreSQL removes it and recovers from its WAL
            }
            ProcessHandle handle = postmaster.get();
            Optional<Path> command = handle.info().command().map(Path::of);
            if (command.isEmpty()) {
                return; // cannot tell what it is (another user's process): leave it to PostgreSQL
            }
            if (!command.get().getFileName().toString().equals("postgres")) {
                log.warn("{} names process {} ({}), which is not PostgreSQL: the file is stale, removing it",
                        pidFile, handle.pid(), command.get());
                Files.delete(pidFile);
                return;
            }
            log.warn("the embedded PostgreSQL (pid {}) of {} outlived the JVM that started it; stopping it before "
                    + "starting again", handle.pid(), pgData);
            shutDown(handle, pgData, wait);
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null; // held by this very JVM: another embedded server on the same folder
        }
    }

    private static Optional<Long> readPid(Path pidFile) throws IOException {
        List<String> lines = Files.readAllLines(pidFile, StandardCharsets.US_ASCII);
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(lines.get(0).strip()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * SIGTERM first: PostgreSQL's smart shutdown, which refuses new sessions and waits for the
     * open ones, and those belonged to the dead JVM, whose sockets the kernel has closed; then a
     * shutdown checkpoint. (Not {@code pg_ctl stop}: it refuses to run as root, and the embedded
     * server may run under a user namespace.) Only a server that does not stop in time is killed
     * with its children, which costs a crash recovery from the WAL on start, nothing committed.
     */
    private static void shutDown(ProcessHandle postmaster, Path pgData, Duration wait) {
        List<ProcessHandle> children = postmaster.descendants().toList();
        postmaster.destroy();
        if (!exited(postmaster, wait)) {
            log.warn("PostgreSQL {} does not stop; killing it (it recovers from its WAL on start)", postmaster.pid());
            postmaster.destroyForcibly();
            children.forEach(ProcessHandle::destroyForcibly);
            exited(postmaster, wait);
        }
        for (ProcessHandle child : children) {
            if (!exited(child, wait)) {
                child.destroyForcibly();
                exited(child, wait);
            }
        }
        if (postmaster.isAlive()) {
            throw new IllegalStateException("cannot stop the orphaned PostgreSQL " + postmaster.pid() + " of " + pgData);
        }
    }

    private static boolean exited(ProcessHandle process, Duration wait) {
        try {
            process.onExit().get(wait.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return !process.isAlive();
        } catch (ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }
}

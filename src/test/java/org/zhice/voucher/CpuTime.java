package org.zhice.voucher;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time of a piece of work that runs on this thread and in the embedded PostgreSQL: this
 * thread's CPU time plus that of the postmaster and every process under it (Linux {@code /proc};
 * zero for PostgreSQL elsewhere). Unlike wall-clock time it moves little when other builds share
 * the machine.
 */
final class CpuTime {

    private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux

    private final long postmaster;

    /** @param backendPid the process id of any PostgreSQL backend ({@code select pg_backend_pid()}) */
    CpuTime(long backendPid) {
        long parent;
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(backendPid), "stat"));
            parent = Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]);
        } catch (IOException | RuntimeException e) {
            parent = -1;
        }
        this.postmaster = parent;
    }

    /** Nanoseconds of CPU so far: this thread's and PostgreSQL's. */
    long nanos() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() + postgresNanos();
    }

    long postgresNanos() {
        try {
            if (postmaster <= 0) {
                return 0;
            }
            Map<Long, List<Long>> children = new HashMap<>();
            Map<Long, Long> ticks = new HashMap<>();
            try (var procs = Files.list(Path.of("/proc"))) {
                for (Path p : (Iterable<Path>) procs::iterator) {
                    String name = p.getFileName().toString();
                    if (!name.chars().allMatch(Character::isDigit)) {
                        continue;
                    }
                    String stat;
                    try {
                        stat = Files.readString(p.resolve("stat"));
                    } catch (IOException gone) {
                        continue;
                    }
                    // pid (comm) state ppid ... utime(14) stime(15) cutime(16) cstime(17)
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long pid = Long.parseLong(name);
                    children.computeIfAbsent(Long.parseLong(f[1]), k -> new ArrayList<>()).add(pid);
                    ticks.put(pid, Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13])
                            + Long.parseLong(f[14]));
                }
            }
            long total = 0;
            List<Long> todo = new ArrayList<>(List.of(postmaster));
            while (!todo.isEmpty()) {
                long pid = todo.remove(todo.size() - 1);
                total += ticks.getOrDefault(pid, 0L);
                todo.addAll(children.getOrDefault(pid, List.of()));
            }
            return total * 1_000_000_000L / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}

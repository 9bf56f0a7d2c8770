package dev.portcullis.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * CPU time of a process and all its descendants, from {@code /proc/PID/stat} (proc(5)). A tree, because squid does
 * its work in a child of the pid it records and squid-bump's certificates are made by helper processes. Each
 * process counts utime + stime + cutime + cstime: a descendant that exits is reaped into its parent's c-times, so it
 * is counted once either way.
 */
final class CpuMeter {

    /** The clock-tick rate assumed when {@code getconf CLK_TCK} cannot be run: 100 Hz. */
    static final long DEFAULT_TICKS_PER_SECOND = 100;

    private final Path proc;
    private final long ticksPerSecond;

    /**
     * @param proc           the proc file system root, normally {@code /proc}
     * @param ticksPerSecond the unit of the times in {@code stat}
     */
    CpuMeter(Path proc, long ticksPerSecond) {
        this.proc = proc;
        this.ticksPerSecond = ticksPerSecond;
    }

    /** A meter over {@code /proc} with the tick rate of {@code getconf CLK_TCK}. */
    static CpuMeter system() {
        return new CpuMeter(Path.of("/proc"), clockTicks());
    }

    /** Clock ticks per second. */
    long ticksPerSecond() {
        return ticksPerSecond;
    }

    /**
     * The CPU time so far of {@code pid} and its descendants, in clock ticks.
     *
     * @throws IOException if {@code pid} does not exist
     */
    long treeTicks(long pid) throws IOException {
        long ticks = 0;
        for (Stat stat : tree(proc, pid).values()) {
            ticks += stat.ticks();
        }
        return ticks;
    }

    /**
     * The stat of {@code pid} and of each of its descendants, by pid; {@code pid} first.
     *
     * @param proc the proc file system root, normally {@code /proc}
     * @throws IOException if {@code pid} does not exist
     */
    static Map<Long, Stat> tree(Path proc, long pid) throws IOException {
        Map<Long, Stat> all = new HashMap<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(proc, "[0-9]*")) {
            for (Path dir : dirs) {
                try {
                    Stat stat = Stat.parse(Files.readString(dir.resolve("stat"), StandardCharsets.ISO_8859_1));
                    all.put(Long.parseLong(dir.getFileName().toString()), stat);
                } catch (IOException | NumberFormatException e) {
                    // The process exited while the directory was listed, or the entry is not a process: its time
                    // is in its parent's c-times by now, or it never was a process.
                }
            }
        }
        if (!all.containsKey(pid)) {
            throw new IOException("process " + pid + " does not exist");
        }
        Map<Long, List<Long>> children = new HashMap<>();
        all.forEach((p, stat) -> children.computeIfAbsent(stat.ppid(), k -> new ArrayList<>()).add(p));
        Map<Long, Stat> tree = new LinkedHashMap<>();
        Deque<Long> unvisited = new ArrayDeque<>(List.of(pid));
        // Bounded by the number of processes listed: each is visited once, as ppid links form a tree.
        for (int visited = 0; !unvisited.isEmpty() && visited <= all.size(); visited++) {
            long p = unvisited.pop();
            tree.put(p, all.get(p));
            unvisited.addAll(children.getOrDefault(p, List.of()));
        }
        return tree;
    }

    /** Microseconds in {@code ticks} clock ticks. */
    double micros(long ticks) {
        return ticks * 1e6 / ticksPerSecond;
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            if (!p.waitFor(2, TimeUnit.SECONDS)) {
                p.destroy();
                return DEFAULT_TICKS_PER_SECOND;
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            long ticks = Long.parseLong(out);
            return ticks > 0 ? ticks : DEFAULT_TICKS_PER_SECOND;
        } catch (IOException | NumberFormatException e) {
            return DEFAULT_TICKS_PER_SECOND;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return DEFAULT_TICKS_PER_SECOND;
        }
    }

    /**
     * The fields of one {@code /proc/PID/stat} line that matter here.
     *
     * @param ppid  the parent process id (field 4)
     * @param ticks utime + stime + cutime + cstime (fields 14-17)
     */
    record Stat(long ppid, long ticks) {

        /**
         * Parses a stat line. The command name (field 2) is in parentheses and may itself hold spaces and
         * parentheses, so fields are counted from the last ')'.
         *
         * @throws NumberFormatException if the line is not a stat line
         */
        static Stat parse(String line) {
            int close = line.lastIndexOf(')');
            if (close < 0) {
                throw new NumberFormatException("no ')' in stat line");
            }
            String[] f = line.substring(close + 1).trim().split(" +");
            if (f.length < 15) {
                throw new NumberFormatException("stat line has " + f.length + " fields after the name");
            }
            // f[0] is field 3 (state), so field n is f[n - 3].
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13])
                    + Long.parseLong(f[14]);
            return new Stat(Long.parseLong(f[1]), ticks);
        }
    }
}

package dev.portcullis.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The memory of a target's process: its resident set ({@code VmRSS} of {@code /proc/PID/status}, proc(5)), summed
 * over the process and its descendants as {@link CpuMeter} does for CPU; and, for a JVM, its heap in use right after
 * a full collection ({@code jcmd PID GC.run}, then the used columns of {@code jstat -gc PID}), which is the live heap
 * and, unlike the RSS, does not depend on how much the collector keeps committed.
 */
final class MemoryMeter {

    /** How long one {@code jcmd} or {@code jstat} may take: a full GC of a large heap takes seconds, not minutes. */
    static final long TOOL_TIMEOUT_SECONDS = 120;

    /** The {@code jstat -gc} columns whose sum is the heap in use: both survivor spaces, eden and the old space. */
    static final List<String> HEAP_USED_COLUMNS = List.of("S0U", "S1U", "EU", "OU");

    private final Path proc;
    private final Path tools;

    /**
     * @param proc  the proc file system root, normally {@code /proc}
     * @param tools the directory holding {@code jcmd} and {@code jstat}
     */
    MemoryMeter(Path proc, Path tools) {
        this.proc = proc;
        this.tools = tools;
    }

    /** A meter over {@code /proc} using the tools of the JDK running the bench. */
    static MemoryMeter system() {
        return new MemoryMeter(Path.of("/proc"), Path.of(System.getProperty("java.home"), "bin"));
    }

    /**
     * One reading of a process.
     *
     * @param rssBytes  the resident set of the process tree
     * @param heapBytes the heap in use after a full GC, or {@code null} for a process that is not a JVM or whose heap
     *                  could not be read
     * @param note      why the heap was not read when it should have been, or an empty string
     */
    record Reading(long rssBytes, Long heapBytes, String note) {
    }

    /**
     * Reads a process: the heap first (its full GC frees what it frees), then the RSS.
     *
     * @throws IOException if the process does not exist
     */
    Reading read(long pid) throws IOException {
        Long heap = null;
        String note = "";
        if (isJava(pid)) {
            try {
                heap = heapAfterFullGc(pid);
            } catch (IOException e) {
                note = "heap not measured: " + e.getMessage();
            }
        }
        return new Reading(rssBytes(pid), heap, note);
    }

    /** Whether the process runs a {@code java} executable, the JVMs that {@code jcmd} can attach to. */
    boolean isJava(long pid) {
        try {
            Path exe = Files.readSymbolicLink(proc.resolve(Long.toString(pid)).resolve("exe"));
            return exe.getFileName() != null && exe.getFileName().toString().equals("java");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /**
     * The resident set of {@code pid} and its descendants, in bytes. A descendant that exits meanwhile is left out.
     *
     * @throws IOException if {@code pid} does not exist
     */
    long rssBytes(long pid) throws IOException {
        long kib = 0;
        for (long p : CpuMeter.tree(proc, pid).keySet()) {
            try {
                kib += vmRssKib(Files.readString(proc.resolve(Long.toString(p)).resolve("status"),
                        StandardCharsets.ISO_8859_1));
            } catch (IOException e) {
                if (p == pid) {
                    throw new IOException("cannot read the status of process " + pid + ": " + e.getMessage(), e);
                }
            }
        }
        return kib * 1024;
    }

    /**
     * The heap in use after a full collection. Two collections: objects whose last reference the first one cleared
     * from a reference queue (cleaners of closed sockets, for instance) are freed by the second.
     *
     * @throws IOException if a tool cannot be run, attach or its output read
     */
    long heapAfterFullGc(long pid) throws IOException {
        String id = Long.toString(pid);
        run(tool("jcmd"), id, "GC.run");
        run(tool("jcmd"), id, "GC.run");
        return jstatHeapUsedBytes(run(tool("jstat"), "-gc", id));
    }

    /**
     * The {@code VmRSS} of a {@code /proc/PID/status} text, in KiB; 0 for a process without one (a zombie or a kernel
     * thread).
     */
    static long vmRssKib(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                String[] f = line.substring("VmRSS:".length()).trim().split("\\s+");
                return Long.parseLong(f[0]);
            }
        }
        return 0;
    }

    /**
     * The heap in use from {@code jstat -gc} output (a header line and a line of KiB values, in any collector's
     * layout), in bytes.
     *
     * @throws IOException if a column of {@link #HEAP_USED_COLUMNS} is missing or not a number
     */
    static long jstatHeapUsedBytes(String output) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line : output.split("\n")) {
            if (!line.isBlank()) {
                lines.add(line.trim());
            }
        }
        if (lines.size() < 2) {
            throw new IOException("jstat printed no values: " + output.trim());
        }
        List<String> header = List.of(lines.get(0).split("\\s+"));
        String[] values = lines.get(1).split("\\s+");
        double kib = 0;
        for (String column : HEAP_USED_COLUMNS) {
            int i = header.indexOf(column);
            if (i < 0 || i >= values.length) {
                throw new IOException("jstat -gc has no " + column + " column: " + lines.get(0));
            }
            try {
                kib += Double.parseDouble(values[i]);
            } catch (NumberFormatException e) {
                throw new IOException("jstat -gc " + column + " is not a number: " + values[i], e);
            }
        }
        return Math.round(kib * 1024);
    }

    private String tool(String name) {
        Path path = tools.resolve(name);
        return Files.isExecutable(path) ? path.toString() : name;
    }

    private static String run(String... command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try {
            process.getOutputStream().close();
            output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(TOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " took over " + TOOL_TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(String.join(" ", command) + " interrupted", e);
        }
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited " + process.exitValue() + ": "
                    + output.trim().lines().reduce((a, b) -> b).orElse(""));
        }
        return output;
    }
}

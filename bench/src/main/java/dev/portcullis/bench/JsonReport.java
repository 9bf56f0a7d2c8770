package dev.portcullis.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the raw results as one JSON object: {@code started}, {@code settings} (the options as given), {@code cpu}
 * (cores, clock ticks per second, the pid per target) and {@code results}, one object per measurement with its
 * counts, seconds, rate, MB/s, latency in µs, CPU in µs (total, per iteration and per MiB; {@code null} when
 * unmeasured) and errors by kind; and {@code idle}, one object per target of the idle-tunnels scenario with the
 * tunnels open, its heap and RSS in bytes before and with them ({@code null} when unmeasured), each per tunnel, and
 * errors by kind.
 */
final class JsonReport {

    private JsonReport() {
    }

    /**
     * Writes the report to {@code file}, replacing it.
     *
     * @param ticksPerSecond the clock-tick rate used for CPU, or 0 when no CPU was measured
     * @param idle           the idle-tunnels results, empty when that scenario did not run
     */
    static void write(Path file, Instant started, BenchOptions options, long ticksPerSecond,
                      List<CellResult> results, List<IdleResult> idle) throws IOException {
        StringBuilder j = new StringBuilder(4096);
        j.append("{\n  \"started\": ").append(string(started.toString()));
        j.append(",\n  \"settings\": {");
        j.append("\"targets\": [");
        join(j, options.targets().stream().map(t -> string(t.toString())).toList());
        j.append("], \"seconds\": ").append(num(options.measure().toMillis() / 1000.0));
        j.append(", \"warmupSeconds\": ").append(num(options.warmup().toMillis() / 1000.0));
        j.append(", \"prewarmSeconds\": ").append(num(options.prewarm().toMillis() / 1000.0));
        j.append(", \"bulkReps\": ").append(options.bulkReps());
        j.append(", \"timeoutMillis\": ").append(options.timeout().toMillis());
        j.append(", \"tunnels\": ").append(options.tunnels());
        j.append(", \"holdPort\": ").append(options.holdPort());
        j.append(", \"origin\": ").append(string(options.origin().toString()));
        j.append("},\n  \"cpu\": {\"cores\": ").append(Runtime.getRuntime().availableProcessors());
        j.append(", \"ticksPerSecond\": ").append(ticksPerSecond).append(", \"pids\": ");
        map(j, options.pids());
        j.append("},\n  \"results\": [");
        for (int i = 0; i < results.size(); i++) {
            CellResult r = results.get(i);
            j.append(i == 0 ? "\n    {" : ",\n    {");
            j.append("\"scenario\": ").append(string(r.scenario().cliName()));
            j.append(", \"target\": ").append(string(r.target()));
            j.append(", \"concurrency\": ").append(r.concurrency());
            j.append(", \"seconds\": ").append(num(r.seconds()));
            j.append(", \"iterations\": ").append(r.iterations());
            j.append(", \"bytes\": ").append(r.bytes());
            j.append(", \"ratePerSecond\": ").append(num(r.rate()));
            j.append(", \"megabytesPerSecond\": ").append(num(r.megabytesPerSecond()));
            j.append(", \"latencySamples\": ").append(r.latency().count());
            j.append(", \"p50Micros\": ").append(num(r.latency().p50Nanos() / 1e3));
            j.append(", \"p99Micros\": ").append(num(r.latency().p99Nanos() / 1e3));
            j.append(", \"cpuMicros\": ").append(num(r.cpuMicros()));
            j.append(", \"cpuMicrosPerIteration\": ").append(num(r.cpuMicrosPerIteration()));
            j.append(", \"cpuMicrosPerMebibyte\": ").append(num(r.cpuMicrosPerMebibyte()));
            j.append(", \"errors\": ");
            map(j, r.errors());
            j.append(", \"warmupErrors\": ");
            map(j, r.warmupErrors());
            j.append(", \"notes\": ").append(string(r.notes())).append('}');
        }
        j.append("\n  ],\n  \"idle\": [");
        for (int i = 0; i < idle.size(); i++) {
            IdleResult r = idle.get(i);
            j.append(i == 0 ? "\n    {" : ",\n    {");
            j.append("\"target\": ").append(string(r.target()));
            j.append(", \"requested\": ").append(r.requested());
            j.append(", \"opened\": ").append(r.opened());
            j.append(", \"openSeconds\": ").append(num(r.openSeconds()));
            j.append(", \"heapBytesBefore\": ").append(r.before() == null ? null : r.before().heapBytes());
            j.append(", \"heapBytesWith\": ").append(r.with() == null ? null : r.with().heapBytes());
            j.append(", \"heapBytesPerTunnel\": ").append(num(r.heapPerTunnel()));
            j.append(", \"rssBytesBefore\": ").append(r.before() == null ? null : r.before().rssBytes());
            j.append(", \"rssBytesWith\": ").append(r.with() == null ? null : r.with().rssBytes());
            j.append(", \"rssBytesPerTunnel\": ").append(num(r.rssPerTunnel()));
            j.append(", \"errors\": ");
            map(j, r.errors());
            j.append(", \"notes\": ").append(string(r.notes())).append('}');
        }
        j.append(idle.isEmpty() ? "]\n}\n" : "\n  ]\n}\n");
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, j, StandardCharsets.UTF_8);
    }

    private static void map(StringBuilder j, Map<String, ? extends Number> values) {
        j.append('{');
        join(j, values.entrySet().stream().map(e -> string(e.getKey()) + ": " + e.getValue()).toList());
        j.append('}');
    }

    private static void join(StringBuilder j, List<String> parts) {
        j.append(String.join(", ", parts));
    }

    static String num(Double v) {
        if (v == null || v.isNaN() || v.isInfinite()) {
            return "null";
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }

    /** A JSON string literal (RFC 8259 §7). */
    static String string(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}

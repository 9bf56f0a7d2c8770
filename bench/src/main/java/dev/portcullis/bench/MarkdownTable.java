package dev.portcullis.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * Formats the results of one scenario as a markdown table: one row per concurrency; columns for the rate (or MB/s)
 * of each target, each proxy's ratio to {@code direct}, {@code portcullis}'s ratio to each other proxy, latency
 * p50/p99, proxy CPU per request (or per MiB for bulk) where a pid was given with {@code portcullis}'s CPU ratios, and
 * the errors. Below the table, one line per kind of error and per note, so that nothing is left out.
 */
final class MarkdownTable {

    private final Scenario scenario;
    private final List<Target> targets;
    private final Set<String> measuredCpu;
    private final List<CellResult> results;

    /**
     * @param targets     the targets, in column order
     * @param measuredCpu names of the targets whose CPU was measured
     * @param results     this scenario's results
     */
    MarkdownTable(Scenario scenario, List<Target> targets, Set<String> measuredCpu, List<CellResult> results) {
        this.scenario = scenario;
        this.targets = targets;
        this.measuredCpu = measuredCpu;
        this.results = results;
    }

    /** The table and the lines below it, ending with a newline. */
    String render() {
        List<String> names = targets.stream().map(Target::name).toList();
        boolean hasDirect = names.contains(Target.DIRECT);
        boolean hasPortcullis = names.contains(Target.PORTCULLIS);
        List<String> proxies = names.stream().filter(n -> !n.equals(Target.DIRECT)).toList();
        List<String> peers = proxies.stream().filter(n -> !n.equals(Target.PORTCULLIS)).toList();
        List<String> cpuNames = names.stream().filter(measuredCpu::contains).toList();
        List<String> cpuPeers = cpuNames.stream()
                .filter(n -> !n.equals(Target.PORTCULLIS) && measuredCpu.contains(Target.PORTCULLIS)).toList();
        String unit = scenario.bulk() ? "MB/s" : "req/s";
        Function<CellResult, Double> rate = scenario.bulk() ? CellResult::megabytesPerSecond : CellResult::rate;
        Function<CellResult, Double> cpu = scenario.bulk()
                ? CellResult::cpuMicrosPerMebibyte : CellResult::cpuMicrosPerIteration;

        List<String> header = new ArrayList<>();
        header.add("c");
        names.forEach(n -> header.add(n + " " + unit));
        if (hasDirect) {
            proxies.forEach(n -> header.add(n + "/direct"));
        }
        if (hasPortcullis) {
            peers.forEach(n -> header.add("portcullis/" + n));
        }
        names.forEach(n -> header.add(n + " p50/p99 ms"));
        cpuNames.forEach(n -> header.add(n + " CPU µs/" + (scenario.bulk() ? "MiB" : "req")));
        cpuPeers.forEach(n -> header.add("portcullis/" + n + " CPU"));
        header.add("errors");

        StringBuilder out = new StringBuilder();
        row(out, header);
        row(out, header.stream().map(h -> "--:").toList());
        for (int c : results.stream().map(CellResult::concurrency).distinct().toList()) {
            List<String> cells = new ArrayList<>();
            cells.add(String.valueOf(c));
            names.forEach(n -> cells.add(number(value(c, n, rate), scenario.bulk() && under(c, n, rate, 100))));
            if (hasDirect) {
                proxies.forEach(n -> cells.add(ratio(value(c, n, rate), value(c, Target.DIRECT, rate))));
            }
            if (hasPortcullis) {
                peers.forEach(n -> cells.add(ratio(value(c, Target.PORTCULLIS, rate), value(c, n, rate))));
            }
            names.forEach(n -> cells.add(latency(find(c, n))));
            cpuNames.forEach(n -> cells.add(number(value(c, n, cpu), false)));
            cpuPeers.forEach(n -> cells.add(ratio(value(c, Target.PORTCULLIS, cpu), value(c, n, cpu))));
            cells.add(errors(c, names));
            row(out, cells);
        }
        for (CellResult r : results) {
            String where = "- " + r.target() + " at c=" + r.concurrency() + ": ";
            r.errors().forEach((kind, n) -> out.append(where).append(n).append(" × ").append(kind).append('\n'));
            r.warmupErrors().forEach((kind, n) ->
                    out.append(where).append(n).append(" × ").append(kind).append(" (warm-up)\n"));
            if (!r.notes().isEmpty()) {
                out.append(where).append(r.notes()).append('\n');
            }
        }
        return out.toString();
    }

    private CellResult find(int concurrency, String name) {
        for (CellResult r : results) {
            if (r.concurrency() == concurrency && r.target().equals(name)) {
                return r;
            }
        }
        return null;
    }

    private Double value(int concurrency, String name, Function<CellResult, Double> metric) {
        CellResult r = find(concurrency, name);
        return r == null || r.iterations() == 0 ? null : metric.apply(r);
    }

    private boolean under(int concurrency, String name, Function<CellResult, Double> metric, double limit) {
        Double v = value(concurrency, name, metric);
        return v != null && v < limit;
    }

    private String errors(int concurrency, List<String> names) {
        List<String> parts = new ArrayList<>();
        for (String n : names) {
            CellResult r = find(concurrency, n);
            if (r != null && r.errorCount() + warmup(r) > 0) {
                parts.add(n + " " + r.errorCount() + (warmup(r) > 0 ? " (+" + warmup(r) + " warm-up)" : ""));
            }
        }
        return parts.isEmpty() ? "0" : String.join(", ", parts);
    }

    private static long warmup(CellResult r) {
        return r.warmupErrors().values().stream().mapToLong(Long::longValue).sum();
    }

    static String number(Double v, boolean decimal) {
        if (v == null) {
            return "-";
        }
        return String.format(Locale.ROOT, decimal ? "%,.1f" : "%,.0f", v);
    }

    static String ratio(Double a, Double b) {
        if (a == null || b == null || b == 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.2f", a / b);
    }

    static String latency(CellResult r) {
        if (r == null || r.latency().count() == 0) {
            return "-";
        }
        return millis(r.latency().p50Nanos()) + " / " + millis(r.latency().p99Nanos());
    }

    private static String millis(long nanos) {
        double ms = nanos / 1e6;
        return String.format(Locale.ROOT, ms >= 100 ? "%.0f" : ms >= 10 ? "%.1f" : "%.2f", ms);
    }

    private static void row(StringBuilder out, List<String> cells) {
        out.append("| ").append(String.join(" | ", cells)).append(" |\n");
    }

    /** The numbers of one result as a progress line. */
    static String progress(CellResult r) {
        String value = r.scenario().bulk()
                ? number(r.megabytesPerSecond(), false) + " MB/s"
                : number(r.rate(), false) + " req/s";
        Double cpu = r.scenario().bulk() ? r.cpuMicrosPerMebibyte() : r.cpuMicrosPerIteration();
        return r.scenario().cliName() + " c=" + r.concurrency() + " " + r.target() + ": " + value
                + ", p50/p99 " + latency(r) + " ms"
                + (cpu == null ? "" : ", CPU " + number(cpu, false) + " µs/" + (r.scenario().bulk() ? "MiB" : "req"))
                + ", errors " + r.errorCount() + (r.notes().isEmpty() ? "" : " (" + r.notes() + ")");
    }
}

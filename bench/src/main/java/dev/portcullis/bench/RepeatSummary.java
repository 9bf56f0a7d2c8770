package dev.portcullis.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The ratios of several repetitions of one run, as the performance aims are judged (bench/README.md): for each
 * scenario and concurrency, every ratio the per-run tables show ({@code <proxy>/direct}, {@code portcullis/<peer>},
 * {@code portcullis/<peer> CPU}) as its median over the counted repetitions and their spread, {@code 1.21
 * [1.05-1.40]}. A repetition counts only when the machine's 1-minute load average before it was below the bound:
 * ratios taken on a busy machine move by ±40% and would decide nothing.
 */
final class RepeatSummary {

    /** One repetition: the load average before it and its results. */
    record Repetition(double loadBefore, List<CellResult> results) {
    }

    private final List<Target> targets;
    private final Set<String> measuredCpu;
    private final double maxLoad;

    RepeatSummary(List<Target> targets, Set<String> measuredCpu, double maxLoad) {
        this.targets = targets;
        this.measuredCpu = measuredCpu;
        this.maxLoad = maxLoad;
    }

    /** The summary in markdown, ending with a newline. */
    String render(List<Scenario> scenarios, List<Repetition> repetitions) {
        List<Repetition> counted = repetitions.stream().filter(r -> r.loadBefore() < maxLoad).toList();
        StringBuilder out = new StringBuilder();
        out.append("## Ratios over ").append(counted.size()).append(" of ").append(repetitions.size())
                .append(" repetitions: median [min-max]\n\n");
        for (int i = 0; i < repetitions.size(); i++) {
            if (repetitions.get(i).loadBefore() >= maxLoad) {
                out.append(String.format(Locale.ROOT, "- repetition %d left out: load average %.2f before it "
                        + "(at least %.2f)%n", i + 1, repetitions.get(i).loadBefore(), maxLoad));
            }
        }
        if (counted.isEmpty()) {
            return out.append("\nNo repetition began on a quiet machine: no ratio counts.\n").toString();
        }
        for (Scenario scenario : scenarios) {
            Map<String, Function<List<CellResult>, Map<Integer, Double>>> columns = columns(scenario);
            List<Integer> levels = counted.get(0).results().stream().filter(r -> r.scenario() == scenario)
                    .map(CellResult::concurrency).distinct().toList();
            if (levels.isEmpty() || columns.isEmpty()) {
                continue;
            }
            out.append("\n### ").append(scenario.cliName()).append("\n\n| c | ")
                    .append(String.join(" | ", columns.keySet())).append(" |\n|--:|")
                    .append("--:|".repeat(columns.size())).append('\n');
            for (int level : levels) {
                out.append("| ").append(level);
                for (Function<List<CellResult>, Map<Integer, Double>> column : columns.values()) {
                    List<Double> values = new ArrayList<>();
                    for (Repetition r : counted) {
                        List<CellResult> cells = r.results().stream().filter(c -> c.scenario() == scenario).toList();
                        Double v = column.apply(cells).get(level);
                        if (v != null) {
                            values.add(v);
                        }
                    }
                    out.append(" | ").append(spread(values));
                }
                out.append(" |\n");
            }
        }
        return out.toString();
    }

    /** {@code median [min-max]}, or {@code -} when no repetition had the ratio. */
    static String spread(List<Double> values) {
        if (values.isEmpty()) {
            return "-";
        }
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return n == 1 ? String.format(Locale.ROOT, "%.2f", median)
                : String.format(Locale.ROOT, "%.2f [%.2f-%.2f]", median, sorted.get(0), sorted.get(n - 1));
    }

    /** The ratio columns of the per-run table, name → (cells of a scenario → ratio per concurrency). */
    private Map<String, Function<List<CellResult>, Map<Integer, Double>>> columns(Scenario scenario) {
        Function<CellResult, Double> rate = scenario.bulk() ? CellResult::megabytesPerSecond : CellResult::rate;
        Function<CellResult, Double> cpu = scenario.bulk()
                ? CellResult::cpuMicrosPerMebibyte : CellResult::cpuMicrosPerIteration;
        List<String> names = targets.stream().map(Target::name).toList();
        List<String> proxies = names.stream().filter(n -> !n.equals(Target.DIRECT)).toList();
        List<String> peers = proxies.stream().filter(n -> !n.equals(Target.PORTCULLIS)).toList();
        Map<String, Function<List<CellResult>, Map<Integer, Double>>> columns = new LinkedHashMap<>();
        if (names.contains(Target.DIRECT)) {
            proxies.forEach(n -> columns.put(n + "/direct", cells -> ratios(cells, n, Target.DIRECT, rate)));
        }
        if (names.contains(Target.PORTCULLIS)) {
            peers.forEach(n -> columns.put("portcullis/" + n, cells -> ratios(cells, Target.PORTCULLIS, n, rate)));
            if (measuredCpu.contains(Target.PORTCULLIS)) {
                peers.stream().filter(measuredCpu::contains).forEach(n -> columns.put("portcullis/" + n + " CPU",
                        cells -> ratios(cells, Target.PORTCULLIS, n, cpu)));
            }
        }
        return columns;
    }

    private static Map<Integer, Double> ratios(List<CellResult> cells, String a, String b,
                                               Function<CellResult, Double> metric) {
        Map<Integer, Double> ratios = new LinkedHashMap<>();
        for (CellResult top : cells) {
            if (!top.target().equals(a) || top.iterations() == 0) {
                continue;
            }
            for (CellResult bottom : cells) {
                if (bottom.target().equals(b) && bottom.concurrency() == top.concurrency() && bottom.iterations() > 0) {
                    Double x = metric.apply(top);
                    Double y = metric.apply(bottom);
                    if (x != null && y != null && y != 0) {
                        ratios.put(top.concurrency(), x / y);
                    }
                }
            }
        }
        return ratios;
    }
}

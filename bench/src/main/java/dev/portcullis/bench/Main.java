package dev.portcullis.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The command line: {@code java -jar portcullis-bench.jar [options] TARGET...} (see {@link BenchOptions#USAGE}).
 * Exits 0 after printing the tables (errors of the targets are results, printed in them), 2 on a bad command line or
 * unusable CA or pid, 1 if the JSON file cannot be written.
 */
public final class Main {

    private Main() {
    }

    /** Runs the benchmark and exits with its status. */
    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    /** How long a repetition waits for the machine to settle before it begins anyway. */
    private static final Duration LOAD_WAIT = Duration.ofMinutes(4);

    /** The first three fields of {@code /proc/loadavg}: other work on the machine skews every number here. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f.length >= 3 ? f[0] + " " + f[1] + " " + f[2] : "unknown";
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    /**
     * Waits, at most {@link #LOAD_WAIT}, for the 1-minute load average to fall below {@code maxLoad}: the load
     * of the repetition before (its own client threads) takes minutes to decay, and a repetition that began
     * above the bound would not count.
     *
     * @return the load average when the wait ended
     */
    static double awaitLoadBelow(double maxLoad, PrintStream err) throws InterruptedException {
        long deadline = System.nanoTime() + LOAD_WAIT.toNanos();
        double load = loadAverage1m();
        if (load >= maxLoad) {
            err.printf("waiting up to %d s for the load average (%.2f) to fall below %.2f%n",
                    LOAD_WAIT.toSeconds(), load, maxLoad);
        }
        while (load >= maxLoad && System.nanoTime() < deadline) {
            Thread.sleep(5_000);
            load = loadAverage1m();
        }
        return load;
    }

    /** The 1-minute load average, or +infinity when it cannot be read (so that such a repetition never counts). */
    static double loadAverage1m() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.POSITIVE_INFINITY;
        }
    }

    /** {@code dir/name.json} → {@code dir/name-N.json}. */
    static Path numbered(Path json, int repetition) {
        String name = json.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String numbered = dot > 0 ? name.substring(0, dot) + "-" + repetition + name.substring(dot)
                : name + "-" + repetition;
        return json.resolveSibling(numbered);
    }

    /**
     * Runs the benchmark.
     *
     * @param env the environment; {@code PEERS_DIR} locates the default origin CA
     * @return the exit status
     */
    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        Path peers = Path.of(env.getOrDefault("PEERS_DIR", "/tmp/portcullis-peers"));
        BenchOptions options;
        try {
            options = BenchOptions.parse(args, peers.resolve("origin-ca.pem"));
        } catch (UsageException e) {
            err.println("portcullis-bench: " + e.getMessage());
            err.print(BenchOptions.USAGE);
            return 2;
        }
        if (options.help()) {
            out.print(BenchOptions.USAGE);
            return 0;
        }
        CpuMeter meter = options.pids().isEmpty() ? null : CpuMeter.system();
        for (Map.Entry<String, Long> pid : options.pids().entrySet()) {
            try {
                meter.treeTicks(pid.getValue());
            } catch (IOException e) {
                err.println("portcullis-bench: --pid " + pid.getKey() + ": " + e.getMessage());
                return 2;
            }
        }
        Bench bench;
        try {
            bench = new Bench(options, meter, out, err);
        } catch (IOException e) {
            err.println("portcullis-bench: " + e.getMessage());
            return 2;
        }
        Instant started = Instant.now();
        out.println("## portcullis-bench " + started);
        out.println();
        out.println("Targets: " + options.targets().stream().map(Target::toString).collect(Collectors.joining(" "))
                + "; " + Runtime.getRuntime().availableProcessors() + " cores; Java "
                + Runtime.version() + (meter == null ? "" : "; CPU of " + options.pids().entrySet().stream()
                .map(e -> e.getKey() + " (pid " + e.getValue() + ")").collect(Collectors.joining(", "))
                + " at " + meter.ticksPerSecond() + " ticks/s") + "; load average " + loadAverage());
        List<RepeatSummary.Repetition> repetitions = new ArrayList<>();
        for (int i = 1; i <= options.repeat(); i++) {
            double load;
            try {
                load = awaitLoadBelow(options.maxLoad(), err);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                err.println("portcullis-bench: interrupted");
                return 1;
            }
            if (options.repeat() > 1) {
                out.println();
                out.println("# Repetition " + i + " of " + options.repeat() + " (load average " + loadAverage() + ")");
            }
            Bench.Results results;
            try {
                results = bench.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                err.println("portcullis-bench: interrupted");
                return 1;
            }
            repetitions.add(new RepeatSummary.Repetition(load, results.cells()));
            if (options.json() != null) {
                Path file = options.repeat() == 1 ? options.json() : numbered(options.json(), i);
                try {
                    JsonReport.write(file, started, options, meter == null ? 0 : meter.ticksPerSecond(),
                            results.cells(), results.idle());
                    err.println("raw results written to " + file);
                } catch (IOException e) {
                    err.println("portcullis-bench: cannot write " + file + ": " + e.getMessage());
                    return 1;
                }
            }
        }
        out.println();
        out.println("Load average at the end: " + loadAverage());
        if (options.repeat() > 1) {
            out.println();
            out.print(new RepeatSummary(options.targets(), options.pids().keySet(), options.maxLoad())
                    .render(options.scenarios(), repetitions));
        }
        return 0;
    }
}

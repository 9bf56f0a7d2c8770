package dev.portcullis.bench;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The parsed command line. Every value has been validated: names given to {@code --trust} and {@code --pid} are
 * targets, durations and counts are positive.
 *
 * @param targets     what to measure, in table order
 * @param scenarios   which scenarios to run, in order
 * @param concurrency the numbers of parallel clients for the rate scenarios
 * @param bulkConcurrency the numbers of tunnels fetching at once in the bulk scenarios
 * @param measure     how long each rate measurement lasts, and the time budget of each bulk measurement
 * @param warmup      how long each rate measurement runs unmeasured first
 * @param prewarm     how long each target runs unmeasured at the highest concurrency before each tunnel scenario, so
 *                    that a JIT-compiled proxy is measured compiled; zero for none
 * @param bulkReps    how many large responses each bulk measurement fetches (fewer if its time budget runs out)
 * @param timeout     connect and read timeout of every socket
 * @param origin      the origin server
 * @param originCa    the CA that signed the origin's certificate (trusted unless {@code --trust} names another)
 * @param trust       a CA file per target name, for proxies that intercept TLS with their own CA
 * @param pids        a process id per target name, whose process tree's CPU time is measured
 * @param json        where to save raw results, or {@code null}
 * @param repeat      how many times the whole run is repeated, for the median and spread of each ratio
 * @param maxLoad     a repetition counts in the summary only when the 1-minute load average before it was below this
 * @param tunnels     how many tunnels the idle-tunnels scenario holds open at once
 * @param holdPort    the port of the idle-tunnels scenario's holding origin, on the origin address; 0 for any free
 *                    port
 * @param reverse     the site the reverse scenarios fetch, and how long a keep-alive connection lasts
 * @param help        whether {@code --help} was asked for
 */
record BenchOptions(List<Target> targets, List<Scenario> scenarios, List<Integer> concurrency,
                    List<Integer> bulkConcurrency, Duration measure,
                    Duration warmup, Duration prewarm, int bulkReps, Duration timeout, Origin origin, Path originCa,
                    Map<String, Path> trust, Map<String, Long> pids, Path json, int repeat, double maxLoad,
                    int tunnels, int holdPort, ReverseSite reverse, boolean help) {

    /** Default load-average bound of a counted repetition: 2, on these 2-core machines (bench/README.md). */
    static final double DEFAULT_MAX_LOAD = 2.0;

    /** Default duration of each measurement: 5 s. */
    static final Duration DEFAULT_MEASURE = Duration.ofSeconds(5);
    /** Default warm-up before each rate measurement: 1 s. */
    static final Duration DEFAULT_WARMUP = Duration.ofSeconds(1);
    /** Default unmeasured run of each target before each tunnel scenario: 3 s. */
    static final Duration DEFAULT_PREWARM = Duration.ofSeconds(3);
    /** Default number of large responses per bulk measurement: 5. */
    static final int DEFAULT_BULK_REPS = 5;
    /** Default socket connect and read timeout: 5 s. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    /** Default concurrency levels: 1, 16 and 64, the levels bench/README.md's performance aims are stated at. */
    static final List<Integer> DEFAULT_CONCURRENCY = List.of(1, 16, 64);
    /** Default numbers of bulk tunnels at once: 1 and 8, the levels of the bulk aim (bench/README.md). */
    static final List<Integer> DEFAULT_BULK_CONCURRENCY = List.of(1, 8);
    /** The most parallel clients one measurement may use. */
    static final int MAX_CONCURRENCY = 1024;
    /** Default number of tunnels the idle-tunnels scenario holds open: 10,000. */
    static final int DEFAULT_TUNNELS = 10_000;
    /** The most tunnels the idle-tunnels scenario may hold: each costs the bench two file descriptors. */
    static final int MAX_TUNNELS = 200_000;
    /**
     * Default port of the idle-tunnels scenario's holding origin: 9099, beside the peers' origin ports (9080, 9443)
     * and allowed with them by the policy of the node bench/run.sh starts (bench/README.md).
     */
    static final int DEFAULT_HOLD_PORT = 9099;

    /** The options that take a value. */
    private static final Set<String> VALUED = Set.of("--scenarios", "--concurrency", "--bulk-concurrency",
            "--seconds", "--warmup", "--prewarm", "--bulk-reps", "--timeout-ms", "--ca", "--trust", "--pid",
            "--origin", "--origin-address", "--plain-port", "--tls-port", "--small-path", "--bulk-path", "--json",
            "--repeat", "--max-load", "--tunnels", "--hold-port", "--reverse-host", "--reverse-path",
            "--reverse-direct", "--keepalive-requests");

    static final String USAGE = """
            usage: java -jar portcullis-bench.jar [options] TARGET...
              TARGET               'direct' (no proxy) or NAME=HOST:PORT of a proxy that accepts CONNECT,
                                   e.g. direct portcullis=127.0.0.1:3128 squid=127.0.0.1:3130; for the
                                   reverse scenarios, of a reverse proxy's HTTPS listener
              --scenarios LIST     tunnel-plain,tunnel-tls,bulk,bulk-tls,forward-keepalive,idle-tunnels,
                                   reverse-keepalive,reverse-new ('reverse' for both)
                                   (default: the first four)
              --concurrency LIST   parallel clients for the tunnel scenarios (default: 1,16,64)
              --seconds S          measured seconds per cell (default: 5); also the time budget of a bulk cell
              --warmup S           unmeasured seconds before each tunnel cell (default: 1)
              --prewarm S          unmeasured seconds per target at the highest concurrency before each
                                   tunnel scenario, for JIT-compiled proxies (default: 3; 0 for none)
              --bulk-reps N        large responses per bulk cell, over all its tunnels (default: 5)
              --bulk-concurrency LIST
                                   tunnels fetching at once in the bulk scenarios (default: 1,8)
              --timeout-ms MS      connect and read timeout of every socket (default: 5000)
              --ca FILE            CA of the origin's certificate (default: $PEERS_DIR/origin-ca.pem,
                                   PEERS_DIR defaulting to /tmp/portcullis-peers)
              --trust NAME=FILE    trust FILE instead of the origin CA through target NAME (TLS interceptors)
              --pid NAME=PID       measure CPU of process PID and its descendants while measuring NAME
              --origin HOST        name in CONNECT, Host and SNI (default: localhost)
              --origin-address IP  where 'direct' connects (default: 127.0.0.1)
              --plain-port N       origin plain HTTP port (default: 9080)
              --tls-port N         origin HTTPS port (default: 9443)
              --small-path PATH    resource fetched per tunnel (default: /small)
              --bulk-path PATH     resource fetched by bulk (default: /10m)
              --json FILE          also save the raw results as JSON (FILE-N.json per repetition with --repeat)
              --repeat N           run everything N times and end with the median [min-max] of every ratio
                                   over the repetitions that began below --max-load (default: 1)
              --max-load L         1-minute load average a counted repetition must begin below (default: 2)
              --tunnels N          tunnels idle-tunnels holds open at once (default: 10000); the bench needs
                                   two file descriptors per tunnel, the proxy about two
              --hold-port N        port of idle-tunnels' holding origin on --origin-address (default: 9099;
                                   0 for any free port); the proxies must allow CONNECT to it
              --reverse-host NAME  SNI and Host of the reverse scenarios (default: reverse.bench.test)
              --reverse-path PATH  path they fetch (default: /)
              --reverse-direct HOST:PORT
                                   where 'direct' connects in them, over plain HTTP: a backend
                                   (default: 127.0.0.1:9181)
              --keepalive-requests N
                                   requests per connection in reverse-keepalive and forward-keepalive
                                   (default: 1000)
              --help               print this and exit
            Options may also be written --name=value. Prints one markdown table per scenario on stdout,
            progress on stderr.
            """;

    /**
     * Parses the arguments.
     *
     * @param args      the command line
     * @param defaultCa the origin CA used when {@code --ca} is not given
     * @throws UsageException naming the bad argument
     */
    static BenchOptions parse(String[] args, Path defaultCa) {
        List<Target> targets = new ArrayList<>();
        List<Scenario> scenarios = Scenario.DEFAULT;
        List<Integer> concurrency = DEFAULT_CONCURRENCY;
        List<Integer> bulkConcurrency = DEFAULT_BULK_CONCURRENCY;
        Duration measure = DEFAULT_MEASURE;
        Duration warmup = DEFAULT_WARMUP;
        Duration prewarm = DEFAULT_PREWARM;
        int bulkReps = DEFAULT_BULK_REPS;
        int repeat = 1;
        double maxLoad = DEFAULT_MAX_LOAD;
        int tunnels = DEFAULT_TUNNELS;
        int holdPort = DEFAULT_HOLD_PORT;
        Duration timeout = DEFAULT_TIMEOUT;
        Origin o = Origin.DEFAULT;
        String host = o.host();
        String address = o.address();
        int plainPort = o.plainPort();
        int tlsPort = o.tlsPort();
        String smallPath = o.smallPath();
        String bulkPath = o.bulkPath();
        Path originCa = defaultCa;
        Map<String, Path> trust = new LinkedHashMap<>();
        Map<String, Long> pids = new LinkedHashMap<>();
        Path json = null;
        ReverseSite r = ReverseSite.DEFAULT;
        String reverseHost = r.host();
        String reversePath = r.path();
        InetSocketAddress reverseDirect = r.direct();
        int keepAliveRequests = r.requestsPerConnection();
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                targets.add(target(arg));
                continue;
            }
            String name = arg;
            String value = null;
            int equals = arg.indexOf('=');
            if (equals > 0) {
                name = arg.substring(0, equals);
                value = arg.substring(equals + 1);
            }
            if (name.equals("--help")) {
                help = true;
                continue;
            }
            if (!VALUED.contains(name)) {
                throw new UsageException("unknown option '" + name + "'");
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new UsageException(name + " needs a value");
                }
                value = args[++i];
            }
            switch (name) {
                case "--scenarios" -> scenarios = scenarios(value);
                case "--concurrency" -> concurrency = concurrency(name, value);
                case "--bulk-concurrency" -> bulkConcurrency = concurrency(name, value);
                case "--seconds" -> measure = seconds(name, value);
                case "--warmup" -> warmup = seconds(name, value);
                case "--prewarm" -> prewarm = value.equals("0") ? Duration.ZERO : seconds(name, value);
                case "--bulk-reps" -> bulkReps = positive(name, value, 10_000);
                case "--timeout-ms" -> timeout = Duration.ofMillis(positive(name, value, 600_000));
                case "--ca" -> originCa = Path.of(value);
                case "--trust" -> put(trust, name, value, Path::of);
                case "--pid" -> put(pids, name, value, v -> (long) positive("--pid", v, Integer.MAX_VALUE));
                case "--origin" -> host = nonEmpty(name, value);
                case "--origin-address" -> address = nonEmpty(name, value);
                case "--plain-port" -> plainPort = positive(name, value, 65535);
                case "--tls-port" -> tlsPort = positive(name, value, 65535);
                case "--small-path" -> smallPath = path(name, value);
                case "--bulk-path" -> bulkPath = path(name, value);
                case "--json" -> json = Path.of(value);
                case "--repeat" -> repeat = positive(name, value, 100);
                case "--max-load" -> maxLoad = load(name, value);
                case "--tunnels" -> tunnels = positive(name, value, MAX_TUNNELS);
                case "--hold-port" -> holdPort = value.equals("0") ? 0 : positive(name, value, 65535);
                case "--reverse-host" -> reverseHost = nonEmpty(name, value);
                case "--reverse-path" -> reversePath = path(name, value);
                case "--reverse-direct" -> reverseDirect = target("reverse-direct=" + value).address();
                case "--keepalive-requests" -> keepAliveRequests = positive(name, value, 100_000_000);
                default -> throw new IllegalStateException("option " + name + " is in VALUED but not handled");
            }
        }
        if (!help) {
            checkTargets(targets, trust, pids);
        }
        Origin origin = new Origin(host, address, plainPort, tlsPort, smallPath, bulkPath);
        return new BenchOptions(List.copyOf(targets), scenarios, concurrency, bulkConcurrency, measure, warmup,
                prewarm, bulkReps, timeout, origin, originCa, Map.copyOf(trust), Map.copyOf(pids), json, repeat,
                maxLoad, tunnels, holdPort, new ReverseSite(reverseHost, reversePath, reverseDirect, keepAliveRequests),
                help);
    }

    private static double load(String name, String value) {
        try {
            double load = Double.parseDouble(value);
            if (load > 0 && load < 1000) {
                return load;
            }
        } catch (NumberFormatException e) {
            // Falls through to the message below.
        }
        throw new UsageException(name + " must be a load average above 0, was '" + value + "'");
    }

    /** The CA file to trust for TLS reached through {@code target}. */
    Path caFor(Target target) {
        return trust.getOrDefault(target.name(), originCa);
    }

    private static Target target(String spec) {
        try {
            return Target.parse(spec);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static void checkTargets(List<Target> targets, Map<String, Path> trust, Map<String, Long> pids) {
        if (targets.isEmpty()) {
            throw new UsageException("no targets: give 'direct' and/or NAME=HOST:PORT");
        }
        List<String> names = targets.stream().map(Target::name).toList();
        if (names.stream().distinct().count() != names.size()) {
            throw new UsageException("target names must differ, were " + names);
        }
        for (String name : trust.keySet()) {
            if (!names.contains(name)) {
                throw new UsageException("--trust names '" + name + "', which is not a target " + names);
            }
        }
        for (String name : pids.keySet()) {
            if (!names.contains(name)) {
                throw new UsageException("--pid names '" + name + "', which is not a target " + names);
            }
        }
    }

    private static List<Scenario> scenarios(String value) {
        List<Scenario> list = new ArrayList<>();
        for (String part : value.split(",")) {
            try {
                List<Scenario> named = part.trim().equals(Scenario.REVERSE) ? Scenario.REVERSE_BOTH
                        : List.of(Scenario.parse(part.trim()));
                for (Scenario s : named) {
                    if (!list.contains(s)) {
                        list.add(s);
                    }
                }
            } catch (IllegalArgumentException e) {
                throw new UsageException("--scenarios: " + e.getMessage());
            }
        }
        return List.copyOf(list);
    }

    private static List<Integer> concurrency(String name, String value) {
        List<Integer> list = new ArrayList<>();
        for (String part : value.split(",")) {
            int c = positive(name, part.trim(), MAX_CONCURRENCY);
            if (!list.contains(c)) {
                list.add(c);
            }
        }
        return List.copyOf(list);
    }

    private static Duration seconds(String name, String value) {
        double s;
        try {
            s = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new UsageException(name + " must be a number of seconds, was '" + value + "'");
        }
        if (!(s >= 0.1 && s <= 3600)) {
            throw new UsageException(name + " must be between 0.1 and 3600 seconds, was " + value);
        }
        return Duration.ofMillis(Math.round(s * 1000));
    }

    private static int positive(String name, String value, int max) {
        int n;
        try {
            n = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new UsageException(name + " must be a whole number, was '" + value + "'");
        }
        if (n < 1 || n > max) {
            throw new UsageException(name + " must be between 1 and " + max + ", was " + n);
        }
        return n;
    }

    private static String nonEmpty(String name, String value) {
        if (value.isBlank()) {
            throw new UsageException(name + " must not be empty");
        }
        return value;
    }

    private static String path(String name, String value) {
        if (!value.startsWith("/") || value.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
            throw new UsageException(name + " must be an absolute path without spaces, was '" + value + "'");
        }
        return value;
    }

    private static <V> void put(Map<String, V> map, String option, String value,
                                Function<String, V> convert) {
        int equals = value.indexOf('=');
        if (equals <= 0 || equals == value.length() - 1) {
            throw new UsageException(option + " must be NAME=VALUE, was '" + value + "'");
        }
        String name = value.substring(0, equals);
        if (map.put(name, convert.apply(value.substring(equals + 1))) != null) {
            throw new UsageException(option + " given twice for '" + name + "'");
        }
    }
}

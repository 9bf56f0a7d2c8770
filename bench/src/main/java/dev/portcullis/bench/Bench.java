package dev.portcullis.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs every selected scenario against every target and prints a table per scenario. Within a scenario the targets
 * take turns at each concurrency, so the numbers compared side by side were taken moments apart. The idle-tunnels
 * scenario instead measures memory, one target after another, and has a table of its own ({@link IdleTable}).
 */
final class Bench {

    /**
     * All results of one run.
     *
     * @param cells the timed scenarios' measurements
     * @param idle  the idle-tunnels scenario's, one per target; empty when it did not run
     */
    record Results(List<CellResult> cells, List<IdleResult> idle) {
    }

    /** Pause between two measurements, so that one's closing connections do not load the next. */
    static final long PAUSE_MILLIS = 300;

    private final BenchOptions options;
    private final CpuMeter meter;
    private final PrintStream out;
    private final PrintStream progress;
    private final Map<String, Dialer> dialers = new LinkedHashMap<>();

    /**
     * Prepares a dialer per target, loading the CA files when a TLS scenario is selected.
     *
     * @param meter    reads process CPU; unused when no pid was given
     * @param out      where the tables go
     * @param progress where a line per measurement goes
     * @throws IOException naming a CA file that cannot be used
     */
    Bench(BenchOptions options, CpuMeter meter, PrintStream out, PrintStream progress) throws IOException {
        this.options = options;
        this.meter = meter;
        this.out = out;
        this.progress = progress;
        Map<Path, TlsClient> clients = new HashMap<>();
        for (Target target : options.targets()) {
            TlsClient client = null;
            // In the reverse scenarios direct is a plain-HTTP backend: it needs no CA file.
            if (options.scenarios().stream().anyMatch(s -> s.tls() && !(s.reverse() && target.isDirect()))) {
                Path ca = options.caFor(target);
                client = clients.get(ca);
                if (client == null) {
                    client = TlsClient.trusting(ca);
                    clients.put(ca, client);
                }
            }
            dialers.put(target.name(), new Dialer(target, options.origin(), options.reverse(), client,
                    (int) options.timeout().toMillis()));
        }
    }

    /** Runs all measurements, printing each scenario's table when it is done, and returns all results. */
    Results run() throws InterruptedException {
        List<CellResult> all = new ArrayList<>();
        List<IdleResult> idle = new ArrayList<>();
        for (Scenario scenario : options.scenarios()) {
            if (scenario.idle()) {
                idle.addAll(idleTunnels());
                continue;
            }
            List<CellResult> results = new ArrayList<>();
            List<Integer> levels = scenario.bulk() ? options.bulkConcurrency() : options.concurrency();
            if (!scenario.bulk() && !options.prewarm().isZero()) {
                prewarm(scenario, levels.stream().max(Integer::compare).orElse(1));
            }
            for (int concurrency : levels) {
                for (Target target : options.targets()) {
                    CellResult r = measure(scenario, concurrency, target);
                    progress.println(MarkdownTable.progress(r));
                    results.add(r);
                    TimeUnit.MILLISECONDS.sleep(PAUSE_MILLIS);
                }
            }
            out.println();
            out.println("### " + scenario.cliName());
            out.println();
            out.println(describe(scenario));
            out.println();
            out.print(new MarkdownTable(scenario, options.targets(), options.pids().keySet(), results).render());
            out.flush();
            all.addAll(results);
        }
        return new Results(all, idle);
    }

    private List<IdleResult> idleTunnels() throws InterruptedException {
        Origin o = options.origin();
        InetSocketAddress address = new InetSocketAddress(o.address(), options.holdPort());
        List<IdleResult> results = new ArrayList<>();
        out.println();
        out.println("### " + Scenario.IDLE_TUNNELS.cliName());
        out.println();
        try (HoldingOrigin holding = HoldingOrigin.listen(address)) {
            Origin held = new Origin(o.host(), o.address(), holding.port(), holding.port(), o.smallPath(),
                    o.bulkPath());
            MemoryMeter meter = MemoryMeter.system();
            for (Target target : options.targets()) {
                if (target.isTransparent()) {
                    progress.println("idle-tunnels: " + target.name() + " skipped: a transparent listener forwards"
                            + " to one origin port, not the holding origin's");
                    continue;
                }
                Dialer dialer = new Dialer(target, held, null, (int) options.timeout().toMillis());
                IdleResult r = new IdleRun(dialer, options.tunnels(), meter).run(options.pids().get(target.name()));
                progress.println(IdleTable.progress(r));
                results.add(r);
                TimeUnit.MILLISECONDS.sleep(PAUSE_MILLIS);
            }
            out.println(IdleTable.describe(options.tunnels(), o.host(), holding.port()));
        } catch (IOException e) {
            out.println("Not measured: " + e.getMessage());
            out.flush();
            return results;
        }
        out.println();
        out.print(new IdleTable(results).render());
        out.flush();
        return results;
    }

    private void prewarm(Scenario scenario, int concurrency) throws InterruptedException {
        for (Target target : options.targets()) {
            HttpGet get = get(scenario, options.origin().smallPath(), target);
            CellResult r = new RateRun(dialers.get(target.name()), get, Duration.ZERO, options.prewarm(),
                    options.timeout(), options.reverse().requestsPerConnection())
                    .run(scenario, concurrency, CpuWindow.of(meter, null));
            progress.println("prewarm (not in the tables) " + MarkdownTable.progress(r)
                    + (r.errors().isEmpty() ? "" : " " + r.errors()));
            TimeUnit.MILLISECONDS.sleep(PAUSE_MILLIS);
        }
    }

    private CellResult measure(Scenario scenario, int concurrency, Target target) throws InterruptedException {
        Dialer dialer = dialers.get(target.name());
        CpuWindow cpu = CpuWindow.of(meter, options.pids().get(target.name()));
        if (scenario.bulk()) {
            HttpGet get = get(scenario, options.origin().bulkPath(), target);
            return new BulkRun(dialer, get, options.bulkReps(), options.measure(), options.timeout())
                    .run(scenario, concurrency, cpu);
        }
        HttpGet get = get(scenario, options.origin().smallPath(), target);
        return new RateRun(dialer, get, options.warmup(), options.measure(), options.timeout(),
                options.reverse().requestsPerConnection()).run(scenario, concurrency, cpu);
    }

    private HttpGet get(Scenario scenario, String path, Target target) {
        if (scenario.reverse()) {
            // The default port of https, which the reverse site is named for, is left out of Host (RFC 9110 §7.2).
            return new HttpGet(options.reverse().host(), options.reverse().path(), -1, scenario.keepAlive());
        }
        if (scenario.forward()) {
            String authority = options.origin().authority(false);
            // Absolute-form to a forward proxy (RFC 9112 §3.2.2); origin-form where the target is the origin's port.
            boolean proxied = !target.isDirect() && !target.isTransparent();
            return new HttpGet(authority, (proxied ? "http://" + authority : "") + path, -1, true);
        }
        return new HttpGet(options.origin().authority(scenario.tls()), path, -1);
    }

    private String describe(Scenario scenario) {
        Origin o = options.origin();
        String inside = scenario.tls() ? "TLS (full handshake, SNI " + o.host() + ") to " + o.authority(true)
                : "plain HTTP to " + o.authority(false);
        double seconds = options.measure().toMillis() / 1000.0;
        String timing = seconds + " s per cell after " + options.warmup().toMillis() / 1000.0 + " s warm-up (and "
                + options.prewarm().toMillis() / 1000.0 + " s per target at the highest concurrency before the first"
                + " cell).";
        if (scenario.reverse()) {
            ReverseSite site = options.reverse();
            String direct = "direct: plain HTTP to the backend " + site.direct().getHostString() + ":"
                    + site.direct().getPort() + ".";
            return scenario.keepAlive()
                    ? "Keep-alive: each client's TLS connection (SNI " + site.host() + ") straight to the reverse proxy"
                    + " carries up to " + site.requestsPerConnection() + " GET " + site.path() + " (Host: "
                    + site.host() + "), each read to the end; " + direct + " " + timing
                    + " req/s = completed requests per second; latency = request to last byte (opening a connection"
                    + " is in none); CPU = proxy process tree per completed request."
                    : "New connection per request: TLS (full handshake, SNI " + site.host() + ") straight to the"
                    + " reverse proxy, GET " + site.path() + " (Host: " + site.host() + ", Connection: close), read to"
                    + " the end; " + direct + " " + timing + " req/s = completed requests per second;"
                    + " latency = connect to last byte; CPU = proxy process tree per completed request.";
        }
        if (scenario.forward()) {
            return "Keep-alive, no CONNECT: each client's connection to the proxy carries up to "
                    + options.reverse().requestsPerConnection() + " GET http://" + o.authority(false) + o.smallPath()
                    + " (absolute-form), each read to the end; direct: the same in origin-form to the origin. "
                    + timing + " req/s = completed requests per second; latency = request to last byte (opening a"
                    + " connection is in none); CPU = proxy process tree per completed request.";
        }
        if (scenario.bulk()) {
            return "One tunnel per fetch, " + inside + ", GET " + o.bulkPath() + "; c tunnels fetching at once, up to "
                    + options.bulkReps() + " fetches in all within " + seconds + " s after " + BulkRun.WARMUP_FETCHES
                    + " unmeasured each. MB/s = 10^6 body bytes per second of the time a fetch was under way (from"
                    + " request to last byte; opening tunnels is left out); latency = one fetch;"
                    + " CPU = proxy process tree per MiB received.";
        }
        return "New connection per request: CONNECT, " + inside + ", GET " + o.smallPath()
                + " (Connection: close), read to the end; " + timing
                + " req/s = completed requests per second; latency = connect to last byte;"
                + " CPU = proxy process tree per completed request.";
    }
}

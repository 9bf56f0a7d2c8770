package dev.portcullis.bench;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Measures a bulk scenario: {@value #WARMUP_FETCHES} unmeasured fetches of the large path, then up to {@code reps}
 * fetches, each over a new tunnel, one at a time. Throughput is the bytes over the summed time from sending each
 * request to its last byte, so connecting and handshaking are left out; the proxy's CPU covers the whole measured
 * sequence.
 */
final class BulkRun {

    /** Unmeasured fetches before the measured ones (fewer if the first ones take the whole time budget). */
    static final int WARMUP_FETCHES = 2;

    private final Dialer dialer;
    private final HttpGet get;
    private final int reps;
    private final Duration budget;
    private final Duration timeout;

    /**
     * @param reps    how many fetches to measure
     * @param budget  no new fetch starts after this much time (at least one is measured)
     * @param timeout the socket timeout; the run is stopped if still going this long after the budget
     */
    BulkRun(Dialer dialer, HttpGet get, int reps, Duration budget, Duration timeout) {
        this.dialer = dialer;
        this.get = get;
        this.reps = reps;
        this.budget = budget;
        this.timeout = timeout;
    }

    /**
     * Runs one measurement; returns within twice the budget plus twice the socket timeout plus two seconds.
     *
     * @param scenario a bulk scenario
     */
    CellResult run(Scenario scenario, CpuWindow cpu) throws InterruptedException {
        Fetches fetches = new Fetches(scenario.tls(), cpu);
        fetches.start("bench-bulk-" + dialer.target().name());
        long deadline = System.nanoTime() + 2 * budget.toNanos() + 2 * timeout.toNanos() + TimeUnit.SECONDS.toNanos(1);
        int stuck = ClientThread.awaitAll(List.of(fetches), deadline);
        List<String> notes = new ArrayList<>();
        if (!fetches.cpuNote.isEmpty()) {
            notes.add(fetches.cpuNote);
        }
        if (stuck > 0) {
            notes.add("a fetch was still running after the time budget and timeouts; its socket was closed");
        }
        if (fetches.attempts < reps && stuck == 0) {
            notes.add(fetches.attempts + " of " + reps + " fetches fit in the " + budget.toMillis() / 1000.0
                    + " s budget");
        }
        return new CellResult(scenario, dialer.target().name(), 1, fetches.nanos / 1e9, fetches.completed,
                fetches.bytes, Samples.percentiles(List.of(fetches.samples)), fetches.cpuMicros,
                fetches.errors.snapshot(), fetches.warmupErrors.snapshot(), String.join("; ", notes));
    }

    /** The sequence of fetches, on its own thread; its fields are read after it has been joined. */
    private final class Fetches extends ClientThread {

        final Samples samples = new Samples(1);
        final ErrorCounts errors = new ErrorCounts();
        final ErrorCounts warmupErrors = new ErrorCounts();
        private final ResponseReader reader = new ResponseReader(256 * 1024);
        private final boolean tls;
        private final CpuWindow cpu;
        volatile Double cpuMicros;
        volatile String cpuNote = "";
        long completed;
        int attempts;
        long bytes;
        long nanos;

        Fetches(boolean tls, CpuWindow cpu) {
            this.tls = tls;
            this.cpu = cpu;
        }

        @Override
        public void run() {
            long warmupEnd = System.nanoTime() + budget.toNanos();
            for (int i = 0; i < WARMUP_FETCHES && !stopping(); i++) {
                if (i > 0 && System.nanoTime() - warmupEnd >= 0) {
                    break;
                }
                fetch(warmupErrors, false);
            }
            cpu.start();
            long end = System.nanoTime() + budget.toNanos();
            for (attempts = 0; attempts < reps && !stopping(); attempts++) {
                if (attempts > 0 && System.nanoTime() - end >= 0) {
                    break;
                }
                fetch(errors, true);
            }
            cpuMicros = cpu.stop();
            cpuNote = cpu.note();
        }

        private void fetch(ErrorCounts failures, boolean measured) {
            Socket socket = newSocket();
            try (Connection connection = dialer.open(socket, tls, reader)) {
                long start = System.nanoTime();
                long n = get.fetch(connection);
                long took = System.nanoTime() - start;
                if (measured) {
                    completed++;
                    bytes += n;
                    nanos += took;
                    samples.add(took);
                }
            } catch (IOException | RuntimeException e) {
                if (!stopping()) {
                    failures.add(e);
                }
            } finally {
                closeQuietly(socket);
            }
        }
    }
}

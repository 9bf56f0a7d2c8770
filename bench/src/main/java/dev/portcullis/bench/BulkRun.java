package dev.portcullis.bench;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Measures a bulk scenario: {@code c} threads, each a tunnel at a time, make {@value #WARMUP_FETCHES} unmeasured
 * fetches of the large path each, then up to {@code reps} fetches between them, each over a new tunnel. Throughput
 * is the bytes over the time at least one fetch was under way, from sending its request to its last byte, so
 * opening tunnels is left out (at c=1, the summed fetch times); the proxy's CPU covers the whole measured window.
 */
final class BulkRun {

    /** Unmeasured fetches per thread before the measured ones (fewer if the first ones take the whole budget). */
    static final int WARMUP_FETCHES = 2;

    private final Dialer dialer;
    private final HttpGet get;
    private final int reps;
    private final Duration budget;
    private final Duration timeout;

    /**
     * @param reps    how many fetches to measure, over all threads
     * @param budget  no new fetch starts after this much time (each thread measures at least one)
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
     * @param scenario    a bulk scenario
     * @param concurrency how many tunnels fetch at once
     */
    CellResult run(Scenario scenario, int concurrency, CpuWindow cpu) throws InterruptedException {
        AtomicInteger attempts = new AtomicInteger();
        ErrorCounts errors = new ErrorCounts();
        ErrorCounts warmupErrors = new ErrorCounts();
        // The last thread through its warm-up opens the CPU window for all of them.
        CyclicBarrier measuring = new CyclicBarrier(concurrency, cpu::start);
        List<Fetches> threads = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            Fetches fetches = new Fetches(scenario.tls(), measuring, attempts, errors, warmupErrors);
            fetches.start("bench-bulk-" + dialer.target().name() + "-" + i);
            threads.add(fetches);
        }
        long deadline = System.nanoTime() + 2 * budget.toNanos() + 2 * timeout.toNanos() + TimeUnit.SECONDS.toNanos(1);
        int stuck = ClientThread.awaitAll(threads, deadline);
        // A window the threads never opened (one's warm-up stuck) measures nothing.
        Double cpuMicros = measuring.isBroken() ? null : cpu.stop();
        List<String> notes = new ArrayList<>();
        if (!cpu.note().isEmpty()) {
            notes.add(cpu.note());
        }
        if (measuring.isBroken()) {
            notes.add("CPU not measured: a thread's warm-up did not end within the budget");
        }
        if (stuck > 0) {
            notes.add(stuck + " fetch(es) still running after the time budget and timeouts; their sockets were closed");
        }
        if (attempts.get() < reps && stuck == 0) {
            notes.add(attempts.get() + " of " + reps + " fetches fit in the " + budget.toMillis() / 1000.0
                    + " s budget");
        }
        List<Samples> samples = new ArrayList<>();
        List<long[]> spans = new ArrayList<>();
        long bytes = 0;
        for (Fetches f : threads) {
            samples.add(f.samples);
            spans.addAll(f.spans);
            bytes += f.bytes;
        }
        return new CellResult(scenario, dialer.target().name(), concurrency, underWay(spans) / 1e9, spans.size(), bytes,
                Samples.percentiles(samples), cpuMicros, errors.snapshot(), warmupErrors.snapshot(),
                String.join("; ", notes));
    }

    /** The nanoseconds covered by at least one of the {start, end} spans. */
    static long underWay(List<long[]> spans) {
        List<long[]> sorted = new ArrayList<>(spans);
        sorted.sort(Comparator.comparingLong(span -> span[0]));
        long total = 0;
        long coveredTo = Long.MIN_VALUE;
        for (long[] span : sorted) {
            long from = Math.max(span[0], coveredTo);
            if (span[1] > from) {
                total += span[1] - from;
                coveredTo = span[1];
            }
        }
        return total;
    }

    /** One thread's sequence of fetches; its fields are read after it has been joined. */
    private final class Fetches extends ClientThread {

        final Samples samples = new Samples(1);
        /** {start, end} of each completed measured fetch. */
        final List<long[]> spans = new ArrayList<>();
        private final ResponseReader reader = new ResponseReader(256 * 1024);
        private final boolean tls;
        private final CyclicBarrier measuring;
        private final AtomicInteger attempts;
        private final ErrorCounts errors;
        private final ErrorCounts warmupErrors;
        long bytes;

        Fetches(boolean tls, CyclicBarrier measuring, AtomicInteger attempts, ErrorCounts errors,
                ErrorCounts warmupErrors) {
            this.tls = tls;
            this.measuring = measuring;
            this.attempts = attempts;
            this.errors = errors;
            this.warmupErrors = warmupErrors;
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
            try {
                measuring.await(budget.toNanos() + 2 * timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (BrokenBarrierException | TimeoutException e) {
                // Another thread's warm-up did not end in time: measure anyway; the run's notes say what stuck.
            }
            long end = System.nanoTime() + budget.toNanos();
            for (int mine = 0; !stopping() && attempts.getAndIncrement() < reps; mine++) {
                if (mine > 0 && System.nanoTime() - end >= 0) {
                    attempts.decrementAndGet();
                    break;
                }
                fetch(errors, true);
            }
        }

        private void fetch(ErrorCounts failures, boolean measured) {
            Socket socket = newSocket();
            try (Connection connection = dialer.open(socket, tls, reader)) {
                long start = System.nanoTime();
                long n = get.fetch(connection);
                long took = System.nanoTime() - start;
                if (measured) {
                    bytes += n;
                    spans.add(new long[] {start, start + took});
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

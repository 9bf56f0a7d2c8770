package dev.portcullis.bench;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Measures a tunnel or reverse scenario at one concurrency: that many threads each loop "open a new connection (and
 * tunnel, and TLS), fetch the small path, close" for the warm-up and then the measured window; in a keep-alive
 * scenario a connection carries up to {@code requestsPerConnection} fetches, and an iteration is one fetch, its
 * latency from request to last byte (opening the connection is in none). An iteration counts when it completes
 * inside the window; the proxy's CPU is read at the window's two edges.
 */
final class RateRun {

    /** Upper bound on iterations per thread, beside the time bound. */
    static final long MAX_ITERATIONS_PER_THREAD = 100_000_000L;

    private final Dialer dialer;
    private final HttpGet get;
    private final Duration warmup;
    private final Duration measure;
    private final Duration timeout;
    private final int requestsPerConnection;

    /**
     * @param timeout the socket timeout; threads still running this long after the window are stopped
     */
    RateRun(Dialer dialer, HttpGet get, Duration warmup, Duration measure, Duration timeout) {
        this(dialer, get, warmup, measure, timeout, 1);
    }

    /**
     * @param requestsPerConnection how many fetches a connection of a keep-alive scenario carries (fewer when the
     *                              server closes it first); ignored by the others, which make one
     */
    RateRun(Dialer dialer, HttpGet get, Duration warmup, Duration measure, Duration timeout,
            int requestsPerConnection) {
        this.requestsPerConnection = requestsPerConnection;
        this.dialer = dialer;
        this.get = get;
        this.warmup = warmup;
        this.measure = measure;
        this.timeout = timeout;
    }

    /**
     * Runs one measurement; returns after the warm-up, the window and at most the socket timeout plus two seconds.
     *
     * @param scenario a tunnel scenario (not bulk)
     * @param cpu      the target's CPU window, started and stopped at the window's edges
     */
    CellResult run(Scenario scenario, int concurrency, CpuWindow cpu) throws InterruptedException {
        long from = System.nanoTime() + warmup.toNanos();
        long until = from + measure.toNanos();
        ErrorCounts errors = new ErrorCounts();
        ErrorCounts warmupErrors = new ErrorCounts();
        List<Loop> loops = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            Loop loop = new Loop(scenario, from, until, errors, warmupErrors, new Samples(concurrency));
            loops.add(loop);
            loop.start("bench-" + dialer.target().name() + "-" + i);
        }
        sleepUntil(from);
        cpu.start();
        sleepUntil(until);
        Double cpuMicros = cpu.stop();
        int stuck = ClientThread.awaitAll(loops, until + timeout.toNanos() + TimeUnit.SECONDS.toNanos(1));
        long iterations = 0;
        long bytes = 0;
        long dropped = 0;
        List<Samples> samples = new ArrayList<>();
        for (Loop loop : loops) {
            iterations += loop.completed;
            bytes += loop.bytes;
            dropped += loop.samples.dropped();
            samples.add(loop.samples);
        }
        List<String> notes = new ArrayList<>();
        if (!cpu.note().isEmpty()) {
            notes.add(cpu.note());
        }
        if (stuck > 0) {
            notes.add(stuck + " client threads still running " + timeout.toMillis() + " ms after the window;"
                    + " their sockets were closed");
        }
        if (iterations == 0 && errors.snapshot().isEmpty()) {
            notes.add("no iteration completed inside the " + measure.toMillis() + " ms window and none failed:"
                    + " they took longer than it");
        }
        if (dropped > 0) {
            notes.add(dropped + " latency samples beyond " + loops.get(0).samples.max() + " per thread not kept");
        }
        return new CellResult(scenario, dialer.target().name(), concurrency, measure.toNanos() / 1e9, iterations,
                bytes, Samples.percentiles(samples), cpuMicros, errors.snapshot(), warmupErrors.snapshot(),
                String.join("; ", notes));
    }

    private static void sleepUntil(long deadline) throws InterruptedException {
        // Bounded: each pass sleeps the time left, so it ends at the deadline.
        for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }

    /** One client thread's loop; its counters are read after it has been joined. */
    private final class Loop extends ClientThread {

        final Samples samples;
        final ResponseReader reader = new ResponseReader(64 * 1024);
        private final Scenario scenario;
        private final int perConnection;
        private final long from;
        private final long until;
        private final ErrorCounts errors;
        private final ErrorCounts warmupErrors;
        long completed;
        long bytes;

        Loop(Scenario scenario, long from, long until, ErrorCounts errors, ErrorCounts warmupErrors,
             Samples samples) {
            this.samples = samples;
            this.scenario = scenario;
            this.perConnection = scenario.keepAlive() ? requestsPerConnection : 1;
            this.from = from;
            this.until = until;
            this.errors = errors;
            this.warmupErrors = warmupErrors;
        }

        @Override
        public void run() {
            Socket socket = null;
            Connection connection = null;
            int used = 0;
            try {
                for (long i = 0; i < MAX_ITERATIONS_PER_THREAD; i++) {
                    long start = System.nanoTime();
                    if (start - until >= 0) {
                        return;
                    }
                    try {
                        if (connection == null) {
                            socket = newSocket();
                            connection = scenario.reverse() ? dialer.openReverse(socket, reader)
                                    : scenario.forward() ? dialer.openForward(socket, reader)
                                    : dialer.open(socket, scenario.tls(), reader);
                            used = 0;
                            if (scenario.keepAlive()) {
                                start = System.nanoTime();
                            }
                        }
                        HttpGet.Response response = get.exchange(connection);
                        long end = System.nanoTime();
                        if (end - from >= 0 && end - until <= 0) {
                            completed++;
                            bytes += response.bytes();
                            samples.add(end - start);
                        }
                        if (++used >= perConnection || response.lastOnConnection()) {
                            close(connection, socket);
                            connection = null;
                        }
                    } catch (IOException | RuntimeException e) {
                        close(connection, socket);
                        connection = null;
                        if (stopping()) {
                            return;
                        }
                        (System.nanoTime() - from < 0 ? warmupErrors : errors).add(e);
                        if (!backOff()) {
                            return;
                        }
                    }
                }
            } finally {
                close(connection, socket);
            }
        }

        /** Closes the connection (TLS sends its close_notify) and the socket under it, either of them null. */
        private static void close(Connection connection, Socket socket) {
            if (connection != null) {
                connection.close();
            }
            closeQuietly(socket);
        }
    }
}

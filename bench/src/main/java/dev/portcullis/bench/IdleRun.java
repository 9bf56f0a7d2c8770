package dev.portcullis.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Measures the idle-tunnels scenario for one target: reads the proxy's memory, opens the tunnels to a
 * {@link HoldingOrigin} (each carrying one small exchange, so it is established end to end), reads the memory again
 * with all of them open and idle, then closes them.
 */
final class IdleRun {

    /** Threads opening tunnels in parallel, so that ten thousand take seconds rather than a minute. */
    static final int OPENERS = 8;

    /** Failures after which no more tunnels are tried: a target that refuses them would refuse the rest too. */
    static final int MAX_ERRORS = 100;

    /** What each tunnel carries once: the origin echoes it. */
    private static final byte[] PING = "ping\n".getBytes(StandardCharsets.US_ASCII);

    private final Dialer dialer;
    private final int tunnels;
    private final MemoryMeter meter;

    /**
     * @param dialer  reaches the holding origin (its plain port) through the target
     * @param tunnels how many tunnels to hold open at once
     * @param meter   reads the target's memory; {@code null} when the target has no pid
     */
    IdleRun(Dialer dialer, int tunnels, MemoryMeter meter) {
        this.dialer = dialer;
        this.tunnels = tunnels;
        this.meter = meter;
    }

    /**
     * Runs the measurement; returns once every tunnel it opened has been closed.
     *
     * @param pid the target's process, or {@code null} to open the tunnels without measuring memory
     */
    IdleResult run(Long pid) throws InterruptedException {
        List<String> notes = new ArrayList<>();
        MemoryMeter.Reading before = read(pid, notes);
        ErrorCounts errors = new ErrorCounts();
        List<Socket> open = Collections.synchronizedList(new ArrayList<>(tunnels));
        AtomicInteger left = new AtomicInteger(tunnels);
        AtomicInteger failed = new AtomicInteger();
        long start = System.nanoTime();
        List<Thread> openers = new ArrayList<>();
        for (int i = 0; i < Math.min(OPENERS, tunnels); i++) {
            Thread t = new Thread(() -> openTunnels(left, failed, errors, open),
                    "bench-idle-" + dialer.target().name() + "-" + i);
            t.setDaemon(true);
            t.start();
            openers.add(t);
        }
        for (Thread t : openers) {
            t.join();
        }
        double openSeconds = (System.nanoTime() - start) / 1e9;
        if (failed.get() >= MAX_ERRORS) {
            notes.add("stopped after " + failed.get() + " failed tunnels");
        }
        MemoryMeter.Reading with;
        try {
            with = read(pid, notes);
        } finally {
            synchronized (open) {
                open.forEach(ClientThread::closeQuietly);
            }
        }
        return new IdleResult(dialer.target().name(), tunnels, open.size(), openSeconds, before, with,
                errors.snapshot(), String.join("; ", notes));
    }

    private MemoryMeter.Reading read(Long pid, List<String> notes) {
        if (pid == null || meter == null) {
            return null;
        }
        try {
            MemoryMeter.Reading r = meter.read(pid);
            if (!r.note().isEmpty() && !notes.contains(r.note())) {
                notes.add(r.note());
            }
            return r;
        } catch (IOException e) {
            notes.add("memory not measured: " + e.getMessage());
            return null;
        }
    }

    private void openTunnels(AtomicInteger left, AtomicInteger failed, ErrorCounts errors, List<Socket> open) {
        ResponseReader reader = new ResponseReader(0);
        while (left.getAndDecrement() > 0 && failed.get() < MAX_ERRORS) {
            Socket socket = new Socket();
            try {
                Connection connection = dialer.open(socket, false, reader);
                if (reader.buffered() > 0) {
                    throw new ExchangeException("proxy sent bytes after its CONNECT response");
                }
                connection.out().write(PING);
                connection.out().flush();
                InputStream in = socket.getInputStream();
                byte[] echo = in.readNBytes(PING.length);
                if (!Arrays.equals(echo, PING)) {
                    throw new ExchangeException("origin did not echo the ping through the tunnel");
                }
                open.add(socket);
            } catch (IOException | RuntimeException e) {
                errors.add(e);
                failed.incrementAndGet();
                ClientThread.closeQuietly(socket);
            }
        }
    }
}

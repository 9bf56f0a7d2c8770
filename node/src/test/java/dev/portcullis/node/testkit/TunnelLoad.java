package dev.portcullis.node.testkit;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A bounded load of new CONNECT tunnels spread over several proxies, as a load balancer in front of a fleet would
 * send it: a proxy gets new tunnels only while its {@code /readyz} answers 200 (looked at every 100 ms, as a
 * probe would), so a draining or restarting proxy is taken out the way Kubernetes takes out a pod. Each tunnel
 * carries one message to an {@link EchoServer} and back, then closes; every failure is kept with when it started
 * and why. {@link #close()} stops it.
 */
public final class TunnelLoad implements AutoCloseable {

    /** A proxy of the fleet: its explicit listener and admin ports. */
    public record Proxy(String name, int port, int adminPort) {
    }

    /** One tunnel that failed: when it started (ms since the load began), through which proxy, and why. */
    public record Failure(long startedAtMs, String proxy, String reason) {
    }

    private static final Duration PROBE_INTERVAL = Duration.ofMillis(100);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

    private final List<Proxy> proxies;
    private final AtomicIntegerArray ready;
    private final String target;
    private final long pauseNanos;
    private final long startNanos = System.nanoTime();
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicInteger next = new AtomicInteger();
    private final List<Failure> failures = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopped;

    private TunnelLoad(List<Proxy> proxies, String target, Duration pause) {
        this.proxies = List.copyOf(proxies);
        this.ready = new AtomicIntegerArray(proxies.size());
        this.target = target;
        this.pauseNanos = pause.toNanos();
    }

    /**
     * Starts {@code workers} threads, each opening one tunnel after the other to {@code host:port}, pausing
     * {@code pause} between two.
     */
    public static TunnelLoad start(List<Proxy> proxies, String host, int port, int workers, Duration pause) {
        TunnelLoad load = new TunnelLoad(proxies, host + ":" + port, pause);
        load.spawn("load-probe", load::probeLoop);
        for (int i = 0; i < workers; i++) {
            load.spawn("load-" + i, load::workLoop);
        }
        return load;
    }

    private void spawn(String name, Runnable loop) {
        Thread thread = new Thread(loop, name);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
    }

    /** Tunnels that carried their message. */
    public long succeeded() {
        return succeeded.get();
    }

    /** Tunnels that failed, so far. */
    public List<Failure> failures() {
        return List.copyOf(failures);
    }

    /** Milliseconds since the load began, on the clock of {@link Failure#startedAtMs()}. */
    public long nowMs() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /** Waits until {@code more} tunnels beyond those so far have succeeded. */
    public void awaitMore(long more, Duration timeout) {
        long goal = succeeded() + more;
        Poll.until(timeout, this::succeeded, count -> count >= goal, goal + " tunnels succeeded (failures: "
                + failures.size() + ")");
    }

    private void probeLoop() {
        while (!stopped) {
            for (int i = 0; i < proxies.size(); i++) {
                ready.set(i, readyz(proxies.get(i).adminPort()) ? 1 : 0);
            }
            LockSupport.parkNanos(PROBE_INTERVAL.toNanos());
        }
    }

    private static boolean readyz(int adminPort) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/readyz"))
                    .timeout(Duration.ofSeconds(1)).GET().build();
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void workLoop() {
        while (!stopped) {
            Proxy proxy = pick();
            if (proxy != null) {
                long started = nowMs();
                try {
                    tunnel(proxy);
                    succeeded.incrementAndGet();
                } catch (IOException | RuntimeException e) {
                    if (!stopped) {
                        failures.add(new Failure(started, proxy.name(), e.toString()));
                    }
                }
            }
            LockSupport.parkNanos(pauseNanos);
        }
    }

    /** The next ready proxy in turn, or {@code null} when none is ready now. */
    private Proxy pick() {
        for (int tries = 0; tries < proxies.size(); tries++) {
            int index = Math.floorMod(next.getAndIncrement(), proxies.size());
            if (ready.get(index) == 1) {
                return proxies.get(index);
            }
        }
        return null;
    }

    private void tunnel(Proxy proxy) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", proxy.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            String head = Tunnels.readHead(socket.getInputStream());
            if (!head.startsWith("HTTP/1.1 200")) {
                throw new IOException("CONNECT answered " + head.lines().findFirst().orElse(head) + " "
                        + head.lines().filter(line -> line.startsWith("Proxy-Status")).findFirst().orElse(""));
            }
            byte[] message = ("tunnel " + succeeded.get() + "\n").getBytes(StandardCharsets.ISO_8859_1);
            socket.getOutputStream().write(message);
            byte[] back = socket.getInputStream().readNBytes(message.length);
            if (back.length != message.length) {
                throw new IOException("echo cut short: " + back.length + " of " + message.length + " bytes");
            }
        }
    }

    /** Stops every thread and waits for them. */
    @Override
    public void close() {
        stopped = true;
        for (Thread thread : threads) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(15));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}

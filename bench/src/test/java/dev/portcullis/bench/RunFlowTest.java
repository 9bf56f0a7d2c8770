package dev.portcullis.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class RunFlowTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    @Test
    void tunnelsThroughAConnectProxyCompleteWithoutErrors() throws Exception {
        try (LoopbackServers servers = new LoopbackServers(false)) {
            CellResult r = rate(servers.proxyTarget("proxy"), servers.origin(), 2);

            assertThat(r.errors()).isEmpty();
            assertThat(r.iterations()).isPositive();
            assertThat(r.bytes()).isEqualTo(13 * r.iterations());
            assertThat(r.latency().count()).isEqualTo((int) r.iterations());
            assertThat(r.cpuMicros()).isNull();
        }
    }

    @Test
    void aTransparentTargetIsSpokenToAsIfRedirectedWithoutAnyConnect() throws Exception {
        try (LoopbackServers servers = new LoopbackServers(true)) {
            int originPort = servers.origin().directAddress(false).getPort();
            Target redirected = Target.parse("redirected=redirect:127.0.0.1:" + originPort + "," + originPort);

            CellResult r = rate(redirected, servers.origin(), 1);

            assertThat(redirected.isTransparent()).isTrue();
            assertThat(redirected).hasToString("redirected=redirect:127.0.0.1:" + originPort + "," + originPort);
            assertThat(r.errors()).as("the refusing CONNECT proxy is never asked").isEmpty();
            assertThat(r.iterations()).isPositive();
        }
    }

    @Test
    void aRefusedConnectIsCountedByItsStatus() throws Exception {
        try (LoopbackServers servers = new LoopbackServers(true)) {
            CellResult r = rate(servers.proxyTarget("proxy"), servers.origin(), 1);

            assertThat(r.iterations()).isZero();
            assertThat(r.errors()).containsOnlyKeys("CONNECT answered 403");
        }
    }

    @Test
    void aPortWithNothingListeningIsCountedAsRefused() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Origin origin = new Origin("localhost", "127.0.0.1", closedPort, 1, "/small", "/big");

        CellResult r = rate(new Target(Target.DIRECT, null, null), origin, 1);

        assertThat(r.iterations()).isZero();
        assertThat(r.errors()).hasSize(1);
        assertThat(r.errors().keySet().iterator().next()).startsWith("ConnectException");
    }

    @Test
    void bulkCountsEveryByteOfEachMeasuredFetchAndItsProxyCpu() throws Exception {
        try (LoopbackServers servers = new LoopbackServers(false)) {
            Dialer dialer = new Dialer(servers.proxyTarget("proxy"), servers.origin(), null, 2000);
            HttpGet get = new HttpGet("localhost:9080", "/big", LoopbackServers.BIG);
            CpuWindow cpu = CpuWindow.of(CpuMeter.system(), ProcessHandle.current().pid());

            CellResult r = new BulkRun(dialer, get, 3, Duration.ofSeconds(5), TIMEOUT).run(Scenario.BULK, 1, cpu);

            assertThat(r.errors()).isEmpty();
            assertThat(r.iterations()).isEqualTo(3);
            assertThat(r.bytes()).isEqualTo(3L * LoopbackServers.BIG);
            assertThat(r.megabytesPerSecond()).isPositive();
            assertThat(r.cpuMicros()).isNotNull().isNotNegative();
        }
    }

    @Test
    void bulkThroughSeveralTunnelsAtOnceMeasuresTheRepsAskedInAllAndNoMore() throws Exception {
        try (LoopbackServers servers = new LoopbackServers(false)) {
            Dialer dialer = new Dialer(servers.proxyTarget("proxy"), servers.origin(), null, 2000);
            HttpGet get = new HttpGet("localhost:9080", "/big", LoopbackServers.BIG);

            CellResult r = new BulkRun(dialer, get, 10, Duration.ofSeconds(5), TIMEOUT)
                    .run(Scenario.BULK, 4, CpuWindow.of(null, null));

            assertThat(r.errors()).isEmpty();
            assertThat(r.concurrency()).isEqualTo(4);
            assertThat(r.iterations()).isEqualTo(10);
            assertThat(r.bytes()).isEqualTo(10L * LoopbackServers.BIG);
            assertThat(r.latency().count()).isEqualTo(10);
            assertThat(r.notes()).isEmpty();
        }
    }

    @Test
    void theTimeUnderWayCountsOverlappingFetchesOnce() {
        assertThat(BulkRun.underWay(List.of())).isZero();
        assertThat(BulkRun.underWay(List.of(new long[] {0, 10}, new long[] {20, 25}))).isEqualTo(15);
        assertThat(BulkRun.underWay(List.of(new long[] {5, 30}, new long[] {0, 10}, new long[] {12, 14},
                new long[] {40, 50}))).isEqualTo(40);
    }

    @Test
    void aKeepAliveConnectionCarriesItsRequestsAndIsReopenedAfterThem() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        AtomicInteger requests = new AtomicInteger();
        try (ServerSocket backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> keepAliveBackend(backend, connections, requests));
            acceptor.setDaemon(true);
            acceptor.start();
            ReverseSite site = new ReverseSite("reverse.bench.test", "/",
                    new InetSocketAddress("127.0.0.1", backend.getLocalPort()), 5);
            Dialer dialer = new Dialer(Target.parse("direct"), Origin.DEFAULT, site, null, 2000);
            HttpGet get = new HttpGet(site.host(), site.path(), 2, true);

            CellResult r = new RateRun(dialer, get, Duration.ofMillis(100), Duration.ofMillis(400), TIMEOUT, 5)
                    .run(Scenario.REVERSE_KEEPALIVE, 2, CpuWindow.of(null, null));

            assertThat(r.errors()).isEmpty();
            assertThat(r.iterations()).isPositive().isLessThanOrEqualTo(requests.get());
            assertThat(connections.get()).as("five requests per connection, and the two threads' last ones")
                    .isBetween(requests.get() / 5, requests.get() / 5 + 2);
        }
    }

    @Test
    void forwardKeepAliveSpeaksToTheProxyItselfWithoutConnectAndReusesTheConnection() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        AtomicInteger requests = new AtomicInteger();
        try (ServerSocket proxy = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> keepAliveBackend(proxy, connections, requests));
            acceptor.setDaemon(true);
            acceptor.start();
            Target target = Target.parse("proxy=127.0.0.1:" + proxy.getLocalPort());
            Dialer dialer = new Dialer(target, Origin.DEFAULT, null, 2000);
            HttpGet get = new HttpGet("localhost:9080", "http://localhost:9080/small", 2, true);

            CellResult r = new RateRun(dialer, get, Duration.ofMillis(100), Duration.ofMillis(400), TIMEOUT, 5)
                    .run(Scenario.FORWARD_KEEPALIVE, 1, CpuWindow.of(null, null));

            assertThat(r.errors()).as("a CONNECT would have been answered with a body-less 200 and failed")
                    .isEmpty();
            assertThat(r.iterations()).isPositive();
            assertThat(connections.get()).isBetween(requests.get() / 5, requests.get() / 5 + 1);
        }
    }

    /** Answers every request on a connection with a 2-byte body, keeping it open; counts both. */
    private static void keepAliveBackend(ServerSocket server, AtomicInteger connections, AtomicInteger requests) {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                connections.incrementAndGet();
                Thread t = new Thread(() -> {
                    try (socket) {
                        InputStream in = socket.getInputStream();
                        OutputStream out = socket.getOutputStream();
                        // One request head ends at an empty line; a GET has no body.
                        for (int c, state = 0; (c = in.read()) >= 0; ) {
                            state = c == (state % 2 == 0 ? '\r' : '\n') ? state + 1 : c == '\r' ? 1 : 0;
                            if (state == 4) {
                                requests.incrementAndGet();
                                out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                                        .getBytes(StandardCharsets.US_ASCII));
                                out.flush();
                                state = 0;
                            }
                        }
                    } catch (IOException e) {
                        // the client closed: the end of this connection
                    }
                });
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private static CellResult rate(Target target, Origin origin, int concurrency)
            throws IOException, InterruptedException {
        Dialer dialer = new Dialer(target, origin, null, 2000);
        HttpGet get = new HttpGet("localhost:9080", "/small", 13);
        return new RateRun(dialer, get, Duration.ofMillis(100), Duration.ofMillis(400), TIMEOUT)
                .run(Scenario.TUNNEL_PLAIN, concurrency, CpuWindow.of(null, null));
    }
}

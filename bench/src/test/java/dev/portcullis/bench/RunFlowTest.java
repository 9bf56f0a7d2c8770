package dev.portcullis.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
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

            CellResult r = new BulkRun(dialer, get, 3, Duration.ofSeconds(5), TIMEOUT).run(Scenario.BULK, cpu);

            assertThat(r.errors()).isEmpty();
            assertThat(r.iterations()).isEqualTo(3);
            assertThat(r.bytes()).isEqualTo(3L * LoopbackServers.BIG);
            assertThat(r.megabytesPerSecond()).isPositive();
            assertThat(r.cpuMicros()).isNotNull().isNotNegative();
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

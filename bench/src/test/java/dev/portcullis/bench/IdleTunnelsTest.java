package dev.portcullis.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class IdleTunnelsTest {

    @TempDir
    Path dir;

    @Test
    void theHoldingOriginEchoesAndKeepsEveryConnectionOpen() throws IOException {
        try (HoldingOrigin origin = HoldingOrigin.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             Socket a = new Socket(InetAddress.getLoopbackAddress(), origin.port());
             Socket b = new Socket(InetAddress.getLoopbackAddress(), origin.port())) {
            for (Socket s : new Socket[] {a, b}) {
                s.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
            }

            assertThat(new String(a.getInputStream().readNBytes(5), StandardCharsets.US_ASCII)).isEqualTo("ping\n");
            assertThat(new String(b.getInputStream().readNBytes(5), StandardCharsets.US_ASCII)).isEqualTo("ping\n");
            assertThat(origin.open()).as("both accepted before they were answered").isEqualTo(2);
        }
    }

    @Test
    void tunnelsThroughAConnectProxyAreHeldOpenAndTheProxysMemoryIsReadBeforeAndWithThem() throws IOException {
        try (LoopbackServers servers = new LoopbackServers(false)) {
            long self = ProcessHandle.current().pid();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Path json = dir.resolve("idle.json");
            String proxy = servers.proxyTarget("proxy").toString();

            int status = Main.run(new String[] {"--scenarios", "idle-tunnels", "--tunnels", "20", "--hold-port", "0",
                    "--origin-address", "127.0.0.1", proxy, "--pid", "proxy=" + self, "--json", json.toString()},
                    Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(OutputStream.nullOutputStream()));

            String tables = out.toString(StandardCharsets.UTF_8);
            assertThat(status).isZero();
            assertThat(tables).contains("### idle-tunnels", "20 tunnels opened through each target");
            String row = tables.lines().filter(l -> l.startsWith("| proxy |")).findFirst().orElseThrow();
            String[] cells = row.split("\\|");
            assertThat(cells[2].trim()).as("tunnels open").isEqualTo("20");
            assertThat(cells[5].trim()).as("heap per tunnel is read for a JVM").isNotEqualTo("-");
            assertThat(cells[8].trim()).as("RSS per tunnel").isNotEqualTo("-");
            assertThat(cells[10].trim()).as("errors").isEqualTo("0");
            assertThat(Files.readString(json)).contains("\"idle\": [", "\"opened\": 20", "\"heapBytesWith\": ");
        }
    }

    @Test
    void aRefusingProxyOpensNothingAndEachRefusalIsCountedByItsStatus() throws InterruptedException, IOException {
        try (LoopbackServers servers = new LoopbackServers(true);
             HoldingOrigin origin = HoldingOrigin.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Origin held = new Origin("localhost", "127.0.0.1", origin.port(), origin.port(), "/small", "/big");
            Dialer dialer = new Dialer(servers.proxyTarget("proxy"), held, null, 2000);

            IdleResult r = new IdleRun(dialer, 5, null).run(null);

            assertThat(r.opened()).isZero();
            assertThat(r.errors()).containsExactly(Map.entry("CONNECT answered 403", 5L));
            assertThat(r.before()).as("no pid: memory not read").isNull();
            assertThat(r.heapPerTunnel()).isNull();
        }
    }
}

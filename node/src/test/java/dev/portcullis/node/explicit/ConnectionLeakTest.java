package dev.portcullis.node.explicit;

import dev.portcullis.node.testkit.FreePorts;
import dev.portcullis.node.testkit.Poll;
import dev.portcullis.node.testkit.TestCluster;
import dev.portcullis.node.testkit.TestOrigin;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients that give up halfway — mid-head, right after the 200, with a half-close, after a refusal, between or
 * during keep-alive plain requests — leave no
 * socket behind in the proxy (nor towards the origin): the JVM's open sockets return to where they were.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConnectionLeakTest {

    @TempDir
    static Path dir;

    private static Vertx vertx;
    private static TestOrigin origin;
    private static TestOrigin plain;
    private static TestCluster cluster;
    private static int proxyPort;
    private static int closedPort;
    private static ServerSocket sink;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        origin = TestOrigin.https(vertx, "origin.test");
        plain = TestOrigin.http(vertx, "plain.test");
        closedPort = FreePorts.one();
        sink = startSink();
        Path policy = dir.resolve("policy.yaml");
        Files.writeString(policy, """
                version: 1
                default: { action: deny }
                rules:
                  - name: origin
                    hosts: [origin.test, sink.test, plain.test]
                    action: allow
                    destinations: [127.0.0.1/32]
                  - name: inspected
                    hosts: [inspected.test]
                    action: allow
                    inspection: decrypt
                    destinations: [127.0.0.1/32]
                """);
        cluster = TestCluster.start(TestCluster.node("policy:1,dns:1,proxy:1")
                .section("policy", new JsonObject().put("file", policy.toString()))
                .section("dns", new JsonObject().put("static",
                        new JsonObject().put("origin.test", new JsonArray().add("127.0.0.1"))
                                .put("sink.test", new JsonArray().add("127.0.0.1"))
                                .put("plain.test", new JsonArray().add("127.0.0.1"))
                                .put("inspected.test", new JsonArray().add("127.0.0.1")))));
        proxyPort = cluster.listenerPort(0, "explicit");
    }

    /**
     * An upstream that never speaks and closes a connection only when it reads the end of it, so a tunnel the
     * proxy forgets to close stays open on both sides and shows in the count.
     */
    private static ServerSocket startSink() throws IOException {
        ServerSocket server = new ServerSocket(0, 200, java.net.InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket accepted = server.accept();
                    Thread reader = new Thread(() -> {
                        try (accepted; InputStream in = accepted.getInputStream()) {
                            while (in.read() >= 0) {
                                // hold the connection until the proxy ends it
                            }
                        } catch (IOException ended) {
                            // reset by the proxy: ended all the same
                        }
                    }, "sink-reader");
                    reader.setDaemon(true);
                    reader.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }, "sink-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
        return server;
    }

    @AfterAll
    static void stop() throws IOException {
        if (sink != null) {
            sink.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        for (TestOrigin each : new TestOrigin[] {origin, plain}) {
            if (each != null) {
                each.close();
            }
        }
        if (vertx != null) {
            vertx.close().await();
        }
    }

    /** Sockets this JVM holds open right now (proxy, origin and its TCP front, cluster), from /proc/self/fd. */
    private static long openSockets() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith("socket:");
                } catch (IOException gone) {
                    return false;
                }
            }).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The open-socket count once it has stopped changing (three equal readings 200 ms apart, at most 10 s). */
    private static long settledSockets() {
        long previous = -1;
        int same = 0;
        for (int reading = 0; reading < 50 && same < 2; reading++) {
            long now = openSockets();
            same = now == previous ? same + 1 : 0;
            previous = now;
            vertx.timer(200).await();
        }
        return previous;
    }

    /**
     * Sends {@code request}, reads the first answer when asked, then (when {@code halfClose}) shuts its own
     * output down and reads until the proxy closes — the way `nc` ends a tunnel.
     */
    private static String send(String request, boolean halfClose, boolean waitForAnswer) throws IOException {
        return send(request, halfClose, waitForAnswer, null);
    }

    /** As above; {@code afterAnswer}, when given, is written into the tunnel once the answer came. */
    private static String send(String request, boolean halfClose, boolean waitForAnswer, String afterAnswer)
            throws IOException {
        try (Socket socket = new Socket("127.0.0.1", proxyPort)) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            if (!waitForAnswer) {
                return "";
            }
            byte[] head = new byte[64];
            InputStream in = socket.getInputStream();
            int read = in.read(head);
            String answer = read <= 0 ? "" : new String(head, 0, read, StandardCharsets.ISO_8859_1);
            if (afterAnswer != null) {
                socket.getOutputStream().write(afterAnswer.getBytes(StandardCharsets.ISO_8859_1));
                socket.getOutputStream().flush();
            }
            if (halfClose) {
                socket.shutdownOutput();
                while (in.read(head) >= 0) {
                    // drain until the proxy closes: the origin saw our end of input and closed its side
                }
            }
            return answer;
        }
    }

    /**
     * Sends {@code requests}, reads the start of the first answer when asked, gives the proxy a moment to forward
     * what follows, then resets the connection (SO_LINGER 0): a client that is gone, not one that half-closed.
     */
    private static String sendAndReset(String requests, boolean readFirst) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", proxyPort)) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(requests.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            String answer = "";
            if (readFirst) {
                byte[] head = new byte[64];
                int read = socket.getInputStream().read(head);
                answer = read <= 0 ? "" : new String(head, 0, read, StandardCharsets.ISO_8859_1);
            }
            Thread.sleep(100);
            socket.setSoLinger(true, 0);
            return answer;
        }
    }

    @Test
    void clientsThatGiveUpHalfwayLeaveNoSocketBehind() throws Exception {
        String connect = "CONNECT origin.test:" + origin.port() + " HTTP/1.1\r\n\r\n";
        // One round first, so that lazily opened sockets (pools, the cluster's own) exist before the baseline.
        assertThat(send(connect, false, true)).startsWith("HTTP/1.1 200");
        long baseline = settledSockets();

        for (int round = 0; round < 20; round++) {
            assertThat(send("GARBAGE\r\n\r\n", false, true)).startsWith("HTTP/1.1 400");
            send("CONNECT origin.test:" + origin.port() + " HTTP/1.1\r\nHost: ori", false, false);
            assertThat(send(connect, false, true)).startsWith("HTTP/1.1 200");
            assertThat(send(connect, true, true)).startsWith("HTTP/1.1 200");
            assertThat(send(connect, false, true, "not TLS, relayed as it is\r\n")).startsWith("HTTP/1.1 200");
            String toSink = "CONNECT sink.test:" + sink.getLocalPort() + " HTTP/1.1\r\n\r\n";
            assertThat(send(toSink, false, true)).startsWith("HTTP/1.1 200");
            assertThat(send(toSink, false, true, "bytes, then the client goes\r\n")).startsWith("HTTP/1.1 200");
            assertThat(send(toSink, true, true, "bytes, then a half-close\r\n")).startsWith("HTTP/1.1 200");
            assertThat(send("CONNECT denied.test:443 HTTP/1.1\r\n\r\n", false, true)).startsWith("HTTP/1.1 403");
            assertThat(send("CONNECT origin.test:" + closedPort + " HTTP/1.1\r\n\r\n", false, true))
                    .startsWith("HTTP/1.1 502");
            // Keep-alive plain HTTP: the client leaves after its answer, half-closes after it, or leaves (a reset:
            // gone, not half-closed) while its request waits on an upstream that never answers, after an answered
            // one or as its first. A FIN alone would keep that request waiting for its answer, as a half-close
            // must (README, "What happens to one connection"), until the idle timeout.
            String plainGet = "GET http://plain.test:" + plain.port() + "/ HTTP/1.1\r\nHost: plain.test:"
                    + plain.port() + "\r\n\r\n";
            String sinkGet = "GET http://sink.test:" + sink.getLocalPort() + "/ HTTP/1.1\r\nHost: sink.test:"
                    + sink.getLocalPort() + "\r\n\r\n";
            assertThat(send(plainGet, false, true)).startsWith("HTTP/1.1 200");
            assertThat(send(plainGet, true, true)).startsWith("HTTP/1.1 200");
            assertThat(sendAndReset(plainGet + sinkGet, true)).startsWith("HTTP/1.1 200");
            sendAndReset(sinkGet, false);
        }

        Poll.until(Duration.ofSeconds(15), ConnectionLeakTest::settledSockets,
                open -> open <= baseline, "open sockets back to the baseline of " + baseline);
        // Independently of the fd count (which another socket closing could balance): the kernel's own table holds
        // no connection still open on the proxy's port or towards the origin and the sink.
        assertThat(openTcpConnections(proxyPort, origin.port(), sink.getLocalPort(), plain.port()))
                .as("connections ESTABLISHED or in CLOSE_WAIT on the proxy, origin or sink port").isEmpty();
    }

    /** The first TLS record a JDK client sends for {@code host}: its whole ClientHello. */
    private static byte[] clientHello(String host) throws Exception {
        javax.net.ssl.SSLEngine engine = javax.net.ssl.SSLContext.getDefault().createSSLEngine(host, 443);
        engine.setUseClientMode(true);
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(java.nio.ByteBuffer.allocate(0), out);
        out.flip();
        byte[] record = new byte[out.remaining()];
        out.get(record);
        return record;
    }

    /** CONNECTs, reads the 200, sends {@code firstBytes} (maybe none) and closes at once. */
    private static void connectSendAndLeave(String connect, byte[] firstBytes) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", proxyPort)) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(connect.getBytes(StandardCharsets.ISO_8859_1));
            byte[] answer = new byte[64];
            int read = socket.getInputStream().read(answer);
            assertThat(new String(answer, 0, Math.max(read, 0), StandardCharsets.ISO_8859_1))
                    .startsWith("HTTP/1.1 200");
            socket.getOutputStream().write(firstBytes);
            socket.getOutputStream().flush();
        }
    }

    @Test
    void clientsThatLeaveBeforeTheirClientHelloIsDecidedUnderADecryptRuleLeaveNoUpstreamBehind() throws Exception {
        String connect = "CONNECT inspected.test:" + sink.getLocalPort() + " HTTP/1.1\r\n\r\n";
        byte[] hello = clientHello("inspected.test");
        connectSendAndLeave(connect, new byte[0]);
        long baseline = settledSockets();

        for (int round = 0; round < 20; round++) {
            connectSendAndLeave(connect, new byte[0]);
            connectSendAndLeave(connect, Arrays.copyOf(hello, hello.length / 2));
            connectSendAndLeave(connect, hello);
        }

        Poll.until(Duration.ofSeconds(15), ConnectionLeakTest::settledSockets,
                open -> open <= baseline, "open sockets back to the baseline of " + baseline);
        assertThat(openTcpConnections(proxyPort, sink.getLocalPort()))
                .as("connections still open on the proxy port or towards the never-speaking upstream").isEmpty();
    }

    /**
     * Connections in {@code /proc/net/tcp} and {@code tcp6} that are {@code ESTABLISHED} or {@code CLOSE_WAIT}
     * (the peer is gone, this side never closed) with either end on one of {@code ports}; as "local -> remote
     * state" lines. TIME_WAIT and the FIN_WAIT states hold no socket of a process and are ignored.
     */
    private static List<String> openTcpConnections(int... ports) throws IOException {
        Set<Integer> watched = Arrays.stream(ports).boxed().collect(Collectors.toSet());
        List<String> open = new ArrayList<>();
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            Path file = Path.of(table);
            if (!Files.exists(file)) {
                continue;
            }
            List<String> lines = Files.readAllLines(file);
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.trim().split("\\s+");
                String state = fields[3];
                int local = Integer.parseInt(fields[1].substring(fields[1].indexOf(':') + 1), 16);
                int remote = Integer.parseInt(fields[2].substring(fields[2].indexOf(':') + 1), 16);
                boolean stillOpen = state.equals("01") || state.equals("08");
                if (stillOpen && (watched.contains(local) || watched.contains(remote))) {
                    open.add(fields[1] + " -> " + fields[2] + " state " + state);
                }
            }
        }
        return open;
    }
}

package dev.portcullis.node.explicit;

import dev.portcullis.node.testkit.Curl;
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
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One hostile client cannot take a node: its idle connections past its own limits are refused as they arrive
 * (429 naming the limit), the node's heap stays bounded, and a second client's requests pass meanwhile. Idle
 * connections are what a slowloris or a forgotten pool holds; the flood comes from 127.0.0.1 and the second
 * client from 127.0.0.2, two addresses of loopback.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ConnectionFloodTest {

    private static final String SECOND_CLIENT = "127.0.0.2";

    @TempDir
    static Path dir;

    private static Vertx vertx;
    private static TestOrigin origin;
    private static TestCluster defaults;
    private static TestCluster tight;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        origin = TestOrigin.http(vertx, "origin.test");
        Path policy = dir.resolve("policy.yaml");
        Files.writeString(policy, """
                version: 1
                default: { action: deny }
                rules:
                  - name: origin
                    hosts: [origin.test]
                    action: allow
                    destinations: [127.0.0.1/32]
                """);
        JsonObject dns = new JsonObject().put("static",
                new JsonObject().put("origin.test", new JsonArray().add("127.0.0.1")));
        defaults = TestCluster.start(TestCluster.node("policy:1,dns:1,proxy:1")
                .section("policy", new JsonObject().put("file", policy.toString()))
                .section("dns", dns));
        // Small limits, so that tunnels (past their head) and the node's total can be filled in a test.
        tight = TestCluster.start(TestCluster.node("policy:1,dns:1,proxy:1")
                .section("policy", new JsonObject().put("file", policy.toString()))
                .section("dns", dns)
                .section("proxy", new JsonObject().put("limits", new JsonObject()
                        .put("max-connections", 30)
                        .put("max-connections-per-client", 20))));
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable closing : new AutoCloseable[]{tight, defaults, origin}) {
            try {
                if (closing != null) {
                    closing.close();
                }
            } catch (Exception e) {
                // closing anyway
            }
        }
        if (vertx != null) {
            vertx.close().await();
        }
    }

    @Test
    void fiveThousandIdleConnectionsFromOneClientLeaveTheNodeToOthers() throws Exception {
        int proxyPort = defaults.listenerPort(0, "explicit");
        long heapBefore = usedHeapAfterGc();
        List<Socket> flood = new ArrayList<>();
        try {
            for (int i = 0; i < 5_000; i++) {
                Socket socket = new Socket();
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxyPort), 5_000);
                flood.add(socket);
            }
            // Those past the client's unfinished-heads limit are answered at once; the others wait for a head
            // (and may get their 408 once the request timeout has passed). Accepts are answered in order, so
            // once the last is answered, every refusal has been written.
            Map<String, Integer> answers = new HashMap<>();
            Socket last = flood.get(flood.size() - 1);
            last.setSoTimeout(5_000);
            answers.merge(firstLine(last), 1, Integer::sum);
            for (Socket socket : flood.subList(0, flood.size() - 1)) {
                socket.setSoTimeout(20);
                answers.merge(firstLine(socket), 1, Integer::sum);
            }
            int refused = answers.getOrDefault("HTTP/1.1 429 Too Many Requests", 0);
            int held = answers.getOrDefault("(no answer yet)", 0) + answers.getOrDefault("HTTP/1.1 408 Request Timeout", 0);
            assertThat(refused).as("answers: %s", answers).isEqualTo(5_000 - 256);
            assertThat(held).as("answers: %s", answers).isEqualTo(256);

            long heapHeld = usedHeapAfterGc();
            assertThat(heapHeld - heapBefore).as("heap grown while the flood is held").isLessThan(32L << 20);

            // A second client is not the first one's victim.
            assertThat(connectThrough(SECOND_CLIENT, proxyPort)).startsWith("HTTP/1.1 200");
        } finally {
            for (Socket socket : flood) {
                socket.close();
            }
        }
        // The flood's slots are given back when its connections close: the first client passes again.
        assertThat(eventually(() -> connectThrough("127.0.0.1", proxyPort))).startsWith("HTTP/1.1 200");
    }

    @Test
    void aClientOverItsConnectionLimitGets429AndTheNodeOverItsTotal503() throws Exception {
        int proxyPort = tight.listenerPort(0, "explicit");
        List<Socket> tunnels = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                tunnels.add(openTunnel("127.0.0.1", proxyPort));
            }
            String refusal = connectThrough("127.0.0.1", proxyPort);
            assertThat(refusal).startsWith("HTTP/1.1 429").contains("max-connections-per-client");
            // curl writes its CONNECT at once, into a connection the proxy refuses without reading: it must
            // still read the answer, not a reset.
            for (int i = 0; i < 20; i++) {
                Curl.Result curl = Curl.viaProxy(proxyPort).get("https://origin.test:" + origin.port() + "/");
                assertThat(curl.connectStatus()).as(curl.stderr()).isEqualTo(429);
            }

            for (int i = 0; i < 10; i++) {
                tunnels.add(openTunnel(SECOND_CLIENT, proxyPort));
            }
            String full = connectThrough("127.0.0.3", proxyPort);
            assertThat(full).startsWith("HTTP/1.1 503").contains("proxy.limits.max-connections");
        } finally {
            for (Socket tunnel : tunnels) {
                tunnel.close();
            }
        }
        assertThat(eventually(() -> connectThrough("127.0.0.3", proxyPort))).startsWith("HTTP/1.1 200");
    }

    /** A CONNECT tunnel to the origin from {@code client}, left open and idle. */
    private static Socket openTunnel(String client, int proxyPort) throws IOException {
        Socket socket = connectFrom(client, proxyPort);
        socket.getOutputStream().write(connect().getBytes(StandardCharsets.ISO_8859_1));
        assertThat(firstLine(socket)).startsWith("HTTP/1.1 200");
        return socket;
    }

    /**
     * The proxy's answer (status line, headers and what fits in one read) to a CONNECT to the origin. A refusal
     * over a limit comes before the client has written anything; it is read first, since writing to a socket
     * the proxy has closed could reset it before the answer is read.
     */
    private static String connectThrough(String client, int proxyPort) throws IOException {
        try (Socket socket = connectFrom(client, proxyPort)) {
            byte[] answer = new byte[4096];
            socket.setSoTimeout(100);
            try {
                int read = socket.getInputStream().read(answer);
                return read < 0 ? "(closed)" : new String(answer, 0, read, StandardCharsets.ISO_8859_1);
            } catch (SocketTimeoutException notRefused) {
                socket.setSoTimeout(10_000);
            }
            OutputStream out = socket.getOutputStream();
            out.write(connect().getBytes(StandardCharsets.ISO_8859_1));
            int read = socket.getInputStream().read(answer);
            return read < 0 ? "(closed)" : new String(answer, 0, read, StandardCharsets.ISO_8859_1);
        }
    }

    private static String connect() {
        return "CONNECT origin.test:" + origin.port() + " HTTP/1.1\r\nHost: origin.test:" + origin.port()
                + "\r\n\r\n";
    }

    private static Socket connectFrom(String client, int proxyPort) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(client, 0));
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxyPort), 5_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** The first line the proxy sent, or "(no answer yet)" when nothing came within the socket's timeout. */
    private static String firstLine(Socket socket) throws IOException {
        StringBuilder line = new StringBuilder();
        InputStream in = socket.getInputStream();
        try {
            for (int b = in.read(); b >= 0 && b != '\r' && b != '\n'; b = in.read()) {
                line.append((char) b);
            }
        } catch (SocketTimeoutException nothing) {
            return "(no answer yet)";
        }
        return line.toString();
    }

    private interface Attempt {
        String run() throws IOException;
    }

    /** The first answer that is not a refusal, within 10 s (the proxy sees closes a moment after the client). */
    private static String eventually(Attempt attempt) {
        return Poll.until(Duration.ofSeconds(10), () -> {
            try {
                return attempt.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, answer -> answer.startsWith("HTTP/1.1 200"), "a CONNECT answered 200 again");
    }

    private static long usedHeapAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}

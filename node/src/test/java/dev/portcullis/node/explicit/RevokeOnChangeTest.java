package dev.portcullis.node.explicit;

import dev.portcullis.api.bus.Addresses;
import dev.portcullis.api.ca.CaClient;
import dev.portcullis.node.testkit.AccessRecords;
import dev.portcullis.node.testkit.Curl;
import dev.portcullis.node.testkit.EchoServer;
import dev.portcullis.node.testkit.Poll;
import dev.portcullis.node.testkit.TestCluster;
import dev.portcullis.node.testkit.TestOrigin;
import dev.portcullis.node.testkit.TlsTrust;
import dev.portcullis.node.testkit.Tunnels;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code proxy.revoke-on-change} across an in-JVM cluster: one node runs the policy, dns and ca roles, one a
 * proxy with the setting on, one a proxy with it off (the default). Spliced CONNECT tunnels carry plain bytes to
 * an echo server, a decrypted one carries HTTPS requests to an origin, and a keep-alive plain-HTTP connection
 * downloads from a plain origin; then the policy file is rewritten so that one echo name, the decrypted name and
 * the plain name are denied. Only the proxy with the setting closes their tunnels and cuts the download,
 * recording and counting them as revoked; its tunnel to the name still allowed, and every tunnel of the other
 * proxy, go on echoing.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RevokeOnChangeTest {

    private static final String ALL_ALLOWED = """
            version: 1
            default: { action: deny }
            rules:
              - name: echo
                hosts: [revoked.test, kept.test]
                action: allow
                inspection: splice
                destinations: [127.0.0.1/32]
              - name: inspected
                hosts: [inspected.test]
                action: allow
                inspection: decrypt
                destinations: [127.0.0.1/32]
                http:
                  - { methods: [GET], paths: ["/"], action: allow }
              - name: plain
                hosts: [plain.test]
                action: allow
                destinations: [127.0.0.1/32]
            """;
    private static final String TWO_REMOVED = ALL_ALLOWED.replace("[revoked.test, kept.test]", "[kept.test]")
            .replace("[inspected.test]", "[inspected-no-more.test]").replace("[plain.test]", "[plain-no-more.test]");

    /** Bytes of a download the client never reads to the end: far more than the socket buffers hold. */
    private static final long HUGE = 512L * 1024 * 1024;

    @TempDir
    static Path dir;

    private static EchoServer echo;
    private static Vertx vertx;
    private static TestOrigin origin;
    private static TestOrigin plain;
    private static TestCluster cluster;
    private static Path policy;
    private static Path revokingLog;

    @BeforeAll
    static void start() throws IOException {
        echo = EchoServer.start();
        vertx = Vertx.vertx();
        origin = TestOrigin.https(vertx, "inspected.test");
        plain = TestOrigin.http(vertx, "plain.test");
        policy = Files.writeString(dir.resolve("policy.yaml"), ALL_ALLOWED);
        revokingLog = dir.resolve("revoking-access.log");
        JsonObject statics = new JsonObject()
                .put("revoked.test", new JsonArray().add("127.0.0.1"))
                .put("kept.test", new JsonArray().add("127.0.0.1"))
                .put("inspected.test", new JsonArray().add("127.0.0.1"))
                .put("plain.test", new JsonArray().add("127.0.0.1"));
        cluster = TestCluster.start(
                TestCluster.node("policy:1,dns:1,ca:1")
                        .section("policy", new JsonObject().put("file", policy.toString())
                                .put("reload-interval", "200ms"))
                        .section("dns", new JsonObject().put("static", statics))
                        .section("ca", new JsonObject().put("data-dir", dir.resolve("ca").toString())),
                TestCluster.node("proxy:1").section("proxy", new JsonObject()
                        .put("revoke-on-change", true)
                        .put("upstream-ca-file", origin.caFile().toString())
                        .put("access-log", new JsonObject().put("file", revokingLog.toString()))),
                TestCluster.node("proxy:1").section("proxy", new JsonObject()
                        .put("access-log", new JsonObject().put("file", dir.resolve("keeping-access.log")
                                .toString()))));
    }

    @AfterAll
    static void stop() throws IOException {
        if (cluster != null) {
            cluster.close();
        }
        if (echo != null) {
            echo.close();
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

    /** A CONNECT tunnel through one proxy node to the echo server under {@code host}, its 200 already read. */
    private static Socket tunnel(int node, String host) throws IOException {
        return tunnel(node, host, echo.port());
    }

    private static Socket tunnel(int node, String host, int port) throws IOException {
        return Tunnels.open(cluster.listenerPort(node, "explicit"), host, port);
    }

    /**
     * A decrypted tunnel through proxy node 1 to the origin: TLS to the gateway's leaf (trusting the cluster's
     * root), over which HTTP/1.1 requests are kept alive.
     */
    private static SSLSocket decrypted() throws Exception {
        Socket tunnel = tunnel(1, "inspected.test", origin.port());
        String rootPem = new CaClient(cluster.node(1).vertx()).root().await().rootPem();
        SSLSocket tls = (SSLSocket) TlsTrust.only(rootPem).getSocketFactory()
                .createSocket(tunnel, "inspected.test", origin.port(), true);
        tls.setSoTimeout(5000);
        tls.startHandshake();
        return tls;
    }

    /** Asks {@code GET /} over a decrypted tunnel and reads the answer up to the end of its body. */
    private static String get(SSLSocket tls) throws IOException {
        tls.getOutputStream().write(("GET / HTTP/1.1\r\nHost: inspected.test:" + origin.port() + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        tls.getOutputStream().flush();
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        InputStream in = tls.getInputStream();
        while (!answer.toString(StandardCharsets.ISO_8859_1).endsWith(origin.body())) {
            int next = in.read();
            assertThat(next).as("the answer so far: " + answer).isNotNegative();
            answer.write(next);
        }
        return answer.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * A keep-alive plain-HTTP connection through proxy node 1 with a large download in flight: its head and the
     * start of its body already read, the rest held back by not reading.
     */
    private static Socket downloading() throws IOException {
        Socket socket = new Socket("127.0.0.1", cluster.listenerPort(1, "explicit"));
        socket.setSoTimeout(5000);
        String authority = "plain.test:" + plain.port();
        socket.getOutputStream().write(("GET http://" + authority + "/bytes/" + HUGE + " HTTP/1.1\r\nHost: "
                + authority + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        byte[] start = socket.getInputStream().readNBytes(1024);
        assertThat(new String(start, StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200");
        return socket;
    }

    /** Reads what is left until the gateway closes; fails on a read timeout. */
    private static long drained(Socket socket) throws IOException {
        long total = 0;
        byte[] buffer = new byte[64 * 1024];
        for (int read = socket.getInputStream().read(buffer); read >= 0;
             read = socket.getInputStream().read(buffer)) {
            total += read;
        }
        return total;
    }

    private static List<JsonObject> records(Path file) {
        return new AccessRecords(file).all();
    }

    /** {@code portcullis_tunnels_revoked_total} on a node's {@code /metrics}, 0 while nothing was revoked. */
    private static double revokedCount(int node) {
        String body = Curl.direct().get("http://127.0.0.1:" + cluster.node(node).adminPort() + "/metrics").body();
        Matcher counter = Pattern.compile("(?m)^portcullis_tunnels_revoked_total\\{[^}]*listener=\"explicit\"[^}]*} "
                + "([0-9.eE+]+)$").matcher(body);
        return counter.find() ? Double.parseDouble(counter.group(1)) : 0;
    }

    @Test
    void aChangeThatDeniesANameClosesItsTunnelsOnlyWhereTheSettingIsOn() throws Exception {
        List<String> announced = new CopyOnWriteArrayList<>();
        MessageConsumer<JsonObject> notices = cluster.node(2).vertx().eventBus()
                .consumer(Addresses.POLICY_CHANGED, message -> announced.add(message.body().getString("policyVersion")));
        notices.completion().await();
        double revokedBefore = revokedCount(1);
        try (Socket revoked = tunnel(1, "revoked.test");
             Socket kept = tunnel(1, "kept.test");
             Socket survivor = tunnel(2, "revoked.test");
             SSLSocket inspected = decrypted();
             Socket download = downloading()) {
            assertThat(Tunnels.echoed(revoked, "one\n")).isEqualTo("one\n");
            assertThat(Tunnels.echoed(kept, "one\n")).isEqualTo("one\n");
            assertThat(Tunnels.echoed(survivor, "one\n")).isEqualTo("one\n");
            assertThat(get(inspected)).startsWith("HTTP/1.1 200").endsWith(origin.body());

            Files.writeString(policy, TWO_REMOVED);

            // The proxy with the setting closes the denied tunnels: each client reads the end of its stream.
            Poll.until(Duration.ofSeconds(10), () -> Tunnels.closedByGateway(revoked), closed -> closed,
                    "the tunnel to revoked.test closed by the gateway");
            Poll.until(Duration.ofSeconds(10), () -> Tunnels.closedByGateway(inspected), closed -> closed,
                    "the decrypted tunnel to inspected.test closed by the gateway");
            // A keep-alive plain connection's download in flight from a name now denied ends with its upstream.
            assertThat(drained(download)).as("the download cut short").isLessThan(HUGE);
            // The other proxy has had the same notice; its tunnel to the same name carries on.
            Poll.until(Duration.ofSeconds(10), () -> announced.size(), count -> count > 0, "policy.changed on node 2");
            assertThat(Tunnels.echoed(kept, "two\n")).as("the allowed name's tunnel on the revoking proxy")
                    .isEqualTo("two\n");
            assertThat(Tunnels.echoed(survivor, "two\n")).as("the tunnel of the proxy without the setting")
                    .isEqualTo("two\n");

            JsonObject record = Poll.until(Duration.ofSeconds(10), () -> records(revokingLog).stream()
                            .filter(each -> "revoked.test".equals(each.getString("host"))).findFirst().orElse(null),
                    found -> found != null, "the revoked tunnel's access record");
            assertThat(record.getString("reason")).isEqualTo("revoked");
            assertThat(record.getString("revokedBy")).startsWith("denied by rule 'default' (policy sha256:")
                    .endsWith(announced.get(announced.size() - 1) + ")");
            assertThat(record.getLong("bytesUp")).as("the relay's byte counts are kept").isEqualTo(4L);
            assertThat(record.getLong("bytesDown")).isEqualTo(4L);
            JsonObject decryptedRecord = Poll.until(Duration.ofSeconds(10), () -> records(revokingLog).stream()
                            .filter(each -> "inspected.test".equals(each.getString("host"))
                                    && "revoked".equals(each.getString("reason"))).findFirst().orElse(null),
                    found -> found != null, "the decrypted tunnel's record, reason revoked");
            assertThat(decryptedRecord.getString("revokedBy")).startsWith("denied by rule 'default'");
            assertThat(decryptedRecord.getString("inspection")).isEqualTo("decrypt");
            JsonObject plainRecord = Poll.until(Duration.ofSeconds(10), () -> records(revokingLog).stream()
                            .filter(each -> "plain.test".equals(each.getString("host"))).findFirst().orElse(null),
                    found -> found != null, "the plain request's record");
            assertThat(plainRecord.getString("reason")).isEqualTo("revoked");
            assertThat(plainRecord.getString("revokedBy")).startsWith("denied by rule 'default'");
            assertThat(plainRecord.getInteger("status")).isEqualTo(200);
            assertThat(records(revokingLog)).filteredOn(each -> "kept.test".equals(each.getString("host")))
                    .as("the kept tunnel has not ended").isEmpty();
            assertThat(records(dir.resolve("keeping-access.log"))).as("no tunnel of the other proxy has ended")
                    .isEmpty();
        } finally {
            notices.unregister();
        }
        Poll.until(Duration.ofSeconds(5), () -> revokedCount(1), count -> count == revokedBefore + 3,
                "portcullis_tunnels_revoked_total counts the two revoked tunnels and the plain request");
    }
}

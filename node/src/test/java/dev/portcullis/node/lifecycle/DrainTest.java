package dev.portcullis.node.lifecycle;

import dev.portcullis.node.Node;
import dev.portcullis.node.testkit.AccessRecords;
import dev.portcullis.node.testkit.Curl;
import dev.portcullis.node.testkit.EchoServer;
import dev.portcullis.node.testkit.Poll;
import dev.portcullis.api.ca.CaClient;
import dev.portcullis.node.testkit.TestCa;
import dev.portcullis.node.testkit.TestCluster;
import dev.portcullis.node.testkit.TestOrigin;
import dev.portcullis.node.testkit.Tunnels;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.ProxyOptions;
import io.vertx.core.net.ProxyType;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A proxy node told to stop drains (README, "Drain and rolling restarts"): {@code /readyz} answers 503 at once,
 * its listener stops accepting, and a tunnel already open goes on carrying bytes until its client ends it; one
 * still open when {@code proxy.drain-timeout} passes is closed by the gateway, with reason {@code drain} in its
 * record. The policy node stays up throughout, as the rest of a fleet would.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DrainTest {

    private static final String POLICY = """
            version: 1
            default: { action: deny }
            rules:
              - name: echo
                hosts: [echo.test]
                action: allow
                inspection: splice
                destinations: [127.0.0.1/32]
              - name: plain
                hosts: [plain.test]
                action: allow
                destinations: [127.0.0.1/32]
              - name: inspected
                hosts: [h2.test]
                action: allow
                inspection: decrypt
                destinations: [127.0.0.1/32]
                http:
                  - { methods: [GET], paths: ["/"], action: allow }
            """;

    @TempDir
    Path dir;

    private EchoServer echo;
    private Vertx vertx;
    private TestOrigin plain;
    private TestCa originCa;
    private TestOrigin h2;
    private TestCluster cluster;

    @BeforeEach
    void start() throws IOException {
        echo = EchoServer.start();
        vertx = Vertx.vertx();
        plain = TestOrigin.http(vertx, "plain.test");
        originCa = TestCa.create("Drain Test Origin CA");
        h2 = TestOrigin.httpsH2(vertx, originCa, "h2.test");
        Path policy = Files.writeString(dir.resolve("policy.yaml"), POLICY);
        cluster = TestCluster.start(
                TestCluster.node("policy:1,dns:1,ca:1")
                        .section("policy", new JsonObject().put("file", policy.toString()))
                        .section("ca", new JsonObject().put("data-dir", dir.resolve("ca").toString()))
                        .section("dns", new JsonObject().put("static",
                                new JsonObject().put("echo.test", new JsonArray().add("127.0.0.1"))
                                        .put("plain.test", new JsonArray().add("127.0.0.1"))
                                        .put("h2.test", new JsonArray().add("127.0.0.1")))),
                proxy("patient", "10m"),
                proxy("hurried", "1s"));
    }

    private TestCluster.NodeSpec proxy(String name, String drainTimeout) {
        return TestCluster.node("proxy:1").section("proxy", new JsonObject()
                .put("drain-timeout", drainTimeout)
                .put("upstream-ca-file", originCa.certFile().toString())
                .put("access-log", new JsonObject().put("file", dir.resolve(name + ".log").toString())));
    }

    @AfterEach
    void stop() throws IOException {
        if (cluster != null) {
            cluster.close();
        }
        echo.close();
        plain.close();
        h2.close();
        vertx.close().await();
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedWhenTheDrainBeginsNotAtItsTimeout() throws Exception {
        Node proxy = cluster.node(1);
        try (Socket client = new Socket("127.0.0.1", cluster.listenerPort(1, "explicit"))) {
            client.setSoTimeout(5000);
            String authority = "plain.test:" + plain.port();
            client.getOutputStream().write(("GET http://" + authority + "/ HTTP/1.1\r\nHost: " + authority
                    + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            String head = Tunnels.readHead(client.getInputStream());
            assertThat(head).startsWith("HTTP/1.1 200").doesNotContainIgnoringCase("connection: close");
            int length = Integer.parseInt(head.replaceAll("(?is).*content-length: *(\\d+).*", "$1"));
            assertThat(new String(client.getInputStream().readNBytes(length), StandardCharsets.ISO_8859_1))
                    .isEqualTo(plain.body());

            // This proxy's drain timeout is 10 minutes: only the drain itself can end the idle connection now.
            Future<Void> closing = proxy.close();

            // Well before the 10 s deadline for a next request, which would close it too.
            Poll.until(Duration.ofSeconds(5), () -> Tunnels.closedByGateway(client), closed -> closed,
                    "the idle keep-alive connection closed by the drain");
            Poll.until(Duration.ofSeconds(10), closing::isComplete, done -> done, "the node stopped");
        }
    }

    @Test
    void aDecryptedHttp2ConnectionGetsGoAwayWhenTheDrainBeginsAndClosesOnceItsStreamsEnded() throws Exception {
        Node proxy = cluster.node(1);
        String root = new CaClient(cluster.node(0).vertx()).root().await().rootPem();
        HttpClient client = vertx.createHttpClient(new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2).setUseAlpn(true).setSsl(true)
                .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(root)))
                .setProxyOptions(new ProxyOptions().setType(ProxyType.HTTP).setHost("127.0.0.1")
                        .setPort(cluster.listenerPort(1, "explicit"))));
        try {
            // The body is asked for on the event loop as the response arrives: asked later, it may have gone by.
            AtomicReference<HttpClientResponse> answered = new AtomicReference<>();
            String body = client.request(HttpMethod.GET, h2.port(), "h2.test", "/")
                    .compose(request -> request.send())
                    .compose(arrived -> {
                        answered.set(arrived);
                        return arrived.body();
                    })
                    .await(20, TimeUnit.SECONDS).toString();
            HttpClientResponse response = answered.get();
            assertThat(response.version()).isEqualTo(HttpVersion.HTTP_2);
            assertThat(body).isEqualTo(h2.body());
            AtomicBoolean goAway = new AtomicBoolean();
            AtomicBoolean closed = new AtomicBoolean();
            HttpConnection connection = response.request().connection();
            connection.goAwayHandler(frame -> goAway.set(true));
            connection.closeHandler(ignored -> closed.set(true));

            Future<Void> closing = proxy.close();

            Poll.until(Duration.ofSeconds(10), goAway::get, got -> got, "GOAWAY from the draining proxy");
            Poll.until(Duration.ofSeconds(10), closed::get, got -> got, "the connection closed, no stream open");
            Poll.until(Duration.ofSeconds(10), closing::isComplete, done -> done, "the node stopped");
        } finally {
            client.close().await(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void aDrainingProxyIsUnreadyRefusesNewClientsAndLetsAnOpenTunnelFinish() throws Exception {
        Node proxy = cluster.node(1);
        int port = cluster.listenerPort(1, "explicit");
        assertThat(readyStatus(proxy)).isEqualTo(200);
        try (Socket tunnel = Tunnels.open(port, "echo.test", echo.port())) {
            assertThat(Tunnels.echoed(tunnel, "before\n")).isEqualTo("before\n");

            Future<Void> closing = proxy.close();

            assertThat(readyStatus(proxy)).as("/readyz once the drain began").isEqualTo(503);
            Poll.until(Duration.ofSeconds(10), () -> refused(port), refused -> refused,
                    "the listener refusing new connections");
            assertThat(Tunnels.echoed(tunnel, "during\n")).as("the open tunnel while the node drains")
                    .isEqualTo("during\n");
            assertThat(closing.isComplete()).as("the node waits for its open tunnel").isFalse();

            tunnel.close();
            Poll.until(Duration.ofSeconds(10), closing::isComplete, done -> done, "the node stopped");
        }
        JsonObject record = new AccessRecords(dir.resolve("patient.log")).all().get(0);
        assertThat(record.getString("host")).isEqualTo("echo.test");
        assertThat(record.getString("reason")).isNotEqualTo("drain");
        assertThat(record.getLong("bytesUp")).isEqualTo(14L);
    }

    @Test
    void aTunnelStillOpenWhenTheDrainTimeoutPassesIsClosedWithReasonDrain() throws Exception {
        Node proxy = cluster.node(2);
        try (Socket tunnel = Tunnels.open(cluster.listenerPort(2, "explicit"), "echo.test", echo.port())) {
            assertThat(Tunnels.echoed(tunnel, "hello\n")).isEqualTo("hello\n");

            Future<Void> closing = proxy.close();

            Poll.until(Duration.ofSeconds(10), () -> Tunnels.closedByGateway(tunnel), closed -> closed,
                    "the tunnel closed by the gateway after drain-timeout");
            Poll.until(Duration.ofSeconds(10), closing::isComplete, done -> done, "the node stopped");
        }
        JsonObject record = new AccessRecords(dir.resolve("hurried.log")).all().get(0);
        assertThat(record.getString("reason")).isEqualTo("drain");
        assertThat(record.getLong("bytesDown")).as("the relay's count is kept").isEqualTo(6L);
    }

    private static int readyStatus(Node node) {
        return Curl.direct().get("http://127.0.0.1:" + node.adminPort() + "/readyz").status();
    }

    /** Whether a new TCP connection to the listener is refused. */
    private static boolean refused(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}

package dev.portcullis.node.explicit;

import dev.portcullis.node.testkit.TestCluster;
import dev.portcullis.node.testkit.TestOrigin;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Input no well-behaved client sends, through a real clustered node: each gets its own clear status, and the
 * origin — which the policy would allow — never sees a connection.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HostileInputTest {

    @TempDir
    static Path dir;

    private static Vertx vertx;
    private static TestOrigin origin;
    private static TestCluster cluster;
    private static int proxyPort;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        origin = TestOrigin.https(vertx, "origin.test");
        Path policy = dir.resolve("policy.yaml");
        // Everything is allowed by policy, so what refuses below is the request parsing or the destination guard.
        Files.writeString(policy, """
                version: 1
                default: { action: deny }
                rules:
                  - name: origin
                    hosts: [origin.test]
                    action: allow
                    destinations: [127.0.0.1/32]
                  - name: everything-else
                    hosts: ["*", "0.0.0.0/0", "::/0"]
                    action: allow
                """);
        JsonObject statics = new JsonObject()
                .put("origin.test", new JsonArray().add("127.0.0.1"))
                .put("internal.test", new JsonArray().add("127.0.0.1"))
                .put("rebind.test", new JsonArray().add("10.0.0.7").add("169.254.169.254"));
        cluster = TestCluster.start(TestCluster.node("policy:1,dns:1,proxy:1")
                .section("policy", new JsonObject().put("file", policy.toString()))
                .section("dns", new JsonObject().put("static", statics))
                .section("proxy", new JsonObject().put("request-timeout", "1s")));
        proxyPort = cluster.listenerPort(0, "explicit");
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (origin != null) {
            origin.close();
        }
        if (vertx != null) {
            vertx.close().await();
        }
    }

    private int originConnectionsBefore;

    @BeforeEach
    void countOriginConnections() {
        originConnectionsBefore = origin.connections();
    }

    static Stream<Arguments> refused() {
        int port = 443;
        return Stream.of(
                Arguments.of("garbage request line", "GARBAGE\r\n\r\n", 400, "malformed request line"),
                Arguments.of("binary junk", "\u0001\u0002\u0003\u0000\u00ff\r\n\r\n", 400, "malformed request line"),
                Arguments.of("CONNECT without a port", "CONNECT origin.test HTTP/1.1\r\n\r\n", 400, "needs a port"),
                Arguments.of("CONNECT with an empty label", "CONNECT a..test:" + port + " HTTP/1.1\r\n\r\n", 400,
                        "invalid host"),
                Arguments.of("CONNECT with an underscore", "CONNECT bad_host.test:" + port + " HTTP/1.1\r\n\r\n", 400,
                        "invalid host"),
                Arguments.of("CONNECT with a numeric non-quad host", "CONNECT 2130706433:" + port + " HTTP/1.1\r\n\r\n",
                        400, "numeric host"),
                Arguments.of("CONNECT with a 300-character name",
                        "CONNECT " + ("a".repeat(60) + ".").repeat(5) + "test:" + port + " HTTP/1.1\r\n\r\n", 400,
                        "longer than 253"),
                Arguments.of("origin-form request to the proxy", "GET / HTTP/1.1\r\nHost: origin.test\r\n\r\n", 400,
                        "this is a proxy"),
                Arguments.of("oversized header block",
                        "CONNECT origin.test:" + port + " HTTP/1.1\r\nX-Big: " + "a".repeat(40_000) + "\r\n\r\n", 431,
                        "header block larger"),
                Arguments.of("oversized request line", "CONNECT " + "a".repeat(9000) + ":443 HTTP/1.1\r\n\r\n", 414,
                        "request line longer"),
                Arguments.of("metadata address as a literal", "CONNECT 169.254.169.254:80 HTTP/1.1\r\n\r\n", 403,
                        "metadata"),
                Arguments.of("IPv4-mapped IPv6 metadata address", "CONNECT [::ffff:169.254.169.254]:80 HTTP/1.1\r\n\r\n",
                        403, "metadata"),
                Arguments.of("name resolving only into guarded ranges (DNS rebinding)",
                        "CONNECT rebind.test:443 HTTP/1.1\r\n\r\n", 403, "guarded range"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refusedWithAClearStatusAndNothingForwarded(String sentence, String request, int status, String reason)
            throws Exception {
        RawClient.Answer answer = RawClient.send(proxyPort, request, 5000);

        assertThat(answer.status()).as(answer.response()).isEqualTo(status);
        assertThat(answer.response()).contains(reason);
        assertThat(answer.header("Proxy-Status")).startsWith("portcullis; error=");
        assertThat(answer.closed()).as("proxy closes after an error").isTrue();
        assertThat(origin.connections()).isEqualTo(originConnectionsBefore);
    }

    @Test
    void loopbackLiteralOnTheOriginsPortIsRefusedByTheGuard() throws Exception {
        RawClient.Answer answer = RawClient.send(proxyPort,
                "CONNECT 127.0.0.1:" + origin.port() + " HTTP/1.1\r\n\r\n", 5000);

        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.header("Proxy-Status")).contains("destination_ip_prohibited");
        assertThat(origin.connections()).isEqualTo(originConnectionsBefore);
    }

    @Test
    void nameResolvingToLoopbackIsRefusedByTheGuard() throws Exception {
        RawClient.Answer answer = RawClient.send(proxyPort,
                "CONNECT internal.test:" + origin.port() + " HTTP/1.1\r\n\r\n", 5000);

        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.response()).contains("loopback");
        assertThat(origin.connections()).isEqualTo(originConnectionsBefore);
    }

    @Test
    void theSameOriginIsReachableUnderTheNameWhoseRuleExemptsIt() throws Exception {
        RawClient.Answer answer = RawClient.send(proxyPort,
                "CONNECT origin.test:" + origin.port() + " HTTP/1.1\r\n\r\n", 1000);

        assertThat(answer.response()).startsWith("HTTP/1.1 200 Connection established\r\n\r\n");
        assertThat(origin.connections()).isEqualTo(originConnectionsBefore + 1);
    }

    @Test
    void clientSendingHalfARequestAndStallingIsAnswered408AndClosed() throws Exception {
        RawClient.Answer answer = RawClient.send(proxyPort, "CONNECT origin.test:443 HTTP/1.1\r\nHost: orig", 10_000);

        assertThat(answer.status()).isEqualTo(408);
        assertThat(answer.closed()).isTrue();
        assertThat(answer.elapsedMs()).as("closed by the 1 s request timeout, not the 10 s read timeout")
                .isLessThan(8000);
        assertThat(origin.connections()).isEqualTo(originConnectionsBefore);
    }

    @Test
    void aTlsHelloOnTheProxyPortIsAnsweredAtOnceWithTheReason() throws Exception {
        // What a client configured with https://proxy sends first: a TLS handshake record.
        byte[] hello = {0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x00};

        RawClient.Answer answer = RawClient.send(proxyPort, hello, 5000);

        assertThat(answer.status()).as("not the 408 of the head deadline").isEqualTo(400);
        assertThat(answer.response()).contains("TLS on the proxy port: configure the proxy as http://");
        assertThat(answer.closed()).isTrue();
    }
}

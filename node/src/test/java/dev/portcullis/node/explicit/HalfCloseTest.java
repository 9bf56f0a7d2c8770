package dev.portcullis.node.explicit;

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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that half-closes right after its request head, as {@code printf '...' | nc -N proxy 3128} does, still
 * gets its answer: a half-close is not a close. A tunnel then carries the FIN to the upstream, which ends it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HalfCloseTest {

    @TempDir
    static Path dir;

    private static Vertx vertx;
    private static TestOrigin origin;
    private static TestOrigin plain;
    private static TestCluster cluster;
    private static int proxyPort;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        origin = TestOrigin.https(vertx, "origin.test");
        plain = TestOrigin.http(vertx, "plain.test");
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                version: 1
                default: { action: deny }
                rules:
                  - name: origins
                    hosts: [origin.test, plain.test]
                    action: allow
                    destinations: [127.0.0.1/32]
                """);
        cluster = TestCluster.start(TestCluster.node("policy:1,dns:1,proxy:1")
                .section("policy", new JsonObject().put("file", policy.toString()))
                .section("dns", new JsonObject().put("static", new JsonObject()
                        .put("origin.test", new JsonArray().add("127.0.0.1"))
                        .put("plain.test", new JsonArray().add("127.0.0.1")))));
        proxyPort = cluster.listenerPort(0, "explicit");
    }

    @AfterAll
    static void stop() {
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

    /** What {@code printf REQUEST | nc -N 127.0.0.1 PROXY} prints; nc must end on its own within 10 s. */
    private static String ncHalfClosing(String request) throws IOException, InterruptedException {
        Process nc = new ProcessBuilder("nc", "-N", "127.0.0.1", Integer.toString(proxyPort))
                .redirectErrorStream(true).start();
        nc.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        nc.getOutputStream().close();
        boolean ended = nc.waitFor(10, TimeUnit.SECONDS);
        if (!ended) {
            nc.destroyForcibly();
        }
        String output = new String(nc.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertThat(ended).as("nc ended on its own; it printed: " + output).isTrue();
        return output;
    }

    @Test
    void aConnectFollowedByAHalfCloseIsAnsweredAndTheTunnelEndsWithTheUpstream() throws Exception {
        String output = ncHalfClosing("CONNECT origin.test:" + origin.port() + " HTTP/1.1\r\n\r\n");

        assertThat(output).startsWith("HTTP/1.1 200 Connection established\r\n\r\n");
    }

    @Test
    void aDeniedConnectFollowedByAHalfCloseStillGetsIts403() throws Exception {
        String output = ncHalfClosing("CONNECT denied.test:443 HTTP/1.1\r\n\r\n");

        assertThat(output).startsWith("HTTP/1.1 403 Forbidden").contains("denied by rule 'default'");
    }

    @Test
    void aPlainRequestFollowedByAHalfCloseGetsItsResponse() throws Exception {
        String output = ncHalfClosing("GET http://plain.test:" + plain.port() + "/ HTTP/1.1\r\nHost: plain.test:"
                + plain.port() + "\r\n\r\n");

        assertThat(output).startsWith("HTTP/1.1 200").endsWith(plain.body());
    }

    @Test
    void aHeadCutShortByAHalfCloseIsRefusedAtOnce() throws Exception {
        String output = ncHalfClosing("CONNECT origin.test:" + origin.port() + " HTTP/1.1\r\nHost: ori");

        assertThat(output).startsWith("HTTP/1.1 400").contains("client ended its request before the head was complete");
    }
}

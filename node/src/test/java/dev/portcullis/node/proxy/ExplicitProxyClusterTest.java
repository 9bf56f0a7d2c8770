package dev.portcullis.node.proxy;

import dev.portcullis.node.testkit.Curl;
import dev.portcullis.node.testkit.Poll;
import dev.portcullis.node.testkit.TestCluster;
import dev.portcullis.node.testkit.TestOrigin;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The explicit proxy end to end with the real curl, the roles spread over three in-JVM nodes: one policy, one
 * dns, one proxy. The origin runs on 127.0.0.1, so the policy exempts that address from the destination guard
 * for origin.test only; the dns role answers origin.test and denied.test from static overrides.
 */
@ExtendWith(VertxExtension.class)
@Timeout(120)
class ExplicitProxyClusterTest {

    static final String POLICY = """
            version: 1
            default: { action: deny }
            rules:
              - name: test-origin
                hosts: [origin.test]
                action: allow
                inspection: splice
                destinations: [127.0.0.1/32]
            """;

    @TempDir
    static Path dir;
    static TestOrigin origin;
    static TestCluster cluster;
    static int proxyPort;

    @BeforeAll
    static void start(Vertx vertx) throws IOException {
        origin = TestOrigin.https(vertx, "origin.test", "denied.test");
        Path policy = Files.writeString(dir.resolve("policy.yaml"), POLICY);
        JsonObject statics = new JsonObject()
                .put("origin.test", new JsonArray().add("127.0.0.1"))
                .put("denied.test", new JsonArray().add("127.0.0.1"));
        cluster = TestCluster.start(
                TestCluster.node("policy:1").section("policy", new JsonObject().put("file", policy.toString())),
                TestCluster.node("dns:1").section("dns", new JsonObject().put("static", statics)),
                TestCluster.node("proxy:1"));
        proxyPort = cluster.listenerPort(2, "explicit");
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (origin != null) {
            origin.close();
        }
    }

    @Test
    void connectToAnAllowedHostReachesTheOrigin() {
        Curl.Result result = Curl.viaProxy(proxyPort).caFile(origin.caFile())
                .get("https://origin.test:" + origin.port() + "/");

        assertThat(result.stderr()).isEmpty();
        assertThat(result.exitCode()).isZero();
        assertThat(result.connectStatus()).isEqualTo(200);
        assertThat(result.status()).isEqualTo(200);
        assertThat(result.body()).isEqualTo(origin.body());
    }

    @Test
    void aTunnelCarriesAMegabyteIntact() {
        Curl.Result result = Curl.viaProxy(proxyPort).caFile(origin.caFile())
                .get("https://origin.test:" + origin.port() + "/bytes/1048576");

        assertThat(result.status()).isEqualTo(200);
        assertThat(result.body()).hasSize(1048576).startsWith("abcdefghijklmnopqrstuvwxyzabc");
    }

    @Test
    void metricsCountConnectionsByVerdictBesideVertxsOwn() {
        Curl.viaProxy(proxyPort).caFile(origin.caFile()).get("https://origin.test:" + origin.port() + "/");
        Curl.viaProxy(proxyPort).get("https://metrics-denied.test:" + origin.port() + "/");
        int proxyNode = cluster.nodes().size() - 1;

        Curl.Result metrics = Poll.until(Duration.ofSeconds(5),
                () -> Curl.direct().get("http://127.0.0.1:" + cluster.node(proxyNode).adminPort() + "/metrics"),
                result -> result.body().contains("verdict=\"deny\""), "a denied connection counted");

        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body())
                .containsPattern("portcullis_connections_total\\{[^}]*outcome=\"4xx\"[^}]*verdict=\"deny\"")
                .containsPattern("portcullis_connections_total\\{[^}]*outcome=\"2xx\"[^}]*verdict=\"allow\"")
                .contains("portcullis_bytes_total")
                .contains("vertx_");
    }

    @Test
    void aDeniedHostGets403AndTheOriginSeesNoConnection() {
        int before = origin.connections();

        Curl.Result result = Curl.viaProxy(proxyPort).caFile(origin.caFile())
                .get("https://denied.test:" + origin.port() + "/");

        assertThat(result.connectStatus()).isEqualTo(403);
        assertThat(result.stderr()).contains("CONNECT tunnel failed, response 403");
        assertThat(result.body()).isEmpty();
        assertThat(origin.connections()).isEqualTo(before);
    }
}

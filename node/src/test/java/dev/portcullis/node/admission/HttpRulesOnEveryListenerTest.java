package dev.portcullis.node.admission;

import dev.portcullis.node.testkit.Curl;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A decrypt rule's {@code http} entries decide a readable plain-HTTP request the same way on the explicit listener
 * (absolute-form, {@code curl -x}) and on a transparent port (origin-form, as a redirected client sends it): a
 * denied path gets {@code 403} with {@code Proxy-Status} and the origin sees nothing, an allowed one passes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HttpRulesOnEveryListenerTest {

    private static final String TRANSPARENT = "transparent-http";

    @TempDir
    static Path dir;

    private static Vertx vertx;
    private static TestOrigin origin;
    private static TestCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        origin = TestOrigin.http(vertx, "plain.test");
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                version: 1
                default: { action: deny }
                rules:
                  - name: inspected-plain
                    hosts: [plain.test]
                    action: allow
                    inspection: decrypt
                    destinations: [127.0.0.1/32]
                    http:
                      - { methods: [GET], paths: ["/bytes/**"], action: allow }
                      - { action: deny }
                """);
        cluster = TestCluster.start(TestCluster.node("policy:1,dns:1,ca:1,proxy:1")
                .section("policy", new JsonObject().put("file", policy.toString()))
                .section("dns", new JsonObject().put("static",
                        new JsonObject().put("plain.test", new JsonArray().add("127.0.0.1"))))
                .section("ca", new JsonObject().put("data-dir", dir.resolve("ca").toString()))
                .section("proxy", new JsonObject().put("transparent", new JsonArray().add(new JsonObject()
                        .put("name", TRANSPARENT).put("host", "127.0.0.1").put("port", 0)
                        .put("upstream-port", origin.port())))));
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

    private static String url(String path) {
        return "http://plain.test:" + origin.port() + path;
    }

    private static Curl.Result explicit(String path) {
        return Curl.viaProxy(cluster.listenerPort(0, "explicit")).option("-D", "/dev/stderr").get(url(path));
    }

    /** As a client whose port-80 traffic a REDIRECT rule sends to the transparent listener. */
    private static Curl.Result transparent(String path) {
        return Curl.direct().option("-D", "/dev/stderr", "--connect-to",
                "plain.test:" + origin.port() + ":127.0.0.1:" + cluster.listenerPort(0, TRANSPARENT)).get(url(path));
    }

    @Test
    void aPathTheRuleDeniesGets403OnTheExplicitListenerAndNothingReachesTheOrigin() {
        Curl.Result denied = explicit("/private/explicit");

        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.stderr()).contains("Proxy-Status: portcullis; error=http_request_denied");
        assertThat(denied.body()).contains("GET /private/explicit denied by rule 'inspected-plain'");
        assertThat(origin.requests()).noneMatch(request -> request.contains("/private/explicit"));
    }

    @Test
    void aPathTheRuleDeniesGets403OnATransparentPortAndNothingReachesTheOrigin() {
        int connectionsBefore = origin.connections();

        Curl.Result denied = transparent("/private/transparent");

        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.stderr()).contains("Proxy-Status: portcullis; error=http_request_denied");
        assertThat(denied.body()).contains("GET /private/transparent denied by rule 'inspected-plain'");
        assertThat(origin.requests()).noneMatch(request -> request.contains("/private/transparent"));
        assertThat(origin.connections()).as("not even a connection is opened for a denied request")
                .isEqualTo(connectionsBefore);
    }

    @Test
    void aPathTheRuleAllowsPassesOnBothListeners() {
        Curl.Result viaExplicit = explicit("/bytes/3");
        Curl.Result viaTransparent = transparent("/bytes/4");

        assertThat(viaExplicit.status()).isEqualTo(200);
        assertThat(viaTransparent.status()).isEqualTo(200);
        assertThat(origin.requests()).contains("GET /bytes/3", "GET /bytes/4");
    }
}

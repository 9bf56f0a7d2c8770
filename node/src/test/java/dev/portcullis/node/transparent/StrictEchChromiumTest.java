package dev.portcullis.node.transparent;

import dev.portcullis.node.testkit.AccessRecords;
import dev.portcullis.node.testkit.Chromium;
import dev.portcullis.node.testkit.TestCa;
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
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The strict {@code ech: deny} setting (the default before issue 8) refuses real Chromium on an allowed name,
 * because every Chromium ClientHello carries a GREASE {@code encrypted_client_hello} extension: what the README's
 * policy reference warns about, and what {@link ChromiumTest} would meet without the {@code outer-sni} default.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StrictEchChromiumTest {

    @TempDir
    static Path dir;

    private static Vertx vertx;
    private static TestCa originCa;
    private static TestOrigin origin;
    private static TestCluster cluster;
    private static AccessRecords records;
    private static int proxyPort;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        originCa = TestCa.create("Strict ECH Test Origin CA");
        origin = TestOrigin.https(vertx, originCa, "origin.test");
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                version: 1
                default: { action: deny }
                ech: deny
                rules:
                  - name: spliced
                    hosts: [origin.test]
                    action: allow
                    destinations: [127.0.0.1/32]
                """);
        Path accessLog = dir.resolve("access.log");
        records = new AccessRecords(accessLog);
        cluster = TestCluster.start(TestCluster.node("policy:1,dns:1,proxy:1")
                .section("policy", new JsonObject().put("file", policy.toString()))
                .section("dns", new JsonObject().put("static",
                        new JsonObject().put("origin.test", new JsonArray().add("127.0.0.1"))))
                .section("proxy", new JsonObject()
                        .put("access-log", new JsonObject().put("file", accessLog.toString()))));
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

    @Test
    void chromiumIsRefusedOnAnAllowedNameBecauseEveryHelloItSendsCarriesEch() {
        Predicate<JsonObject> refused = AccessRecords.listener("explicit")
                .and(r -> "origin.test".equals(r.getString("host")) && "ech".equals(r.getString("rule")));
        int before = records.count(refused);

        Chromium.Result result = Chromium.trusting(dir, originCa.certFile()).viaProxy(proxyPort)
                .load("https://origin.test:" + origin.port() + "/");

        assertThat(result.dom()).doesNotContain(origin.body());
        JsonObject record = records.awaitNext("Chromium's refused tunnel", refused, before);
        assertThat(record.getString("verdict")).isEqualTo("deny");
        assertThat(record.getString("sni")).isEqualTo("origin.test");
        assertThat(origin.requests()).as("no request reached the origin").isEmpty();
    }
}

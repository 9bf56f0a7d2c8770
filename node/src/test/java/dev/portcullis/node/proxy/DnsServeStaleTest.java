package dev.portcullis.node.proxy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.portcullis.node.testkit.Curl;
import dev.portcullis.node.testkit.Poll;
import dev.portcullis.node.testkit.TestCluster;
import dev.portcullis.node.testkit.TestOrigin;
import dev.portcullis.proxy.resolve.DestinationResolver;
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
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dns node dies after two proxies resolved origin.test (static override, 1 s TTL): the proxy with
 * {@code proxy.dns-serve-stale: 5m} still connects with the answer it had and says so in its log and access
 * record; the one without it answers {@code 503} naming dns (README, "What happens to one connection", step 4).
 * Policy, dns and each proxy run on their own in-JVM node, so closing the dns node takes only the dns role away.
 */
@ExtendWith(VertxExtension.class)
@Timeout(120)
class DnsServeStaleTest {

    static final String POLICY = """
            version: 1
            default: { action: deny }
            rules:
              - name: test-origin
                hosts: [origin.test]
                action: allow
                destinations: [127.0.0.1/32]
            """;
    static final Duration STATIC_TTL = Duration.ofSeconds(1);
    static final int DNS_NODE = 1;
    static final int STALE_PROXY = 2;
    static final int STRICT_PROXY = 3;

    @TempDir
    static Path dir;
    static TestOrigin origin;
    static TestCluster cluster;
    static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();

    @BeforeAll
    static void start(Vertx vertx) throws Exception {
        LOGS.start();
        ((Logger) LoggerFactory.getLogger(DestinationResolver.class)).addAppender(LOGS);
        origin = TestOrigin.https(vertx, "origin.test");
        Path policy = Files.writeString(dir.resolve("policy.yaml"), POLICY);
        cluster = TestCluster.start(
                TestCluster.node("policy:1").section("policy", new JsonObject().put("file", policy.toString())),
                TestCluster.node("dns:1").section("dns", new JsonObject()
                        .put("static", new JsonObject().put("origin.test", new JsonArray().add("127.0.0.1")))
                        .put("static-ttl", "1s")),
                proxy("5m", "stale.log"),
                proxy("0s", "strict.log"));

        for (int proxy : List.of(STALE_PROXY, STRICT_PROXY)) {
            assertThat(connect(proxy).status()).as("proxy %d before the dns node dies", proxy).isEqualTo(200);
        }
        long resolved = System.nanoTime();
        cluster.node(DNS_NODE).close().await(20, TimeUnit.SECONDS);
        // The answers must be past their TTL, or the near-cache would answer without asking anyone.
        long left = STATIC_TTL.toNanos() - (System.nanoTime() - resolved);
        if (left > 0) {
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(left) + 50);
        }
    }

    /** A short dns-timeout, so a registration of the dead node that lingers fails as fast as none. */
    private static TestCluster.NodeSpec proxy(String serveStale, String accessLog) {
        return TestCluster.node("proxy:1").section("proxy", new JsonObject()
                .put("dns-serve-stale", serveStale)
                .put("dns-timeout", "2s")
                .put("access-log", new JsonObject().put("file", dir.resolve(accessLog).toString())));
    }

    @AfterAll
    static void stop() {
        ((Logger) LoggerFactory.getLogger(DestinationResolver.class)).detachAppender(LOGS);
        if (cluster != null) {
            cluster.close();
        }
        if (origin != null) {
            origin.close();
        }
    }

    private static Curl.Result connect(int proxy) {
        return Curl.viaProxy(cluster.listenerPort(proxy, "explicit")).caFile(origin.caFile())
                .get("https://origin.test:" + origin.port() + "/");
    }

    @Test
    void withServeStaleTheNextConnectStillReachesTheOriginAndSaysItWasStale() {
        Curl.Result result = connect(STALE_PROXY);

        assertThat(result.connectStatus()).isEqualTo(200);
        assertThat(result.status()).isEqualTo(200);
        assertThat(result.body()).isEqualTo(origin.body());
        List<JsonObject> records = records("stale.log", 2);
        assertThat(records.get(0).containsKey("dnsStale")).as("the first connection had a fresh answer").isFalse();
        assertThat(records.get(1).getBoolean("dnsStale")).isTrue();
        assertThat(records.get(1).getString("resolved")).isEqualTo("127.0.0.1");
        assertThat(LOGS.list).anySatisfy(line -> assertThat(line.getFormattedMessage())
                .contains("dns serve-stale: origin.test -> [127.0.0.1]", "past its TTL", "dns unavailable"));
        String metrics = Curl.direct()
                .get("http://127.0.0.1:" + cluster.node(STALE_PROXY).adminPort() + "/metrics").body();
        assertThat(metrics).containsPattern("(?m)^portcullis_dns_stale_answers_total(\\{[^}]*})? [1-9]");
    }

    @Test
    void withoutItTheAnswerIs503NamingDns() {
        Curl.Result result = connect(STRICT_PROXY);

        assertThat(result.connectStatus()).isEqualTo(503);
        JsonObject refused = records("strict.log", 2).get(1);
        assertThat(refused.getInteger("status")).isEqualTo(503);
        assertThat(refused.getString("reason")).startsWith("dns unavailable");
        assertThat(refused.containsKey("dnsStale")).isFalse();
    }

    /** The proxy's access records once there are {@code count}; each is written when its connection ends. */
    private static List<JsonObject> records(String accessLog, int count) {
        Path file = dir.resolve(accessLog);
        return Poll.until(Duration.ofSeconds(10), () -> read(file), records -> records.size() >= count,
                count + " records in " + accessLog);
    }

    private static List<JsonObject> read(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file).stream().filter(line -> !line.isBlank())
                    .map(JsonObject::new).toList() : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

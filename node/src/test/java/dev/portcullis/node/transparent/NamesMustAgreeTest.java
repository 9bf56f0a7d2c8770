package dev.portcullis.node.transparent;

import dev.portcullis.node.testkit.Poll;
import dev.portcullis.node.testkit.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DESIGN §3, names must agree, on the explicit listener: a spliced {@code CONNECT} tunnel's ClientHello must name
 * the CONNECT host unless the rule opts out, and an encrypted ClientHello meets the policy's {@code ech} action.
 * Real sockets on loopback; the origin keeps what it receives.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NamesMustAgreeTest {

    private static final String ESTABLISHED = "HTTP/1.1 200 Connection established\r\n\r\n";
    private static final int UNRECOGNIZED_NAME = 112;
    private static final int ACCESS_DENIED = 49;

    @TempDir
    static Path dir;

    private static Vertx vertx;
    private static CapturingOrigin origin;
    private static TestCluster cluster;
    private static AccessRecords records;
    private static int proxyPort;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        origin = CapturingOrigin.start(vertx, "127.0.0.1", 0);
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                version: 1
                default: { action: deny }
                rules:
                  - name: checked
                    hosts: [allowed.test]
                    action: allow
                    destinations: [127.0.0.1/32]
                  - name: vpn
                    hosts: [vpn.test]
                    action: allow
                    sni-check: false
                    destinations: [127.0.0.1/32]
                """);
        JsonObject statics = new JsonObject()
                .put("allowed.test", new JsonArray().add("127.0.0.1"))
                .put("vpn.test", new JsonArray().add("127.0.0.1"));
        Path accessLog = dir.resolve("access.log");
        records = new AccessRecords(accessLog);
        cluster = TestCluster.start(
                TestCluster.node("policy:1,dns:1,proxy:1")
                        .section("policy", new JsonObject().put("file", policy.toString()))
                        .section("dns", new JsonObject().put("static", statics))
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

    private static RawExchange.Answer connectThenSend(String host, byte[] hello) throws Exception {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.write(("CONNECT " + host + ":" + origin.port() + " HTTP/1.1\r\nHost: " + host + ":" + origin.port()
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        request.write(hello);
        return RawExchange.exchange("127.0.0.1", proxyPort, request.toByteArray(), 100_000, 3000);
    }

    private static byte[] afterEstablished(RawExchange.Answer answer) {
        assertThat(answer.text()).startsWith(ESTABLISHED);
        return Arrays.copyOfRange(answer.bytes(), ESTABLISHED.length(), answer.bytes().length);
    }

    @Test
    void aClientHelloForAnotherNameInsideAConnectTunnelIsRefusedAsANameMismatch() throws Exception {
        int connectionsBefore = origin.connections();
        int before = records.count(AccessRecords.sni("explicit", "other.test"));

        RawExchange.Answer answer = connectThenSend("allowed.test", Hellos.jdk("other.test"));

        byte[] alert = afterEstablished(answer);
        assertThat(new RawExchange.Answer(alert, true).isAlert(UNRECOGNIZED_NAME)).isTrue();
        JsonObject record = records.awaitNext("mismatch", AccessRecords.sni("explicit", "other.test"), before);
        assertThat(record.getString("reason")).isEqualTo("name mismatch: SNI other.test in a tunnel to allowed.test");
        assertThat(origin.connections() - connectionsBefore).as("dialled before the 200, but sent nothing")
                .isEqualTo(1);
        assertThat(origin.latestBytes()).isEmpty();
    }

    @Test
    void aClientHelloNamingTheConnectHostPassesByteForByte() throws Exception {
        byte[] hello = Hellos.jdk("allowed.test");

        RawExchange.Answer answer = connectThenSend("allowed.test", hello);

        assertThat(afterEstablished(answer)).isEmpty();
        assertThat(Poll.until(Duration.ofSeconds(5), origin::latestBytes, bytes -> bytes.length >= hello.length,
                "the ClientHello at the origin")).isEqualTo(hello);
    }

    @Test
    void aRuleWithSniCheckOffLetsAnotherNameThrough() throws Exception {
        byte[] hello = Hellos.jdk("elsewhere.test");

        RawExchange.Answer answer = connectThenSend("vpn.test", hello);

        assertThat(afterEstablished(answer)).isEmpty();
        assertThat(Poll.until(Duration.ofSeconds(5), origin::latestBytes, bytes -> bytes.length >= hello.length,
                "the ClientHello at the origin")).isEqualTo(hello);
    }

    @Test
    void anEncryptedClientHelloInATunnelMeetsThePolicysEchAction() throws Exception {
        // By rule: the passing tunnels' records (sni allowed.test too) are written whenever those clients go.
        Predicate<JsonObject> echRecords = AccessRecords.listener("explicit")
                .and(r -> "ech".equals(r.getString("rule")));
        int before = records.count(echRecords);

        RawExchange.Answer answer = connectThenSend("allowed.test", Hellos.withEch("allowed.test"));

        assertThat(new RawExchange.Answer(afterEstablished(answer), true).isAlert(ACCESS_DENIED)).isTrue();
        JsonObject record = records.awaitNext("ech", echRecords, before);
        assertThat(record.getString("rule")).isEqualTo("ech");
        assertThat(record.getString("reason")).contains("refused by the policy's ech action");
    }
}

package dev.portcullis.node.transparent;

import dev.portcullis.node.testkit.AccessRecords;
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
 * The README's "names must agree" on the explicit listener: a spliced {@code CONNECT} tunnel's ClientHello must
 * name the CONNECT host unless the rule opts out, an encrypted ClientHello's outer name included; on the default
 * {@code ech: outer-sni} an encrypted ClientHello naming the CONNECT host passes.
 * Real sockets on loopback; the origin keeps what it receives.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NamesMustAgreeTest {

    private static final String ESTABLISHED = "HTTP/1.1 200 Connection established\r\n\r\n";
    private static final int UNRECOGNIZED_NAME = 112;
    private static final int DECODE_ERROR = 50;

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
        // The origin counts a connection when its acceptor gets to it, which can trail the proxy's dial.
        int dialled = Poll.until(Duration.ofSeconds(5), () -> origin.connections() - connectionsBefore,
                count -> count >= 1, "the origin accepted the dial made before the 200");
        assertThat(dialled).as("dialled before the 200, but sent nothing").isEqualTo(1);
        assertThat(origin.latestBytes()).isEmpty();
    }

    @Test
    void aClientHelloListingTwoHostNamesIsRefusedAsMalformedWithTheReasonRecorded() throws Exception {
        Predicate<JsonObject> malformed = AccessRecords.listener("explicit")
                .and(r -> r.getString("reason", "").contains("host_name"));
        int before = records.count(malformed);

        RawExchange.Answer answer = connectThenSend("allowed.test", Hellos.withTwoServerNames("allowed.test",
                "other.test"));

        assertThat(new RawExchange.Answer(afterEstablished(answer), true).isAlert(DECODE_ERROR)).isTrue();
        JsonObject record = records.awaitNext("two host_names", malformed, before);
        assertThat(record.getString("reason"))
                .isEqualTo("malformed ClientHello: server_name lists more than one host_name");
        assertThat(origin.latestBytes()).as("nothing of it went upstream").isEmpty();
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
    void anEncryptedClientHelloNamingTheConnectHostIsDecidedOnThatNameAndPassesByteForByte() throws Exception {
        // Every Chromium hello carries a GREASE encrypted_client_hello extension; the default ech: outer-sni lets
        // it through on its outer name (the strict ech: deny is StrictEchChromiumTest's).
        byte[] hello = Hellos.withEch("allowed.test");

        RawExchange.Answer answer = connectThenSend("allowed.test", hello);

        assertThat(afterEstablished(answer)).isEmpty();
        assertThat(Poll.until(Duration.ofSeconds(5), origin::latestBytes, bytes -> bytes.length >= hello.length,
                "the ClientHello at the origin")).isEqualTo(hello);
    }

    @Test
    void anEncryptedClientHelloWhoseOuterNameIsAnotherHostIsRefusedAsANameMismatch() throws Exception {
        // An ECH extension must not turn a name mismatch into an ECH question decided on the CONNECT name.
        int connectionsBefore = origin.connections();
        Predicate<JsonObject> refused = AccessRecords.sni("explicit", "other.test");
        int before = records.count(refused);

        RawExchange.Answer answer = connectThenSend("allowed.test", Hellos.withEch("other.test"));

        byte[] after = afterEstablished(answer);
        assertThat(after).as("one fatal TLS alert, nothing else").hasSize(7);
        assertThat(new byte[] {after[0], after[5]}).as("alert record, level fatal").containsExactly(21, 2);
        JsonObject record = records.awaitNext("ech mismatch", refused, before);
        // Dialled before the 200 (the origin may see the accept a moment after the proxy did), but sent nothing.
        Poll.until(Duration.ofSeconds(5), origin::connections, n -> n > connectionsBefore, "the dialled connection");
        assertThat(origin.latestBytes()).isEmpty();
        // Needs the proxy to compare the names before anything ECH-related (being changed in proxy-verticle);
        // until then the policy refuses it with rule ech and alert access_denied.
        assertThat(record.getString("reason")).isEqualTo("name mismatch: SNI other.test in a tunnel to allowed.test");
        assertThat(new RawExchange.Answer(after, true).isAlert(UNRECOGNIZED_NAME)).isTrue();
    }
}

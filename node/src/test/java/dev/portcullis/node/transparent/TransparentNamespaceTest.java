package dev.portcullis.node.transparent;

import dev.portcullis.api.ca.CaClient;
import dev.portcullis.node.testkit.AccessRecords;
import dev.portcullis.node.testkit.Curl;
import dev.portcullis.node.testkit.Poll;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The transparent listener as a redirected workload meets it: a client in its own network namespace whose
 * outbound 443 and 80 are DNATed to the gateway (see {@link ClientNamespace}), real curl and raw bytes from
 * inside that namespace, origins on addresses this test owns. Needs root; without it the set-up fails loudly.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TransparentNamespaceTest {

    /** An address the client believes a name has; the redirect sends it to the gateway whatever it is. */
    private static final String AIMED_AT = "192.0.2.10";
    private static final String HTTPS = "ns-https";
    private static final String HTTP = "ns-http";
    private static final String H2 = "ns-h2";
    /** The port the namespace's client aims at for the HTTP/2 origin, redirected to the {@link #H2} listener. */
    private static final int H2_PORT = 8443;
    private static final int ACCESS_DENIED = 49;

    @TempDir
    static Path dir;

    private static Vertx vertx;
    private static ClientNamespace ns;
    private static TestCa originCa;
    private static TestOrigin origin;
    private static TestOrigin plainOrigin;
    private static TestOrigin h2Origin;
    private static CapturingOrigin capture;
    private static CapturingOrigin forbidden;
    private static TestCluster cluster;
    private static AccessRecords records;
    private static Path portcullisRoot;

    @BeforeAll
    static void start() throws Exception {
        ns = ClientNamespace.create();
        vertx = Vertx.vertx();
        originCa = TestCa.create("Transparent Test Origin CA");
        origin = TestOrigin.https(vertx, originCa, "allowed.test", "decrypt.test");
        plainOrigin = TestOrigin.http(vertx, "plain.test");
        h2Origin = TestOrigin.httpsH2(vertx, originCa, "h2decrypt.test");
        // Same port as the origin: one listener stands for one upstream port, whichever address a name has.
        capture = CapturingOrigin.start(vertx, "127.0.0.3", origin.port());
        forbidden = CapturingOrigin.start(vertx, ns.elsewhereAddress(), origin.port());
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                version: 1
                default: { action: deny }
                rules:
                  - name: allowed
                    hosts: [allowed.test, capture.test, plain.test]
                    action: allow
                    destinations: [127.0.0.0/8]
                  - name: inspected
                    hosts: [decrypt.test, h2decrypt.test]
                    action: allow
                    inspection: decrypt
                    destinations: [127.0.0.0/8]
                  - name: forbidden
                    hosts: [forbidden.test]
                    action: deny
                """);
        JsonObject statics = new JsonObject()
                .put("allowed.test", new JsonArray().add("127.0.0.1"))
                .put("decrypt.test", new JsonArray().add("127.0.0.1"))
                .put("h2decrypt.test", new JsonArray().add("127.0.0.1"))
                .put("plain.test", new JsonArray().add("127.0.0.1"))
                .put("capture.test", new JsonArray().add("127.0.0.3"))
                .put("forbidden.test", new JsonArray().add(ns.elsewhereAddress()));
        Path accessLog = dir.resolve("access.log");
        records = new AccessRecords(accessLog);
        cluster = TestCluster.start(
                TestCluster.node("policy:1,dns:1")
                        .section("policy", new JsonObject().put("file", policy.toString()))
                        .section("dns", new JsonObject().put("static", statics)),
                TestCluster.node("ca:1").section("ca", new JsonObject().put("data-dir", dir.resolve("ca").toString())),
                TestCluster.node("proxy:1").section("proxy", new JsonObject()
                        .put("transparent", new JsonArray()
                                .add(listener(HTTPS, origin.port()))
                                .add(listener(HTTP, plainOrigin.port()))
                                .add(listener(H2, h2Origin.port())))
                        .put("hello-timeout", "2s")
                        .put("upstream-ca-file", originCa.certFile().toString())
                        .put("access-log", new JsonObject().put("file", accessLog.toString()))));
        ns.redirect(443, cluster.listenerPort(2, HTTPS));
        ns.redirect(80, cluster.listenerPort(2, HTTP));
        ns.redirect(H2_PORT, cluster.listenerPort(2, H2));
        portcullisRoot = Files.writeString(dir.resolve("portcullis-root.pem"),
                new CaClient(cluster.node(2).vertx()).root().await().rootPem());
    }

    private static JsonObject listener(String name, int upstreamPort) {
        return new JsonObject().put("name", name).put("host", ns.gatewayAddress()).put("port", 0)
                .put("upstream-port", upstreamPort);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        for (AutoCloseable closeable : new AutoCloseable[] {capture, forbidden, origin, plainOrigin, h2Origin}) {
            if (closeable != null) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        if (vertx != null) {
            vertx.close().await();
        }
        if (ns != null) {
            ns.close();
        }
    }

    private static Curl curl(Path trusted) {
        return Curl.direct().inNamespace(ns.name()).caFile(trusted).timeout(Duration.ofSeconds(10));
    }

    @Test
    void anAllowedNameIsSplicedToTheOriginTheGatewayResolves() {
        int before = records.count(AccessRecords.sni(HTTPS, "allowed.test"));

        Curl.Result result = curl(originCa.certFile())
                .option("--resolve", "allowed.test:443:" + AIMED_AT).get("https://allowed.test/");

        assertThat(result.status()).as(result.stderr()).isEqualTo(200);
        assertThat(result.body()).isEqualTo(origin.body());
        JsonObject record = records.awaitNext("splice record", AccessRecords.sni(HTTPS, "allowed.test"), before);
        assertThat(record.getString("mode")).isEqualTo("transparent");
        assertThat(record.getString("verdict")).isEqualTo("allow");
        assertThat(record.getString("inspection")).isEqualTo("splice");
        assertThat(record.getString("resolved")).isEqualTo("127.0.0.1");
        assertThat(record.getLong("bytesUp")).isPositive();
    }

    @Test
    void aClientAimingAtAForbiddenAddressWithAnAllowedSniReachesOnlyTheAllowedName() {
        Curl.Result result = curl(originCa.certFile())
                .option("--resolve", "allowed.test:443:" + ns.elsewhereAddress()).get("https://allowed.test/");

        assertThat(result.status()).as(result.stderr()).isEqualTo(200);
        assertThat(result.body()).isEqualTo(origin.body());
        assertThat(forbidden.connections()).as("the forbidden origin at the aimed-at address").isZero();
    }

    @ParameterizedTest(name = "a ClientHello sent in {0}-byte segments reaches the origin byte for byte")
    @ValueSource(ints = {100_000, 1})
    void theOriginReceivesTheVeryClientHelloTheClientSent(int segment) throws Exception {
        byte[] hello = Hellos.jdk("capture.test");
        int before = capture.connections();

        exchangeInside(hello, segment, 1000);

        byte[] received = Poll.until(Duration.ofSeconds(10), capture::latestBytes,
                bytes -> capture.connections() > before && bytes.length >= hello.length, "the ClientHello upstream");
        assertThat(received).as("same bytes, the client random included").isEqualTo(hello);
        assertThat(forbidden.connections()).isZero();
    }

    static Stream<Arguments> refusals() throws Exception {
        byte[] garbage = "\u0000\u0001\u0002 not a ClientHello at all\r\n".getBytes(StandardCharsets.ISO_8859_1);
        return Stream.of(
                // sentence, bytes, segment, TLS alert (0: none), rule, reason fragment
                arguments("a denied SNI gets access_denied naming the rule", Hellos.jdk("forbidden.test"), 100_000,
                        ACCESS_DENIED, "forbidden", "denied by rule 'forbidden'"),
                arguments("an SNI no rule allows is denied by the default", Hellos.jdk("unknown.test"), 100_000,
                        ACCESS_DENIED, "default", "denied by rule 'default'"),
                arguments("a denied SNI sent in 1-byte segments is still read whole and refused",
                        Hellos.jdk("forbidden.test"), 1, ACCESS_DENIED, "forbidden", "denied by rule 'forbidden'"),
                arguments("a ClientHello without SNI meets the policy's no-sni action", Hellos.jdk(null), 100_000,
                        ACCESS_DENIED, "no-sni", "denied by rule 'no-sni'"),
                arguments("an encrypted ClientHello is decided on its outer name: a denied one is refused by its rule",
                        Hellos.withEch("forbidden.test"), 100_000, ACCESS_DENIED, "forbidden",
                        "denied by rule 'forbidden'"),
                arguments("garbage instead of a ClientHello is refused at once", garbage, 100_000, 0, null,
                        "neither a TLS ClientHello nor an HTTP request"),
                arguments("a ClientHello over 16 KiB is refused before any decision", Hellos.oversized(), 100_000, 0,
                        null, "ClientHello refused"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void refusedFirstBytesGetAClearOutcomeAndReason(String sentence, byte[] bytes, int segment, int alert,
                                                     String rule, String reason) throws Exception {
        // By reason: records of connections other tests left open may be written at any time.
        Predicate<JsonObject> refusals = AccessRecords.listener(HTTPS)
                .and(r -> r.getString("reason", "").contains(reason));
        int before = records.count(refusals);

        RawExchange.Answer answer = exchangeInside(bytes, segment, 5000);

        assertThat(answer.closed()).as("the gateway closed the connection").isTrue();
        if (alert != 0) {
            assertThat(answer.isAlert(alert)).as("fatal alert %s, got %s", alert, Arrays.toString(answer.bytes()))
                    .isTrue();
        }
        JsonObject record = records.awaitNext(sentence, refusals, before);
        assertThat(record.getString("reason")).contains(reason);
        assertThat(record.getString("rule")).isEqualTo(rule);
        assertThat(forbidden.connections()).isZero();
    }

    @Test
    void aSilentClientWhoseDestinationTheGatewayCannotSeeIsClosedNeverLeftHanging() throws Exception {
        Predicate<JsonObject> silent = AccessRecords.listener(HTTPS)
                .and(r -> r.getString("reason", "").startsWith("no byte within"));
        int before = records.count(silent);

        RawExchange.Answer answer = exchangeInside(new byte[0], 1, 8000);

        assertThat(answer.closed()).isTrue();
        // The redirect happened in the client's namespace: the gateway's connection tracking never saw it.
        assertThat(records.awaitNext("silent client", silent, before).getString("reason"))
                .isEqualTo("no byte within 1000 ms (server-first), and the platform does not tell its original"
                        + " destination (needs TPROXY, or REDIRECT in the gateway's own network namespace)");
    }

    @Test
    void aClientThatStopsHalfwayThroughItsClientHelloIsClosedAfterTheHelloTimeout() throws Exception {
        Predicate<JsonObject> stalled = AccessRecords.listener(HTTPS)
                .and(r -> r.getString("reason", "").startsWith("no ClientHello or request within"));
        int before = records.count(stalled);

        RawExchange.Answer answer = exchangeInside(Arrays.copyOf(Hellos.jdk("allowed.test"), 40), 100_000, 8000);

        assertThat(answer.closed()).isTrue();
        assertThat(records.awaitNext("half a hello", stalled, before).getString("reason"))
                .isEqualTo("no ClientHello or request within 2000 ms");
    }

    @Test
    void aDecryptRuleTerminatesTlsWithALeafFromThePortcullisRoot() {
        int before = records.count(AccessRecords.sni(HTTPS, "decrypt.test"));

        Curl.Result result = curl(portcullisRoot)
                .option("--resolve", "decrypt.test:443:" + AIMED_AT).get("https://decrypt.test/");

        assertThat(result.status()).as(result.stderr()).isEqualTo(200);
        assertThat(result.body()).isEqualTo(origin.body());
        JsonObject record = records.awaitNext("decrypt record", AccessRecords.sni(HTTPS, "decrypt.test"), before);
        assertThat(record.getString("inspection")).isEqualTo("decrypt");
    }

    @Test
    void aDecryptRuleOnATransparentPortSpeaksH2WhenClientAndServerDo() {
        Predicate<JsonObject> streams = AccessRecords.listener(H2)
                .and(r -> "h2decrypt.test".equals(r.getString("host")) && r.containsKey("stream"));
        int before = records.count(streams);

        Curl.Result result = curl(portcullisRoot).option("--http2", "-v")
                .option("--resolve", "h2decrypt.test:" + H2_PORT + ":" + AIMED_AT)
                .get("https://h2decrypt.test:" + H2_PORT + "/");

        assertThat(result.status()).as(result.stderr()).isEqualTo(200);
        assertThat(result.stderr()).contains("< HTTP/2 200");
        assertThat(result.body()).isEqualTo(h2Origin.body());
        JsonObject record = records.awaitNext("the h2 stream's record", streams, before);
        assertThat(record.getString("alpn")).isEqualTo("h2");
        assertThat(record.getString("path")).isEqualTo("/");
        assertThat(h2Origin.requestVersions()).contains("HTTP_2");
    }

    @Test
    void plainHttpOnATransparentPortIsDecidedOnItsHostHeader() {
        Curl.Result allowed = Curl.direct().inNamespace(ns.name())
                .option("--resolve", "plain.test:80:" + AIMED_AT).get("http://plain.test/");
        Curl.Result denied = Curl.direct().inNamespace(ns.name())
                .option("--resolve", "forbidden.test:80:" + ns.elsewhereAddress()).get("http://forbidden.test/");

        assertThat(allowed.status()).as(allowed.stderr()).isEqualTo(200);
        assertThat(allowed.body()).isEqualTo(plainOrigin.body());
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.body()).contains("denied by rule 'forbidden'");
        assertThat(forbidden.connections()).isZero();
    }

    /** Runs {@link RawExchange} inside the client namespace towards {@link #AIMED_AT}:443. */
    private static RawExchange.Answer exchangeInside(byte[] request, int segment, int readTimeoutMs)
            throws Exception {
        Path requestFile = Files.write(Files.createTempFile(dir, "request", ".bin"), request);
        Path answerFile = dir.resolve("answer-" + System.nanoTime() + ".bin");
        String classes = new File(RawExchange.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .getPath();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(ns.inside(List.of(java, "-cp", classes, RawExchange.class.getName(),
                AIMED_AT, "443", requestFile.toString(), answerFile.toString(), Integer.toString(segment),
                Integer.toString(readTimeoutMs))));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(readTimeoutMs + 20_000L, TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the client in the namespace did not finish: " + command);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("client in the namespace: %s", output).isZero();
        byte[] file = Files.readAllBytes(answerFile);
        return new RawExchange.Answer(Arrays.copyOfRange(file, 1, file.length), file[0] == 1);
    }
}

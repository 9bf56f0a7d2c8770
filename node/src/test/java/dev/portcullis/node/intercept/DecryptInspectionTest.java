package dev.portcullis.node.intercept;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.portcullis.api.ca.CaClient;
import dev.portcullis.api.ca.CaRoot;
import dev.portcullis.ca.CaVerticle;
import dev.portcullis.node.testkit.Curl;
import dev.portcullis.node.testkit.TestCa;
import dev.portcullis.node.testkit.TestCluster;
import dev.portcullis.node.testkit.TestOrigin;
import dev.portcullis.node.testkit.TlsTrust;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Decrypt inspection end to end: real TLS on both sides (an origin with its own test CA that the gateway is
 * told to trust), a ca role on its own node, a proxy on another, real curl and Java HttpClient. Each test sets up
 * what it relies on (the test that stops the ca role does so on a cluster of its own), so they run in any order.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DecryptInspectionTest {

    @TempDir
    static Path dir;

    private static Vertx vertx;
    private static TestCa originCa;
    private static TestOrigin origin;
    private static TestOrigin expired;
    private static TestOrigin selfSigned;
    private static TestOrigin wrongName;
    private static TestOrigin impostor;
    private static TestCluster cluster;
    private static int proxyPort;
    private static Path rootFile;
    private static X509Certificate root;
    private static Path accessLog;
    private static Path policyFile;
    private static JsonObject staticNames;
    private static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();

    @BeforeAll
    static void start() throws Exception {
        LOGS.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(LOGS);
        vertx = Vertx.vertx();
        originCa = TestCa.create("Decrypt Test Origin CA");
        origin = TestOrigin.https(vertx, originCa, "secure.test", "fresh.test", "plain.test", "burst.test",
                "keys.test", "one.test", "two.test");
        expired = TestOrigin.https(vertx, originCa.issueExpired("expired.test"), "expired.test");
        selfSigned = TestOrigin.https(vertx, TestCa.selfSigned("selfsigned.test"), "selfsigned.test");
        wrongName = TestOrigin.https(vertx, originCa.issue("somewhere-else.test"), "wrongname.test");
        // Presents a certificate for secure.test that no trusted CA issued.
        impostor = TestOrigin.https(vertx, TestCa.selfSigned("secure.test"), "secure.test");
        Path policy = dir.resolve("policy.yaml");
        Files.writeString(policy, """
                version: 1
                default: { action: deny }
                rules:
                  - name: inspected
                    hosts: [secure.test, fresh.test, burst.test, keys.test, one.test, two.test,
                            expired.test, selfsigned.test, wrongname.test, unnamed.test]
                    action: allow
                    inspection: decrypt
                    destinations: [127.0.0.1/32]
                    http:
                      - { methods: [GET], paths: ["/", "/bytes/**", "/ws"], action: allow }
                      - { methods: [POST], paths: ["/echo"], action: allow }
                      - { paths: ["/admin/**"], action: deny }
                  - name: spliced
                    hosts: [plain.test]
                    action: allow
                    destinations: [127.0.0.1/32]
                """);
        JsonObject statics = new JsonObject();
        for (String name : List.of("secure.test", "fresh.test", "burst.test", "keys.test", "one.test", "two.test", "plain.test",
                "expired.test", "selfsigned.test", "wrongname.test", "unnamed.test")) {
            statics.put(name, new JsonArray().add("127.0.0.1"));
        }
        policyFile = policy;
        staticNames = statics;
        accessLog = dir.resolve("access.log");
        cluster = startCluster(dir.resolve("ca"), accessLog);
        proxyPort = cluster.listenerPort(2, "explicit");
        rootFile = dir.resolve("portcullis-root.pem");
        root = writeRoot(cluster, rootFile);
    }

    /** Policy and dns on node 0, the ca role on node 1, the proxy on node 2, trusting the origins' test CA. */
    private static TestCluster startCluster(Path caDir, Path log) {
        return TestCluster.start(
                TestCluster.node("policy:1,dns:1")
                        .section("policy", new JsonObject().put("file", policyFile.toString()))
                        .section("dns", new JsonObject().put("static", staticNames)),
                TestCluster.node("ca:1").section("ca", new JsonObject().put("data-dir", caDir.toString())),
                TestCluster.node("proxy:1").section("proxy", new JsonObject()
                        .put("upstream-ca-file", originCa.certFile().toString())
                        .put("access-log", new JsonObject().put("file", log.toString()))));
    }

    /** Writes the cluster's Portcullis root to {@code file}, as clients of decrypted connections trust it. */
    private static X509Certificate writeRoot(TestCluster cluster, Path file) throws Exception {
        CaRoot caRoot = new CaClient(cluster.node(2).vertx()).root().await();
        Files.writeString(file, caRoot.rootPem());
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(caRoot.rootPem().getBytes(StandardCharsets.US_ASCII)));
    }

    @AfterAll
    static void stop() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(LOGS);
        if (cluster != null) {
            cluster.close();
        }
        for (TestOrigin server : new TestOrigin[] {origin, expired, selfSigned, wrongName, impostor}) {
            if (server != null) {
                server.close();
            }
        }
        if (vertx != null) {
            vertx.close().await();
        }
    }

    private static String url(TestOrigin server, String name, String path) {
        return "https://" + name + ":" + server.port() + path;
    }

    private static long signedSoFar() {
        return cluster.node(2).vertx().eventBus().<JsonObject>request(CaVerticle.INFO_ADDRESS, new JsonObject())
                .await().body().getLong("signed");
    }

    private static HttpClient clientTrustingOnly(X509Certificate trusted) throws Exception {
        SSLContext context = TlsTrust.only(trusted);
        return HttpClient.newBuilder()
                .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", proxyPort)))
                .sslContext(context)
                .connectTimeout(Duration.ofSeconds(10))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    @Test
    void curlTrustingThePortcullisRootGetsTheOriginsBody() {
        Curl.Result result = Curl.viaProxy(proxyPort).caFile(rootFile).get(url(origin, "secure.test", "/"));

        assertThat(result.stderr()).isEmpty();
        assertThat(result.status()).isEqualTo(200);
        assertThat(result.body()).isEqualTo("hello from secure.test");
    }

    @Test
    void theCertificateTheClientSeesIsMintedByThePortcullisRootForTheOriginsName() throws Exception {
        HttpResponse<String> response = clientTrustingOnly(root).send(
                HttpRequest.newBuilder(URI.create(url(origin, "secure.test", "/"))).build(),
                HttpResponse.BodyHandlers.ofString());

        X509Certificate leaf = (X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0];
        assertThat(response.body()).isEqualTo("hello from secure.test");
        assertThat(leaf.getIssuerX500Principal()).isEqualTo(root.getSubjectX500Principal());
        leaf.verify(root.getPublicKey());
        assertThat(leaf.getSubjectAlternativeNames().stream().map(san -> String.valueOf(san.get(1))).toList())
                .contains("secure.test");
    }

    /** Keys are made ahead in a pool (README, "Decrypt inspection", step 3): each must still go to one leaf only. */
    @Test
    void everyMintedLeafHasAKeyOfItsOwn() throws Exception {
        HttpClient client = clientTrustingOnly(root);
        List<String> keys = new java.util.ArrayList<>();
        for (String name : List.of("secure.test", "one.test", "two.test")) {
            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(URI.create(url(origin, name, "/"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            X509Certificate leaf = (X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0];
            assertThat(leaf.getSubjectAlternativeNames().stream().map(san -> String.valueOf(san.get(1))))
                    .contains(name);
            keys.add(java.util.HexFormat.of().formatHex(leaf.getPublicKey().getEncoded()));
        }

        assertThat(keys).doesNotHaveDuplicates();
    }

    @Test
    void urlRulesAllowAndDenyRequestByRequestOnOneKeptAliveConnection() throws Exception {
        HttpClient client = clientTrustingOnly(root);
        int connectionsBefore = origin.connections();

        int first = client.send(HttpRequest.newBuilder(URI.create(url(origin, "secure.test", "/"))).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
        HttpResponse<String> denied = client.send(
                HttpRequest.newBuilder(URI.create(url(origin, "secure.test", "/admin/users"))).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> notListed = client.send(HttpRequest.newBuilder(URI.create(url(origin, "secure.test",
                "/bytes/5"))).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> bytes = client.send(
                HttpRequest.newBuilder(URI.create(url(origin, "secure.test", "/bytes/100000"))).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(first).isEqualTo(200);
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(denied.body()).contains("inspected");
        assertThat(notListed.statusCode()).isEqualTo(403);
        assertThat(bytes.statusCode()).isEqualTo(200);
        assertThat(bytes.body()).hasSize(100_000);
        assertThat(origin.requests()).doesNotContain("GET /admin/users", "DELETE /bytes/5");
        assertThat(origin.connections() - connectionsBefore).as("one upstream connection for all four requests")
                .isEqualTo(1);
    }

    @Test
    void aSecondConnectionToTheSameHostReusesTheMintedLeaf() {
        Curl.Result first = Curl.viaProxy(proxyPort).caFile(rootFile).get(url(origin, "secure.test", "/"));
        assertThat(first.status()).as(first.stderr()).isEqualTo(200);
        long signedBefore = signedSoFar();

        Curl.Result again = Curl.viaProxy(proxyPort).caFile(rootFile).get(url(origin, "secure.test", "/"));

        assertThat(again.status()).isEqualTo(200);
        assertThat(signedSoFar()).as("the proxy node's leaf cache served it").isEqualTo(signedBefore);
    }

    @Test
    void concurrentFirstConnectionsToOneHostShareOneIssuance() throws Exception {
        long signedBefore = signedSoFar();
        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> responses = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            responses.add(clientTrustingOnly(root).sendAsync(
                    HttpRequest.newBuilder(URI.create(url(origin, "burst.test", "/"))).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }

        for (var response : responses) {
            assertThat(response.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        assertThat(signedSoFar() - signedBefore).as("eight new connections, one leaf").isEqualTo(1);
    }

    @Test
    void aLargeChunkedRequestBodyPassesIntactBothWays() throws Exception {
        byte[] body = new byte[3 * 1024 * 1024 + 17];
        new java.util.Random(7).nextBytes(body);

        HttpResponse<byte[]> echoed = clientTrustingOnly(root).send(
                HttpRequest.newBuilder(URI.create(url(origin, "secure.test", "/echo")))
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(echoed.statusCode()).isEqualTo(200);
        assertThat(echoed.body()).isEqualTo(body);
    }

    @Test
    void aWebSocketUpgradeBecomesAPlainSpliceAfterThe101() throws Exception {
        java.util.concurrent.CompletableFuture<String> echo = new java.util.concurrent.CompletableFuture<>();
        java.net.http.WebSocket socket = clientTrustingOnly(root).newWebSocketBuilder()
                .buildAsync(URI.create("wss://secure.test:" + origin.port() + "/ws"), new java.net.http.WebSocket.Listener() {
                    @Override
                    public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket webSocket,
                                                                          CharSequence data, boolean last) {
                        echo.complete(data.toString());
                        return null;
                    }
                })
                .get(10, TimeUnit.SECONDS);

        socket.sendText("through the inspector", true);

        assertThat(echo.get(10, TimeUnit.SECONDS)).isEqualTo("through the inspector");
        assertThat(origin.requests()).contains("WEBSOCKET /ws");
        socket.abort();
    }

    @Test
    void aHostHeaderNamingAnotherHostIsRefused421AndNeverReachesTheOrigin() {
        int requestsBefore = origin.requests().size();

        Curl.Result result = Curl.viaProxy(proxyPort).caFile(rootFile).option("-H", "Host: evil.test")
                .get(url(origin, "secure.test", "/"));

        assertThat(result.status()).isEqualTo(421);
        assertThat(result.body()).contains("domain fronting");
        assertThat(origin.requests()).hasSize(requestsBefore);
    }

    @ParameterizedTest(name = "an origin whose certificate is {0} fails the client, names the reason, mints nothing")
    @CsvSource({"expired, expired.test, has expired", "self-signed, selfsigned.test, not trusted",
            "for another name, wrongname.test, does not name"})
    void unverifiableOriginsFailTheClientAndNothingIsMinted(String what, String name, String reason)
            throws Exception {
        TestOrigin server = switch (name) {
            case "expired.test" -> expired;
            case "selfsigned.test" -> selfSigned;
            default -> wrongName;
        };
        long signedBefore = signedSoFar();

        Curl.Result result = Curl.viaProxy(proxyPort).caFile(rootFile).get(url(server, name, "/"));

        assertThat(result.exitCode()).as(result.stderr()).isNotZero();
        assertThat(result.status()).isNotEqualTo(200);
        assertThat(server.requests()).isEmpty();
        assertThat(signedSoFar()).as("no leaf minted for an unverified server").isEqualTo(signedBefore);
        assertThat(accessRecordsFor(name)).anySatisfy(line -> assertThat(line).contains(reason));
    }

    /**
     * A chain verified once is remembered (README, "Decrypt inspection", step 2), which must not let another chain
     * for the same name, or the same chain for another name, through.
     */
    @Test
    void aRememberedChainVouchesForNoOtherChainAndNoOtherName() throws Exception {
        Curl.Result verified = Curl.viaProxy(proxyPort).caFile(rootFile).get(url(origin, "secure.test", "/"));
        assertThat(verified.status()).as(verified.stderr()).isEqualTo(200);

        int originRequests = origin.requests().size();
        Curl.Result otherChain = Curl.viaProxy(proxyPort).caFile(rootFile).get(url(impostor, "secure.test", "/"));
        Curl.Result otherName = Curl.viaProxy(proxyPort).caFile(rootFile).get(url(origin, "unnamed.test", "/"));

        assertThat(otherChain.exitCode()).as(otherChain.stderr()).isNotZero();
        assertThat(impostor.requests()).isEmpty();
        assertThat(otherName.exitCode()).as(otherName.stderr()).isNotZero();
        assertThat(origin.requests()).hasSize(originRequests);
        assertThat(accessRecordsFor("unnamed.test")).anySatisfy(line -> assertThat(line).contains("does not name"));
        assertThat(accessRecordsFor("secure.test")).anySatisfy(line -> assertThat(line).contains("not trusted"));
    }

    @Test
    void noPrivateKeyMaterialReachesTheLogs() throws Exception {
        // A leaf minted during this test: the ca role signed, the proxy made a key pair and served it.
        long signedBefore = signedSoFar();
        Curl.Result minted = Curl.viaProxy(proxyPort).caFile(rootFile).get(url(origin, "keys.test", "/"));
        assertThat(minted.status()).as(minted.stderr()).isEqualTo(200);
        assertThat(signedSoFar()).isGreaterThan(signedBefore);
        String caKey = Files.readString(dir.resolve("ca").resolve("ca.key"));
        String keyBody = caKey.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        assertThat(keyBody).isNotEmpty();
        assertThat(Base64.getDecoder().decode(keyBody)).isNotEmpty();

        assertThat(LOGS.list).isNotEmpty().allSatisfy(event -> {
            String line = event.getFormattedMessage() + String.valueOf(event.getThrowableProxy() == null
                    ? "" : event.getThrowableProxy().getMessage());
            assertThat(line).doesNotContain("PRIVATE KEY").doesNotContain(keyBody.substring(0, 40));
        });
    }

    @Test
    void withTheCaRoleGoneNewDecryptedConnectionsFailWithAReasonWhileSplicesKeepWorking() throws Exception {
        // A cluster of its own: stopping the ca role must not take it from the other tests.
        Path own = Files.createTempDirectory(dir, "ca-gone-");
        Path log = own.resolve("access.log");
        try (TestCluster caGone = startCluster(own.resolve("ca"), log)) {
            int port = caGone.listenerPort(2, "explicit");
            Path ownRoot = own.resolve("portcullis-root.pem");
            writeRoot(caGone, ownRoot);
            caGone.node(1).close().await(30, TimeUnit.SECONDS);

            Curl.Result decrypted = Curl.viaProxy(port).caFile(ownRoot).get(url(origin, "fresh.test", "/"));
            Curl.Result spliced = Curl.viaProxy(port).caFile(originCa.certFile()).get(url(origin, "plain.test", "/"));

            assertThat(decrypted.exitCode()).isNotZero();
            assertThat(accessRecordsFor(log, "fresh.test"))
                    .anySatisfy(line -> assertThat(line).contains("ca unavailable"));
            assertThat(spliced.status()).isEqualTo(200);
            assertThat(spliced.body()).isEqualTo("hello from secure.test");
        }
    }

    private static List<String> accessRecordsFor(String host) throws Exception {
        return accessRecordsFor(accessLog, host);
    }

    private static List<String> accessRecordsFor(Path accessLog, String host) throws Exception {
        // The access log is written by a background writer; give it a moment by polling the file.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        List<String> lines = List.of();
        while (System.nanoTime() < deadline) {
            lines = Files.exists(accessLog) ? Files.readAllLines(accessLog).stream()
                    .filter(line -> line.contains("\"host\":\"" + host + "\"")).toList() : List.of();
            if (!lines.isEmpty() && lines.stream().anyMatch(line -> line.contains("\"reason\""))) {
                return lines;
            }
            vertx.timer(50).await();
        }
        return lines;
    }
}

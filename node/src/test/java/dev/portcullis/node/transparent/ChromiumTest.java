package dev.portcullis.node.transparent;

import dev.portcullis.node.testkit.AccessRecords;
import dev.portcullis.node.testkit.Chromium;
import dev.portcullis.node.testkit.TestCa;
import dev.portcullis.node.testkit.TestCluster;
import dev.portcullis.node.testkit.TestOrigin;
import dev.portcullis.proxy.hello.ClientHello;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real headless Chromium through the gateway on the policy's default {@code ech} setting (the policy file has no
 * {@code ech:} key). Chromium puts a GREASE {@code encrypted_client_hello} extension in every ClientHello for which
 * it holds no ECH configuration, always so through a proxy; these tests show that it still gets its pages, through
 * an explicit splice, an explicit decrypt and a transparent splice from a workload's network namespace. Chromium
 * trusts what a workstation would (a root in its NSS database), never {@code --ignore-certificate-errors}.
 * {@link StrictEchChromiumTest} shows the same browser refused under {@code ech: deny}.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ChromiumTest {

    /** An address the browser believes the origin has; the namespace's redirect sends it to the gateway. */
    private static final String AIMED_AT = "192.0.2.10";
    private static final String HTTPS = "ns-https";

    @TempDir
    static Path dir;

    private static Vertx vertx;
    private static ClientNamespace ns;
    private static TestCa originCa;
    private static TestOrigin origin;
    private static RecordingRelay relay;
    private static TestCluster cluster;
    private static AccessRecords records;
    private static int proxyPort;
    private static Path portcullisRoot;
    private static TestOrigin h2Origin;

    @BeforeAll
    static void start() throws Exception {
        ns = ClientNamespace.create();
        vertx = Vertx.vertx();
        originCa = TestCa.create("Chromium Test Origin CA");
        origin = TestOrigin.https(vertx, originCa, "origin.test", "decrypt.test");
        h2Origin = TestOrigin.httpsH2(vertx, originCa, "h2decrypt.test");
        // Spliced traffic reaches the origin through the relay, which keeps the ClientHello Chromium sent.
        relay = RecordingRelay.start(vertx, origin.port());
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                version: 1
                default: { action: deny }
                rules:
                  - name: spliced
                    hosts: [origin.test]
                    action: allow
                    destinations: [127.0.0.1/32]
                  - name: inspected
                    hosts: [decrypt.test, h2decrypt.test]
                    action: allow
                    inspection: decrypt
                    destinations: [127.0.0.1/32]
                    http:
                      - { methods: [GET], paths: ["/"], action: allow }
                """);
        JsonObject statics = new JsonObject()
                .put("origin.test", new JsonArray().add("127.0.0.1"))
                .put("decrypt.test", new JsonArray().add("127.0.0.1"))
                .put("h2decrypt.test", new JsonArray().add("127.0.0.1"));
        Path accessLog = dir.resolve("access.log");
        records = new AccessRecords(accessLog);
        cluster = TestCluster.start(TestCluster.node("policy:1,dns:1,ca:1,proxy:1")
                .section("policy", new JsonObject().put("file", policy.toString()))
                .section("dns", new JsonObject().put("static", statics))
                .section("ca", new JsonObject().put("data-dir", dir.resolve("ca").toString()))
                .section("proxy", new JsonObject()
                        .put("transparent", new JsonArray().add(new JsonObject().put("name", HTTPS)
                                .put("host", ns.gatewayAddress()).put("port", 0)
                                .put("upstream-port", relay.port())))
                        .put("upstream-ca-file", originCa.certFile().toString())
                        .put("access-log", new JsonObject().put("file", accessLog.toString()))));
        proxyPort = cluster.listenerPort(0, "explicit");
        ns.redirect(443, cluster.listenerPort(0, HTTPS));
        // The root a user would fetch from the admin API to trust decrypted connections.
        HttpResponse<String> root = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + cluster.node(0).adminPort() + "/ca.pem")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(root.statusCode()).isEqualTo(200);
        portcullisRoot = Files.writeString(dir.resolve("portcullis-root.pem"), root.body());
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        for (AutoCloseable closeable : new AutoCloseable[] {relay, origin, h2Origin}) {
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

    private static Predicate<JsonObject> tunnelTo(String host) {
        return AccessRecords.listener("explicit")
                .and(r -> "CONNECT".equals(r.getString("method")) && host.equals(r.getString("host")));
    }

    private static Chromium.Result loadThroughTheProxy(Path trusted, String url) {
        Chromium.Result result = Chromium.trusting(dir, trusted).viaProxy(proxyPort).load(url);
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        return result;
    }

    private static Chromium.Result loadInTheNamespace() {
        Chromium.Result result = Chromium.trusting(dir, originCa.certFile())
                .through(ns.inside(List.of()))
                .option("--host-resolver-rules=MAP origin.test " + AIMED_AT)
                .load("https://origin.test/");
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        return result;
    }

    /** The ClientHello that reached the origin on the relay's connection {@code index}. */
    private static ClientHello helloAtTheOrigin(int index) {
        List<byte[]> seen = relay.firstBytes();
        assertThat(seen).as("connections through the relay").hasSizeGreaterThan(index);
        return TlsRecords.clientHello(seen.get(index));
    }

    @Test
    void chromiumGetsASplicedPageThroughConnectThoughItsHelloCarriesGreaseEch() {
        int before = records.count(tunnelTo("origin.test"));
        int relayed = relay.firstBytes().size();

        Chromium.Result result = loadThroughTheProxy(originCa.certFile(),
                "https://origin.test:" + relay.port() + "/");

        assertThat(result.dom()).as(result.stderr()).contains(origin.body());
        JsonObject record = records.awaitNext("Chromium's tunnel", tunnelTo("origin.test"), before);
        assertThat(record.getString("verdict")).isEqualTo("allow");
        assertThat(record.getString("rule")).isEqualTo("spliced");
        assertThat(record.getString("inspection")).isEqualTo("splice");
        assertThat(record.getString("sni")).isEqualTo("origin.test");
        assertThat(record.getInteger("status")).isEqualTo(200);
        ClientHello hello = helloAtTheOrigin(relayed);
        assertThat(hello.sni()).isEqualTo("origin.test");
        assertThat(hello.ech()).as("Chromium sent encrypted_client_hello (GREASE): the old default denied this")
                .isTrue();
    }

    @Test
    void chromiumTrustingOnlyThePortcullisRootGetsADecryptedPageInspectedRequestByRequest() {
        // The request's own record, inside the decrypted tunnel (a favicon request, if any, has its own path).
        Predicate<JsonObject> requests = AccessRecords.listener("explicit")
                .and(r -> "decrypt.test".equals(r.getString("host")) && "GET".equals(r.getString("method"))
                        && "/".equals(r.getString("path")));
        int tunnelsBefore = records.count(tunnelTo("decrypt.test"));
        int requestsBefore = records.count(requests);

        Chromium.Result result = loadThroughTheProxy(portcullisRoot, "https://decrypt.test:" + origin.port() + "/");

        assertThat(result.dom()).as(result.stderr()).contains("hello from origin.test");
        JsonObject request = records.awaitNext("the decrypted GET /", requests, requestsBefore);
        assertThat(request.getInteger("status")).isEqualTo(200);
        assertThat(request.getString("rule")).isEqualTo("inspected");
        JsonObject tunnel = records.awaitNext("the decrypted tunnel", tunnelTo("decrypt.test"), tunnelsBefore);
        assertThat(tunnel.getString("verdict")).isEqualTo("allow");
        assertThat(tunnel.getString("rule")).isEqualTo("inspected");
        assertThat(tunnel.getString("inspection")).isEqualTo("decrypt");
        assertThat(origin.requests()).contains("GET /");
    }

    @Test
    void chromiumSpeaksH2ThroughDecryptionToAnOriginThatDoes() {
        // Chromium offers h2 and http/1.1; the origin selects h2, so the gateway offers Chromium exactly h2.
        Predicate<JsonObject> streams = AccessRecords.listener("explicit")
                .and(r -> "h2decrypt.test".equals(r.getString("host")) && "/".equals(r.getString("path"))
                        && r.containsKey("stream"));
        int before = records.count(streams);

        Chromium.Result result = loadThroughTheProxy(portcullisRoot,
                "https://h2decrypt.test:" + h2Origin.port() + "/");

        assertThat(result.dom()).as(result.stderr()).contains("hello from h2decrypt.test");
        JsonObject request = records.awaitNext("the decrypted h2 GET /", streams, before);
        assertThat(request.getInteger("status")).isEqualTo(200);
        assertThat(request.getString("alpn")).isEqualTo("h2");
        assertThat(h2Origin.requestVersions()).contains("HTTP_2");
    }

    @Test
    void chromiumInARedirectedNamespaceGetsASplicedPageThroughTheTransparentListener() {
        Predicate<JsonObject> transparent = AccessRecords.sni(HTTPS, "origin.test");
        int before = records.count(transparent);
        int relayed = relay.firstBytes().size();

        Chromium.Result result = loadInTheNamespace();

        assertThat(result.dom()).as(result.stderr()).contains(origin.body());
        JsonObject record = records.awaitNext("Chromium's transparent connection", transparent, before);
        assertThat(record.getString("mode")).isEqualTo("transparent");
        assertThat(record.getString("verdict")).isEqualTo("allow");
        assertThat(record.getString("rule")).isEqualTo("spliced");
        assertThat(record.getString("inspection")).isEqualTo("splice");
        assertThat(helloAtTheOrigin(relayed).ech()).as("GREASE ECH on the transparent path too").isTrue();
    }

    /**
     * Needs the proxy to record {@code "ech": true} for hellos carrying {@code encrypted_client_hello} (being added
     * to proxy-verticle separately); the behaviour a user sees is covered by the tests above.
     */
    @Test
    void theAccessRecordsOfChromiumsConnectionsSayTheirHellosCarriedEch() {
        Predicate<JsonObject> transparent = AccessRecords.sni(HTTPS, "origin.test");
        int tunnelsBefore = records.count(tunnelTo("origin.test"));
        int transparentBefore = records.count(transparent);

        loadThroughTheProxy(originCa.certFile(), "https://origin.test:" + relay.port() + "/");
        loadInTheNamespace();

        assertThat(records.awaitNext("Chromium's tunnel", tunnelTo("origin.test"), tunnelsBefore).getBoolean("ech"))
                .as("explicit record").isTrue();
        assertThat(records.awaitNext("Chromium's transparent connection", transparent, transparentBefore)
                .getBoolean("ech")).as("transparent record").isTrue();
    }
}

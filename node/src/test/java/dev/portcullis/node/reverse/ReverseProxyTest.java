package dev.portcullis.node.reverse;

import dev.portcullis.node.testkit.Curl;
import dev.portcullis.node.testkit.FreePorts;
import dev.portcullis.node.testkit.Poll;
import dev.portcullis.node.testkit.TestCa;
import dev.portcullis.node.testkit.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The reverse listener end to end (README, "Reverse proxy"): a service with its own certificate and two plain-HTTP
 * backends, on a proxy node whose policy role runs on another node of an in-JVM cluster; curl (HTTP/1.1 and h2), a
 * Vert.x client, a JDK TLS socket and a WebSocket as its clients.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ReverseProxyTest {

    @TempDir
    static Path dir;

    private static Vertx vertx;
    /** The clients' own Vert.x, whose resolver knows the service's names (curl has --resolve). */
    private static Vertx clients;
    private static TestCa serviceCa;
    private static Backend alpha;
    private static Backend beta;
    private static dev.portcullis.node.testkit.TestOrigin spliced;
    private static TestCluster cluster;
    private static int port;
    private static Path certFile;
    private static Path keyFile;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        clients = Vertx.vertx(new io.vertx.core.VertxOptions().setAddressResolverOptions(
                new io.vertx.core.dns.AddressResolverOptions().setHostsValue(io.vertx.core.buffer.Buffer.buffer(
                        "127.0.0.1 shop.test www.shop.test\n"))));
        serviceCa = TestCa.create("Reverse Test Service CA");
        TestCa.Leaf leaf = serviceCa.issue("shop.test", "www.shop.test");
        certFile = Files.writeString(dir.resolve("shop.crt"), leaf.chainPem());
        keyFile = Files.writeString(dir.resolve("shop.key"), leaf.keyPem());
        List<Integer> ports = FreePorts.take(2);
        alpha = new Backend(vertx, "alpha", ports.get(0)).start();
        beta = new Backend(vertx, "beta", ports.get(1)).start();
        spliced = dev.portcullis.node.testkit.TestOrigin.https(vertx, TestCa.create("Passthrough Backend CA"),
                "tls.test");
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                version: 1
                default: { action: deny }
                services:
                  - name: shop
                    hosts: [shop.test, www.shop.test]
                    tls: { cert: %s, key: %s }
                    backends: ["127.0.0.1:%d", "127.0.0.1:%d"]
                    destinations: [127.0.0.1/32]
                    health: { path: /health, interval: 300ms, timeout: 200ms, unhealthy: 1, healthy: 1 }
                    http:
                      - { paths: ["/admin/**"], action: deny }
                      - { action: allow }
                  - name: spliced
                    hosts: [tls.test]
                    mode: passthrough
                    backends: ["127.0.0.1:%d"]
                    destinations: [127.0.0.1/32]
                """.formatted(certFile, keyFile, alpha.port(), beta.port(), spliced.port()));
        cluster = TestCluster.start(
                TestCluster.node("policy:1,dns:1")
                        .section("policy", new JsonObject().put("file", policy.toString())),
                TestCluster.node("proxy:1")
                        .section("proxy", new JsonObject().put("reverse", new io.vertx.core.json.JsonArray()
                                .add(new JsonObject().put("name", "reverse").put("host", "127.0.0.1")
                                        .put("port", 0)))));
        port = cluster.listenerPort(1, "reverse");
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (spliced != null) {
            spliced.close();
        }
        for (Backend backend : new Backend[] {alpha, beta}) {
            if (backend != null) {
                backend.close();
            }
        }
        if (vertx != null) {
            vertx.close().await();
        }
        if (clients != null) {
            clients.close().await();
        }
    }

    private static Curl curl() {
        return Curl.direct().caFile(serviceCa.certFile()).option("--resolve", "shop.test:" + port + ":127.0.0.1",
                "--resolve", "www.shop.test:" + port + ":127.0.0.1", "--resolve", "other.test:" + port + ":127.0.0.1");
    }

    private static String url(String path) {
        return "https://shop.test:" + port + path;
    }

    @Test
    void curlRequestsOnOneConnectionGoRoundRobinToBothBackends() {
        int alphaBefore = alpha.requests().size();
        int betaBefore = beta.requests().size();

        Curl.Each each = curl().getEach(url("/"), url("/"), url("/"), url("/"));

        assertThat(each.exitCode()).as(each.stderr()).isZero();
        assertThat(each.statuses()).containsOnly(200);
        assertThat(each.bodies()).containsExactlyInAnyOrder("alpha", "beta", "alpha", "beta");
        assertThat(each.stderr()).contains("Re-using existing connection");
        assertThat(alpha.requests().size() - alphaBefore).isEqualTo(2);
        assertThat(beta.requests().size() - betaBefore).isEqualTo(2);
    }

    @Test
    void theBackendIsToldTheClientAndNeverTheClientsOwnClaim() {
        for (String version : List.of("--http1.1", "--http2")) {
            Curl.Result result = curl().option(version).get(url("/headers"));
            assertThat(result.body()).as(version).contains("x-forwarded-for: 127.0.0.1\n")
                    .doesNotContain("x-http2-");
        }
        Curl.Result result = curl().option("--http1.1", "-H", "X-Forwarded-For: 10.6.6.6", "-H", "Connection: keep-alive, X-Secret",
                "-H", "X-Secret: hop").get(url("/headers"));

        assertThat(result.status()).as(result.stderr()).isEqualTo(200);
        assertThat(result.body()).contains("x-forwarded-for: 127.0.0.1\n", "x-forwarded-proto: https\n",
                "x-forwarded-host: shop.test:" + port + "\n", "host: shop.test:" + port + "\n")
                .doesNotContain("10.6.6.6", "x-secret");
    }

    @Test
    void aJavaClientIsServedAndAHostOfTheServiceIsAccepted() throws Exception {
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setSsl(true)
                .setTrustOptions(serviceCa.trustOptions()));
        try {
            List<String> bodies = new ArrayList<>();
            for (String host : List.of("shop.test", "www.shop.test")) {
                bodies.add(client.request(new RequestOptions().setMethod(HttpMethod.GET)
                                .setServer(SocketAddress.inetSocketAddress(port, "127.0.0.1")).setHost(host)
                                .setPort(port).setURI("/"))
                        .compose(request -> request.send().compose(response -> response.body()))
                        .await(10, TimeUnit.SECONDS).toString());
            }
            assertThat(bodies).allSatisfy(body -> assertThat(body).isIn("alpha", "beta"));
        } finally {
            client.close().await();
        }
    }

    @Test
    void aRequestNamingAnotherHostIsMisdirected() {
        Curl.Result result = curl().option("-H", "Host: admin.internal").get(url("/"));

        assertThat(result.status()).as(result.body()).isEqualTo(421);
    }

    @Test
    void aPathDeniedByAnHttpEntryIsRefusedAndNeverReachesABackend() {
        Curl.Result result = curl().get(url("/admin/users"));

        assertThat(result.status()).isEqualTo(403);
        assertThat(result.body()).contains("service:shop");
        assertThat(alpha.requests()).noneMatch(request -> request.contains("/admin"));
        assertThat(beta.requests()).noneMatch(request -> request.contains("/admin"));
        // The normalised path decides: an encoded or dotted spelling of the same path is refused too.
        assertThat(curl().option("--path-as-is").get(url("/static/../admin/users")).status()).isEqualTo(403);
        assertThat(curl().get(url("/%61dmin/users")).status()).isEqualTo(403);
    }

    @Test
    void h2FromCurlIsServedByTheHttp11Backends() {
        Curl.Each each = curl().option("--http2").getEach(url("/"), url("/"));

        assertThat(each.exitCode()).as(each.stderr()).isZero();
        assertThat(each.stderr()).contains("< HTTP/2 200");
        assertThat(each.bodies()).allSatisfy(body -> assertThat(body).isIn("alpha", "beta"));
    }

    @Test
    void anUnknownSniGetsAnAlertAndNoCertificate() {
        assertThatThrownBy(() -> handshake("other.test"))
                .isInstanceOf(SSLHandshakeException.class)
                .hasMessageContaining("unrecognized_name");
    }

    @Test
    void aWebSocketUpgradePassesAndEchoes() {
        io.vertx.core.http.WebSocketClient client = clients.createWebSocketClient(new WebSocketClientOptions()
                .setSsl(true).setTrustOptions(serviceCa.trustOptions()));
        try {
            WebSocketConnectOptions options = new WebSocketConnectOptions();
            options.setHost("shop.test").setPort(port).setURI("/ws");
            WebSocket socket = client.connect(options).await(10, TimeUnit.SECONDS);
            CompletableFuture<String> echoed = new CompletableFuture<>();
            socket.textMessageHandler(echoed::complete);
            socket.writeTextMessage("ping");

            assertThat(echoed.get(10, TimeUnit.SECONDS)).matches("(alpha|beta): ping");
            socket.close().await();
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            client.close().await();
        }
    }

    @Test
    void aReplacedCertificateIsServedToTheNextConnection() throws Exception {
        BigInteger before = handshake("shop.test").getSerialNumber();
        TestCa.Leaf renewed = serviceCa.issue("shop.test", "www.shop.test");
        Files.writeString(keyFile, renewed.keyPem());
        Files.writeString(certFile, renewed.chainPem());

        BigInteger after = Poll.until(Duration.ofSeconds(15), () -> {
            try {
                return handshake("shop.test").getSerialNumber();
            } catch (Exception e) {
                return before;
            }
        }, serial -> !serial.equals(before), "the renewed certificate on a new connection");

        assertThat(after).isEqualTo(renewed.certificate().getSerialNumber());
    }

    @Test
    void aDeadBackendIsTakenOutByItsHealthCheckAndBroughtBack() {
        beta.stop();
        Poll.until(Duration.ofSeconds(15), () -> curl().getEach(url("/"), url("/"), url("/"), url("/")),
                each -> each.statuses().stream().allMatch(status -> status == 200)
                        && each.bodies().stream().allMatch("alpha"::equals),
                "every request answered by alpha alone");

        beta.start();
        // Back in the rotation before the test ends, so no other test depends on running before this one.
        Poll.until(Duration.ofSeconds(15), () -> curl().getEach(url("/"), url("/")).bodies(),
                bodies -> bodies.contains("beta"), "beta back in the rotation");
    }

    @Test
    void aPassthroughServiceIsSplicedBySniToItsBackendsOwnTls() {
        Curl.Result result = Curl.direct().caFile(spliced.caFile())
                .option("--resolve", "tls.test:" + port + ":127.0.0.1").get("https://tls.test:" + port + "/");

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.body()).isEqualTo("hello from tls.test");
        assertThat(spliced.requests()).contains("GET /");
    }

    /** A TLS handshake naming {@code sni}, trusting the service CA: the certificate the listener presented. */
    private static X509Certificate handshake(String sni) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("ca", serviceCa.certificate());
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setServerNames(List.of(new SNIHostName(sni)));
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }
}

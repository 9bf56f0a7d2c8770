package dev.portcullis.node.intercept;

import dev.portcullis.node.testkit.Curl;
import dev.portcullis.node.testkit.TestCa;
import dev.portcullis.node.testkit.TestCluster;
import dev.portcullis.node.testkit.TestOrigin;
import dev.portcullis.node.testkit.TlsTrust;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.ProxyOptions;
import io.vertx.core.net.ProxyType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * HTTP/2 under decryption end to end (README, "Decrypt inspection"): real curl and a Vert.x HTTP/2 client through
 * the explicit proxy, an origin offering h2 and http/1.1 (and one offering no ALPN), real TLS both ways. ALPN is
 * chosen end to end, every stream is decided and recorded on its own, and a slow reader stops the upstream.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class Http2DecryptTest {

    @TempDir
    static Path dir;

    private static Vertx vertx;
    private static TestCa originCa;
    private static TestOrigin h2Origin;
    private static TestOrigin h1Origin;
    private static TestOrigin narrowOrigin;
    private static TestCluster cluster;
    private static int proxyPort;
    private static Path rootFile;
    private static Path accessLog;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        originCa = TestCa.create("Http2 Test Origin CA");
        h2Origin = TestOrigin.httpsH2(vertx, originCa, "h2.test", "slow.test");
        h1Origin = TestOrigin.https(vertx, originCa, "h1only.test");
        narrowOrigin = TestOrigin.httpsH2(vertx, originCa,
                new io.vertx.core.http.Http2Settings().setMaxConcurrentStreams(1), "narrow.test");
        Path policy = dir.resolve("policy.yaml");
        Files.writeString(policy, """
                version: 1
                default: { action: deny }
                rules:
                  - name: inspected
                    hosts: [h2.test, slow.test, h1only.test, narrow.test]
                    action: allow
                    inspection: decrypt
                    destinations: [127.0.0.1/32]
                    http:
                      - { paths: ["/admin/**"], action: deny }
                      - { methods: [GET], paths: ["/", "/bytes/**"], action: allow }
                      - { methods: [POST], paths: ["/stall"], action: allow }
                """);
        JsonObject statics = new JsonObject();
        for (String name : List.of("h2.test", "slow.test", "h1only.test", "narrow.test")) {
            statics.put(name, new JsonArray().add("127.0.0.1"));
        }
        accessLog = dir.resolve("access.log");
        cluster = TestCluster.start(TestCluster.node("policy:1,dns:1,ca:1,proxy:1")
                .section("policy", new JsonObject().put("file", policy.toString()))
                .section("dns", new JsonObject().put("static", statics))
                .section("ca", new JsonObject().put("data-dir", dir.resolve("ca").toString()))
                .section("proxy", new JsonObject()
                        .put("upstream-ca-file", originCa.certFile().toString())
                        .put("access-log", new JsonObject().put("file", accessLog.toString()))));
        proxyPort = cluster.listenerPort(0, "explicit");
        rootFile = Files.writeString(dir.resolve("portcullis-root.pem"), new dev.portcullis.api.ca.CaClient(
                cluster.node(0).vertx()).root().await().rootPem());
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        for (TestOrigin origin : new TestOrigin[] {h2Origin, h1Origin, narrowOrigin}) {
            if (origin != null) {
                origin.close();
            }
        }
        if (vertx != null) {
            vertx.close().await();
        }
    }

    private static String url(TestOrigin origin, String name, String path) {
        return "https://" + name + ":" + origin.port() + path;
    }

    @Test
    void curlNegotiatesH2AndEveryStreamHasItsOwnRecord() throws Exception {
        int since = AccessLogLines.mark(accessLog);
        Curl.Result result = Curl.viaProxy(proxyPort).caFile(rootFile)
                .option("--http2", "-v")
                .option(url(h2Origin, "h2.test", "/"))     // the first URL goes to the body file
                .get(url(h2Origin, "h2.test", "/bytes/1000"));

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stderr()).contains("< HTTP/2 200");
        assertThat(result.body()).isEqualTo("hello from h2.test");
        List<JsonObject> streams = AccessLogLines.matching(accessLog, since, r -> "h2.test".equals(r.getString("host"))
                && r.containsKey("stream") && "GET".equals(r.getString("method"))
                && r.getString("path", "").matches("/|/bytes/1000"), 2);
        assertThat(streams).hasSize(2).allSatisfy(r -> {
            assertThat(r.getInteger("status")).isEqualTo(200);
            assertThat(r.getString("inspection")).isEqualTo("decrypt");
            assertThat(r.getString("alpn")).isEqualTo("h2");
        });
        assertThat(streams.stream().map(r -> r.getInteger("stream")).distinct()).hasSize(2);
        assertThat(streams).anySatisfy(r -> assertThat(r.getLong("bytesDown")).isEqualTo(1000L));
        assertThat(h2Origin.requestVersions()).contains("HTTP_2");
    }

    @Test
    void aDeniedStreamGets403WithProxyStatusAndTheOtherStreamsGoOn() throws Exception {
        Curl.Result result = Curl.viaProxy(proxyPort).caFile(rootFile)
                .option("--http2", "-v")
                .option(url(h2Origin, "h2.test", "/"))
                .get(url(h2Origin, "h2.test", "/admin/secret"));

        assertThat(result.stderr()).contains("< HTTP/2 200").contains("< HTTP/2 403")
                .containsPattern("(?i)< proxy-status: portcullis; error=http_request_denied");
        assertThat(result.status()).isEqualTo(403);
        assertThat(result.body()).isEqualTo("hello from h2.test");
        assertThat(h2Origin.requests()).doesNotContain("GET /admin/secret");
        List<JsonObject> denied = records(r -> "/admin/secret".equals(r.getString("path")), 1);
        assertThat(denied).singleElement().satisfies(r -> {
            assertThat(r.getInteger("status")).isEqualTo(403);
            assertThat(r.getInteger("stream")).isNotNull();
            assertThat(r.getString("reason")).contains("rule 'inspected'");
        });
    }

    @Test
    void aStreamNamingAnotherHostGets421OnItsStream() throws Exception {
        int since = AccessLogLines.mark(accessLog);
        Curl.Result result = Curl.viaProxy(proxyPort).caFile(rootFile)
                .option("--http2", "-v", "-H", "Host: other.test")
                .get(url(h2Origin, "h2.test", "/"));

        assertThat(result.stderr()).contains("< HTTP/2 421");
        assertThat(AccessLogLines.matching(accessLog, since, r -> "h2.test".equals(r.getString("host"))
                && r.containsKey("stream") && "domain fronting".equals(r.getString("reason")), 1)).singleElement()
                .satisfies(r -> assertThat(r.getInteger("status")).isEqualTo(421));
    }

    @Test
    void anHttp11ClientSpeaksHttp11ToTheOriginToo() {
        int before = h2Origin.requestVersions().size();
        Curl.Result result = Curl.viaProxy(proxyPort).caFile(rootFile).option("--http1.1")
                .get(url(h2Origin, "h2.test", "/"));

        assertThat(result.status()).as(result.stderr()).isEqualTo(200);
        assertThat(h2Origin.requestVersions().subList(before, h2Origin.requestVersions().size()))
                .containsExactly("HTTP_1_1");
    }

    @Test
    void curlOfferingH2ToAnHttp11OnlyServerSpeaksHttp11() {
        Curl.Result result = Curl.viaProxy(proxyPort).caFile(rootFile).option("--http2", "-v")
                .get(url(h1Origin, "h1only.test", "/"));

        assertThat(result.status()).as(result.stderr()).isEqualTo(200);
        assertThat(result.stderr()).contains("< HTTP/1.1 200");
    }

    @Test
    void aClientOfferingOnlyH2ToAnHttp11OnlyServerGetsNoApplicationProtocol() throws Exception {
        try (Socket tunnel = connect("h1only.test", h1Origin.port())) {
            SSLSocket tls = (SSLSocket) trustingRoot().getSocketFactory().createSocket(tunnel, "h1only.test",
                    h1Origin.port(), true);
            SSLParameters parameters = tls.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {"h2"});
            tls.setSSLParameters(parameters);

            assertThatThrownBy(tls::startHandshake).isInstanceOf(SSLHandshakeException.class)
                    .hasMessageContaining("no_application_protocol");
        }
        assertThat(records(r -> "h1only.test".equals(r.getString("host"))
                && r.getString("reason", "").contains("no application protocol"), 1)).singleElement()
                .satisfies(r -> assertThat(r.getString("reason")).contains("[h2]"));
    }

    @Test
    void aClientThatStopsReadingStopsTheUpstream() throws Exception {
        long size = 256L << 20;
        HttpClient client = h2Client();
        try {
            long before = TestOrigin.streamedBytes();
            AtomicLong received = new AtomicLong();
            // Paused and counted on the event loop as the response arrives, so no chunk comes before the handler.
            HttpClientResponse response = client.request(HttpMethod.GET, h2Origin.port(), "slow.test",
                    "/bytes/" + size).compose(request -> request.send()).map(arrived -> {
                        arrived.pause();
                        arrived.handler(chunk -> received.addAndGet(chunk.length()));
                        return arrived;
                    }).await();
            assertThat(response.version()).isEqualTo(HttpVersion.HTTP_2);
            vertx.timer(1500).await();
            long stalled = TestOrigin.streamedBytes() - before;
            vertx.timer(1000).await();
            long later = TestOrigin.streamedBytes() - before;

            // Windows and socket buffers hold a few MiB at most; without back-pressure the origin would have
            // written all 256 MiB into the gateway by now.
            assertThat(stalled).isLessThan(8L << 20);
            assertThat(later - stalled).isLessThan(1L << 20);

            response.resume();
            response.end().await();
            assertThat(received.get()).isEqualTo(size);
        } finally {
            client.close().await();
        }
    }

    @Test
    void anUpstreamThatStopsReadingStopsTheClientsUpload() throws Exception {
        HttpClient client = h2Client();
        try {
            io.vertx.core.http.HttpClientRequest request = client.request(HttpMethod.POST, h2Origin.port(),
                    "slow.test", "/stall").await();
            request.setChunked(true);
            AtomicLong written = new AtomicLong();
            Buffer chunk = Buffer.buffer(new byte[64 * 1024]);
            long total = 256L << 20;
            vertx.runOnContext(started -> pump(request, chunk, written, total));
            vertx.timer(1500).await();
            long stalled = written.get();
            vertx.timer(1000).await();

            // The client's writes are held back by its stream window once the origin stops reading: the gateway
            // buffers a window or so per side, not the 256 MiB the client has to send.
            assertThat(stalled).isLessThan(8L << 20);
            assertThat(written.get() - stalled).isLessThan(1L << 20);
            request.reset();
        } finally {
            client.close().await();
        }
    }

    /** Writes {@code chunk}s until the request's queue is full, then again when it drains, up to {@code total}. */
    private static void pump(io.vertx.core.http.HttpClientRequest request, Buffer chunk, AtomicLong written,
                             long total) {
        while (!request.writeQueueFull() && written.get() < total) {
            request.write(chunk);
            written.addAndGet(chunk.length());
        }
        if (written.get() < total) {
            request.drainHandler(drained -> pump(request, chunk, written, total));
        }
    }

    @Test
    void moreConcurrentStreamsThanTheServerAllowsWaitForItRatherThanFail() throws Exception {
        HttpClient client = h2Client();
        try {
            List<io.vertx.core.Future<String>> bodies = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                bodies.add(client.request(HttpMethod.GET, narrowOrigin.port(), "narrow.test", "/bytes/200000")
                        .compose(request -> request.send())
                        .compose(response -> response.version() == HttpVersion.HTTP_2
                                ? response.body().map(body -> response.statusCode() + " " + body.length())
                                : io.vertx.core.Future.failedFuture("not h2: " + response.version())));
            }
            io.vertx.core.Future.all(bodies).await();

            assertThat(bodies).allSatisfy(body -> assertThat(body.result()).isEqualTo("200 200000"));
        } finally {
            client.close().await();
        }
    }

    private static HttpClient h2Client() {
        return vertx.createHttpClient(new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2).setUseAlpn(true).setSsl(true)
                .setTrustOptions(new PemTrustOptions().addCertPath(rootFile.toString()))
                .setProxyOptions(new ProxyOptions().setType(ProxyType.HTTP).setHost("127.0.0.1").setPort(proxyPort)));
    }

    private static Socket connect(String host, int port) throws Exception {
        Socket socket = new Socket("127.0.0.1", proxyPort);
        socket.getOutputStream().write(("CONNECT " + host + ":" + port + " HTTP/1.1\r\nHost: " + host + ":" + port
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        assertThat(head.toString()).startsWith("HTTP/1.1 200");
        return socket;
    }

    private static SSLContext trustingRoot() throws Exception {
        return TlsTrust.only(Files.readString(rootFile, StandardCharsets.US_ASCII));
    }

    private static List<JsonObject> records(Predicate<JsonObject> matching, int count) throws Exception {
        return AccessLogLines.matching(accessLog, matching, count);
    }
}

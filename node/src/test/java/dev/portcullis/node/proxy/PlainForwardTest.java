package dev.portcullis.node.proxy;

import dev.portcullis.node.testkit.AccessRecords;
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

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Plain HTTP through the explicit listener as {@code http_proxy} users send it (curl, apt, pip, Java's
 * HttpClient): one keep-alive client connection carries many requests, each decided on its own, answered in
 * order and logged with its own record (README, "What happens to one connection (explicit proxy)"). A plain
 * origin on 127.0.0.1 stands for a.test and b.test, which the policy allows; denied.test resolves there too but
 * the policy denies it. The origin counts its TCP connections: an upstream is kept only within one client
 * connection, so fewer upstream connections than requests proves the client connection was one.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PlainForwardTest {

    private static final String TRANSPARENT = "transparent-http";

    @TempDir
    static Path dir;

    private static Vertx vertx;
    private static TestOrigin origin;
    private static TestCluster cluster;
    private static AccessRecords records;
    private static int proxyPort;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        origin = TestOrigin.http(vertx, "a.test");
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                version: 1
                default: { action: deny }
                rules:
                  - name: plain-hosts
                    hosts: [a.test, b.test]
                    action: allow
                    destinations: [127.0.0.1/32]
                """);
        JsonObject names = new JsonObject();
        for (String name : List.of("a.test", "b.test", "denied.test")) {
            names.put(name, new JsonArray().add("127.0.0.1"));
        }
        Path log = dir.resolve("access.log");
        cluster = TestCluster.start(TestCluster.node("policy:1,dns:1,proxy:1")
                .section("policy", new JsonObject().put("file", policy.toString()))
                .section("dns", new JsonObject().put("static", names))
                .section("proxy", new JsonObject()
                        .put("request-timeout", "2s")
                        .put("access-log", new JsonObject().put("file", log.toString()))
                        .put("transparent", new JsonArray().add(new JsonObject()
                                .put("name", TRANSPARENT).put("host", "127.0.0.1").put("port", 0)
                                .put("upstream-port", origin.port())))));
        records = new AccessRecords(log);
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

    private static String url(String host, String path) {
        return "http://" + host + ":" + origin.port() + path;
    }

    private static Predicate<JsonObject> request(String host, String path) {
        return record -> host.equals(record.getString("host")) && path.equals(record.getString("path"));
    }

    @Test
    void curlWithNextReusesOneClientConnectionAndEachRequestIsLoggedWithItsStatus() {
        int upstreamsBefore = origin.connections();

        Curl.Each each = Curl.viaProxy(proxyPort).getEach(url("a.test", "/"), url("a.test", "/bytes/2"),
                url("b.test", "/bytes/3"));

        assertThat(each.statuses()).as(each.stderr()).containsExactly(200, 200, 200);
        assertThat(each.bodies()).containsExactly(origin.body(), "ab", "abc");
        assertThat(each.stderr()).contains("Re-using existing connection")
                .contains("Connection #0 to host 127.0.0.1 left intact").doesNotContain("Connection #1");
        assertThat(origin.connections() - upstreamsBefore)
                .as("one upstream for a.test's two requests, kept alive, then one for b.test").isEqualTo(2);
        for (String[] expected : new String[][] {{"a.test", "/"}, {"a.test", "/bytes/2"}, {"b.test", "/bytes/3"}}) {
            JsonObject record = records.awaitNext("the record of " + expected[0] + expected[1],
                    request(expected[0], expected[1]), 0);
            assertThat(record.getString("method")).isEqualTo("GET");
            assertThat(record.getInteger("status")).isEqualTo(200);
            assertThat(record.getString("rule")).isEqualTo("plain-hosts");
            assertThat(record.getString("verdict")).isEqualTo("allow");
            assertThat(record.getString("resolved")).isEqualTo("127.0.0.1");
            assertThat(record.getString("listener")).isEqualTo("explicit");
        }
        assertThat(records.awaitNext("b.test's bytes", request("b.test", "/bytes/3"), 0).getLong("bytesDown"))
                .isEqualTo(3);
    }

    @Test
    void aChangeOfHostIsDecidedOnItsOwnAndADenialDoesNotEndTheConnection() {
        Curl.Each each = Curl.viaProxy(proxyPort).getEach(url("a.test", "/bytes/4"), url("denied.test", "/secret"),
                url("a.test", "/bytes/5"));

        assertThat(each.statuses()).as(each.stderr()).containsExactly(200, 403, 200);
        assertThat(each.bodies().get(1)).contains("denied by rule 'default'");
        assertThat(each.stderr()).doesNotContain("Connection #1");
        assertThat(origin.requests()).noneMatch(request -> request.contains("/secret"));
        JsonObject denied = records.awaitNext("the denied request", request("denied.test", "/secret"), 0);
        assertThat(denied.getInteger("status")).isEqualTo(403);
        assertThat(denied.getString("verdict")).isEqualTo("deny");
        assertThat(records.awaitNext("the request after it", request("a.test", "/bytes/5"), 0)
                .getInteger("status")).isEqualTo(200);
    }

    @Test
    void aChunkedRequestBodyReachesTheOriginIntact() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int line = 0; text.length() < 200_000; line++) {
            text.append("line ").append(line).append(" of a chunked upload\n");
        }
        Path file = Files.writeString(dir.resolve("upload.txt"), text);

        Curl.Result result = Curl.viaProxy(proxyPort).option("-H", "Transfer-Encoding: chunked",
                "--data-binary", "@" + file).get(url("a.test", "/echo"));

        assertThat(result.status()).as(result.stderr()).isEqualTo(200);
        assertThat(result.body()).isEqualTo(text.toString());
        assertThat(records.awaitNext("the upload's record", request("a.test", "/echo"), 0).getLong("bytesUp"))
                .isEqualTo(text.length());
    }

    @Test
    void twoPipelinedRequestsInOneWriteAreAnsweredInOrder() throws IOException {
        String a = "a.test:" + origin.port();
        String b = "b.test:" + origin.port();
        try (Socket socket = new Socket("127.0.0.1", proxyPort)) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(("GET http://" + a + "/bytes/7 HTTP/1.1\r\nHost: " + a + "\r\n\r\n"
                    + "GET http://" + b + "/ HTTP/1.1\r\nHost: " + b + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            String first = readResponse(in);
            String second = readResponse(in);

            assertThat(first).startsWith("HTTP/1.1 200").endsWith("\r\n\r\nabcdefg");
            assertThat(second).startsWith("HTTP/1.1 200").endsWith(origin.body());
        }
    }

    @Test
    void fieldsNamedByConnectionAndOtherHopByHopFieldsAreNotForwardedAndViaIs() {
        Curl.Result result = Curl.viaProxy(proxyPort).option("-D", "/dev/stderr",
                "-H", "Connection: X-Secret, keep-alive", "-H", "X-Secret: for the proxy only",
                "-H", "Keep-Alive: timeout=5", "-H", "Proxy-Authorization: Basic c2VjcmV0", "-H", "TE: trailers",
                "-H", "X-Kept: end to end").get(url("a.test", "/headers"));

        assertThat(result.status()).isEqualTo(200);
        assertThat(result.body()).contains("x-kept: end to end").contains("via: 1.1 portcullis")
                .contains("host: a.test:" + origin.port())
                .doesNotContain("x-secret").doesNotContain("keep-alive").doesNotContain("proxy-authorization")
                .doesNotContain("te: trailers").doesNotContain("proxy-connection");
        assertThat(result.stderr()).containsIgnoringCase("via: 1.1 portcullis");
    }

    @Test
    void javasHttpClientSendsSeveralRequestsOverOneConnection() throws Exception {
        int upstreamsBefore = origin.connections();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", proxyPort)))
                .connectTimeout(Duration.ofSeconds(5)).build();

        for (int n = 1; n <= 4; n++) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url("a.test",
                    "/bytes/" + n))).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).hasSize(n);
        }

        assertThat(origin.connections() - upstreamsBefore)
                .as("one client connection, so one upstream kept alive for all four").isEqualTo(1);
    }

    @Test
    void plainHttpOnATransparentPortIsKeptAliveToo() {
        int upstreamsBefore = origin.connections();
        Curl curl = Curl.direct().option("--connect-to",
                "a.test:" + origin.port() + ":127.0.0.1:" + cluster.listenerPort(0, TRANSPARENT));

        Curl.Each each = curl.getEach(url("a.test", "/bytes/6"), url("a.test", "/bytes/8"));

        assertThat(each.statuses()).as(each.stderr()).containsExactly(200, 200);
        assertThat(each.stderr()).contains("Re-using existing connection");
        assertThat(origin.connections() - upstreamsBefore).isEqualTo(1);
        JsonObject record = records.awaitNext("the second transparent request", request("a.test", "/bytes/8"), 0);
        assertThat(record.getString("listener")).isEqualTo(TRANSPARENT);
        assertThat(record.getInteger("status")).isEqualTo(200);
    }

    @Test
    void aConnectionWithoutItsNextRequestWithinTheHeadDeadlineIsClosed() throws IOException {
        String a = "a.test:" + origin.port();
        try (Socket socket = new Socket("127.0.0.1", proxyPort)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET http://" + a + "/bytes/1 HTTP/1.1\r\nHost: " + a + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            assertThat(readResponse(in)).startsWith("HTTP/1.1 200");
            long answered = System.nanoTime();

            assertThat(in.read()).as("closed, not answered").isNegative();
            assertThat(Duration.ofNanos(System.nanoTime() - answered))
                    .as("by the 2 s head deadline, not the 5 min idle timeout").isLessThan(Duration.ofSeconds(8));
        }
    }

    /** One response with a Content-Length body. */
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int headEnd = -1;
        int length = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                return out.toString(StandardCharsets.ISO_8859_1);
            }
            out.write(b);
            String text = out.toString(StandardCharsets.ISO_8859_1);
            if (headEnd < 0 && text.endsWith("\r\n\r\n")) {
                headEnd = text.length();
                java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("(?i)content-length: *([0-9]+)")
                        .matcher(text);
                length = matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
            }
            if (headEnd >= 0 && text.length() >= headEnd + length) {
                return text;
            }
        }
    }
}

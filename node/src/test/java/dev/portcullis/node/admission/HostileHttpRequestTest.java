package dev.portcullis.node.admission;

import dev.portcullis.api.ca.CaClient;
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
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9, as the attacker sends it: exact request bytes through a real cluster, inside a decrypted tunnel, as an
 * absolute-form request on the explicit listener and as an origin-form request on a transparent port. The rules
 * allow only {@code /ok/**} (and {@code /bytes/**}); every hostile request gets its status with a
 * {@code Proxy-Status} saying why, and the counting origins never see the denied path or the other Host. A
 * legitimate path with a dot segment passes, and the origin sees it normalised: what is decided is what is
 * forwarded (README, "One name, one path").
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HostileHttpRequestTest {

    private static final String TRANSPARENT = "transparent-http";
    private static final String HTTP_RULES = """
                http:
                  - { paths: ["/ok/**", "/bytes/**"], action: allow }
                  - { action: deny }
            """;

    @TempDir
    static Path dir;

    private static Vertx vertx;
    private static TestOrigin secure;
    private static TestOrigin plain;
    private static TestCluster cluster;
    private static SSLContext trustingPortcullis;
    private static Path rootFile;

    enum Via { TUNNEL, EXPLICIT, TRANSPARENT }

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        TestCa originCa = TestCa.create("Hostile HTTP Test Origin CA");
        secure = TestOrigin.https(vertx, originCa, "decrypt.test", "other.test");
        plain = TestOrigin.http(vertx, "plain.test");
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                version: 1
                default: { action: deny }
                rules:
                  - name: decrypted
                    hosts: [decrypt.test, plain.test]
                    action: allow
                    inspection: decrypt
                    destinations: [127.0.0.1/32]
                """ + HTTP_RULES + """
                  - name: other
                    hosts: [other.test]
                    action: allow
                    destinations: [127.0.0.1/32]
                """);
        JsonObject names = new JsonObject();
        for (String name : List.of("decrypt.test", "plain.test", "other.test")) {
            names.put(name, new JsonArray().add("127.0.0.1"));
        }
        cluster = TestCluster.start(TestCluster.node("policy:1,dns:1,ca:1,proxy:1")
                .section("policy", new JsonObject().put("file", policy.toString()))
                .section("dns", new JsonObject().put("static", names))
                .section("ca", new JsonObject().put("data-dir", dir.resolve("ca").toString()))
                .section("proxy", new JsonObject()
                        .put("upstream-ca-file", originCa.certFile().toString())
                        .put("transparent", new JsonArray().add(new JsonObject()
                                .put("name", TRANSPARENT).put("host", "127.0.0.1").put("port", 0)
                                .put("upstream-port", plain.port())))));
        String rootPem = new CaClient(cluster.node(0).vertx()).root().await().rootPem();
        rootFile = Files.writeString(dir.resolve("portcullis-root.pem"), rootPem);
        trustingPortcullis = TlsTrust.only(rootPem);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        for (TestOrigin origin : new TestOrigin[] {secure, plain}) {
            if (origin != null) {
                origin.close();
            }
        }
        if (vertx != null) {
            vertx.close().await();
        }
    }

    static Stream<Arguments> hostile() {
        return Stream.of(
                // bypass 1: the path decided is not the path the origin resolves
                Arguments.of("in a decrypted tunnel /ok/../deny-trav is decided as /deny-trav: 403", Via.TUNNEL,
                        "GET /ok/../deny-trav HTTP/1.1\r\nHost: decrypt.test:{S}\r\n\r\n", 403,
                        "GET /deny-trav denied by rule 'decrypted'"),
                Arguments.of("in a decrypted tunnel /ok/%2e%2e/deny-enc is decided as /deny-enc: 403", Via.TUNNEL,
                        "GET /ok/%2e%2e/deny-enc HTTP/1.1\r\nHost: decrypt.test:{S}\r\n\r\n", 403,
                        "GET /deny-enc denied by rule 'decrypted'"),
                Arguments.of("in a decrypted tunnel an encoded slash is refused: 400", Via.TUNNEL,
                        "GET /ok/..%2Fdeny-slash HTTP/1.1\r\nHost: decrypt.test:{S}\r\n\r\n", 400, "encoded slash"),
                Arguments.of("on the explicit listener /ok/../deny-trav is decided as /deny-trav: 403", Via.EXPLICIT,
                        "GET http://plain.test:{P}/ok/../deny-trav HTTP/1.1\r\nHost: plain.test:{P}\r\n\r\n", 403,
                        "GET /deny-trav denied"),
                Arguments.of("on the explicit listener /ok/%2e%2e/deny-enc is decided as /deny-enc: 403",
                        Via.EXPLICIT,
                        "GET http://plain.test:{P}/ok/%2e%2e/deny-enc HTTP/1.1\r\nHost: plain.test:{P}\r\n\r\n", 403,
                        "GET /deny-enc denied"),
                Arguments.of("on a transparent port /ok/../deny-trav is decided as /deny-trav: 403", Via.TRANSPARENT,
                        "GET /ok/../deny-trav HTTP/1.1\r\nHost: plain.test\r\n\r\n", 403, "GET /deny-trav denied"),
                Arguments.of("on a transparent port /ok/%2E%2e/deny-enc is decided as /deny-enc: 403",
                        Via.TRANSPARENT, "GET /ok/%2E%2e/deny-enc HTTP/1.1\r\nHost: plain.test\r\n\r\n", 403,
                        "GET /deny-enc denied"),
                Arguments.of("on a transparent port a backslash is refused: 400", Via.TRANSPARENT,
                        "GET /ok/..\\deny-backslash HTTP/1.1\r\nHost: plain.test\r\n\r\n", 400, "backslash"),
                // bypass 2: two names for one request
                Arguments.of("in a decrypted tunnel two Host fields are refused: 400", Via.TUNNEL,
                        "GET /ok/two-hosts HTTP/1.1\r\nHost: decrypt.test:{S}\r\nHost: other.test\r\n\r\n", 400,
                        "more than one Host"),
                Arguments.of("in a decrypted tunnel an absolute URI with another Host is refused: 400", Via.TUNNEL,
                        "GET https://decrypt.test:{S}/ok/fronted HTTP/1.1\r\nHost: other.test\r\n\r\n", 400,
                        "disagrees with the request target's decrypt.test"),
                Arguments.of("on the explicit listener two Host fields are refused: 400", Via.EXPLICIT,
                        "GET http://plain.test:{P}/ok/two-hosts HTTP/1.1\r\nHost: plain.test:{P}\r\nHost: other.test"
                                + "\r\n\r\n", 400, "more than one Host"),
                Arguments.of("on the explicit listener an absolute URI with another Host is refused: 400",
                        Via.EXPLICIT, "GET http://plain.test:{P}/ok/fronted HTTP/1.1\r\nHost: other.test\r\n\r\n",
                        400, "disagrees with the request target's plain.test"),
                Arguments.of("on a transparent port two Host fields are refused: 400", Via.TRANSPARENT,
                        "GET /ok/two-hosts HTTP/1.1\r\nHost: plain.test\r\nHost: other.test\r\n\r\n", 400,
                        "more than one Host"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void aHostileRequestIsAnsweredByTheGatewayAndNeverReachesTheOrigin(String sentence, Via via, String template,
                                                                        int status, String reason)
            throws Exception {
        String request = template.replace("{S}", Integer.toString(secure.port()))
                .replace("{P}", Integer.toString(plain.port()));

        String response = send(via, request);

        assertThat(statusOf(response)).as(response).isEqualTo(status);
        assertThat(response).contains("Proxy-Status: portcullis; error="
                + (status == 400 ? "http_request_error" : "http_request_denied")).contains(reason);
        assertThat(response.chars()).as("Proxy-Status details are an sf-string: printable ASCII (RFC 9209)")
                .allMatch(c -> c < 0x7f);
        for (TestOrigin origin : new TestOrigin[] {secure, plain}) {
            assertThat(origin.requestHeads()).as("what %s saw", origin.name())
                    .noneMatch(head -> head.contains("deny-") || head.contains("two-hosts")
                            || head.contains("fronted") || head.contains("other.test"));
        }
    }

    static Stream<Arguments> legitimate() {
        return Stream.of(
                Arguments.of("in a decrypted tunnel", Via.TUNNEL),
                Arguments.of("on the explicit listener", Via.EXPLICIT),
                Arguments.of("on a transparent port", Via.TRANSPARENT));
    }

    @ParameterizedTest(name = "{0} /bytes/x/./../3 passes and the origin sees /bytes/3")
    @MethodSource("legitimate")
    void aPathWithDotSegmentsIsForwardedAsItWasDecided(String sentence, Via via) {
        Curl curl = switch (via) {
            case TUNNEL -> Curl.viaProxy(cluster.listenerPort(0, "explicit")).caFile(rootFile);
            case EXPLICIT -> Curl.viaProxy(cluster.listenerPort(0, "explicit"));
            case TRANSPARENT -> Curl.direct().option("--connect-to",
                    "plain.test:" + plain.port() + ":127.0.0.1:" + cluster.listenerPort(0, TRANSPARENT));
        };
        String url = via == Via.TUNNEL ? "https://decrypt.test:" + secure.port() + "/bytes/x/./../3"
                : "http://plain.test:" + plain.port() + "/bytes/x/./../3";
        TestOrigin origin = via == Via.TUNNEL ? secure : plain;

        Curl.Result result = curl.option("--path-as-is").get(url);

        assertThat(result.status()).as(result.stderr()).isEqualTo(200);
        assertThat(result.body()).isEqualTo("abc");
        String host = via == Via.TUNNEL ? "decrypt.test:" + secure.port() : "plain.test:" + plain.port();
        assertThat(origin.requestHeads()).contains("GET /bytes/3 Host: " + host)
                .noneMatch(head -> head.contains("/./") || head.contains("/../"));
    }

    private static String send(Via via, String request) throws IOException {
        int port = switch (via) {
            case TUNNEL, EXPLICIT -> cluster.listenerPort(0, "explicit");
            case TRANSPARENT -> cluster.listenerPort(0, TRANSPARENT);
        };
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            if (via != Via.TUNNEL) {
                socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
                return readResponse(socket.getInputStream());
            }
            String authority = "decrypt.test:" + secure.port();
            socket.getOutputStream().write(("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority
                    + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            assertThat(readResponse(socket.getInputStream())).startsWith("HTTP/1.1 200");
            try (SSLSocket tls = (SSLSocket) trustingPortcullis.getSocketFactory()
                    .createSocket(socket, "decrypt.test", secure.port(), true)) {
                SSLParameters parameters = tls.getSSLParameters();
                parameters.setServerNames(List.of(new SNIHostName("decrypt.test")));
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                tls.setSSLParameters(parameters);
                tls.startHandshake();
                tls.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
                tls.getOutputStream().flush();
                return readResponse(tls.getInputStream());
            }
        }
    }

    /** One response: its head and a Content-Length body, or what came before the close or the timeout. */
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            int b;
            while ((b = in.read()) >= 0) {
                out.write(b);
                String text = out.toString(StandardCharsets.ISO_8859_1);
                int headEnd = text.indexOf("\r\n\r\n");
                if (headEnd >= 0) {
                    Matcher length = Pattern.compile("(?i)\r\ncontent-length: *([0-9]+)").matcher(text);
                    int body = length.find() && length.start() < headEnd ? Integer.parseInt(length.group(1)) : 0;
                    if (text.length() >= headEnd + 4 + body) {
                        return text;
                    }
                }
            }
        } catch (SocketTimeoutException e) {
            // what came so far
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    private static int statusOf(String response) {
        return response.startsWith("HTTP/1.1 ") ? Integer.parseInt(response.substring(9, 12)) : -1;
    }
}

package dev.portcullis.node.admission;

import dev.portcullis.api.ca.CaClient;
import dev.portcullis.node.testkit.RawOrigin;
import dev.portcullis.node.testkit.TestCa;
import dev.portcullis.node.testkit.TestCluster;
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
 * Issue 10, as the attacker sends it: requests whose framing two parsers could read differently, byte for byte,
 * inside a decrypted tunnel, as absolute-form requests on the explicit listener and as origin-form requests on a
 * transparent port. Each is answered 400 by the gateway, its connection closed, and the origins (which keep every
 * byte they receive) get none of it; a request hidden in its body is never decided and never forwarded (README,
 * "No smuggling"). The rules allow only {@code /ok/**}.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RequestSmugglingTest {

    private static final String TRANSPARENT = "transparent-http";

    @TempDir
    static Path dir;

    private static Vertx vertx;
    private static RawOrigin secure;
    private static RawOrigin plain;
    private static TestCluster cluster;
    private static SSLContext trustingPortcullis;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        TestCa originCa = TestCa.create("Smuggling Test Origin CA");
        secure = RawOrigin.tls(vertx, originCa, "decrypt.test");
        plain = RawOrigin.plain(vertx);
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                version: 1
                default: { action: deny }
                rules:
                  - name: decrypted
                    hosts: [decrypt.test, plain.test]
                    action: allow
                    inspection: decrypt
                    destinations: [127.0.0.1/32]
                    http:
                      - { paths: ["/ok/**"], action: allow }
                      - { action: deny }
                """);
        JsonObject names = new JsonObject()
                .put("decrypt.test", new JsonArray().add("127.0.0.1"))
                .put("plain.test", new JsonArray().add("127.0.0.1"));
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
        trustingPortcullis = TlsTrust.only(rootPem);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        for (RawOrigin origin : new RawOrigin[] {secure, plain}) {
            if (origin != null) {
                origin.close();
            }
        }
        if (vertx != null) {
            vertx.close().await();
        }
    }

    /** A request hidden in a body: a lenient origin would run it, undecided and unlogged. */
    private static String hidden(String marker) {
        return "GET /deny-" + marker + " HTTP/1.1\r\nHost: decrypt.test\r\n\r\n";
    }

    /** Each case's head names {@code /ok/<marker>}, and its hidden request {@code /deny-<marker>}. */
    static Stream<Arguments> smuggling() {
        String xte = "0\r\n\r\n" + hidden("xte");
        return Stream.of(
                Arguments.of("xte", "Transfer-Encoding: xchunked with a Content-Length",
                        "POST /ok/xte HTTP/1.1\r\nHost: {H}\r\nTransfer-Encoding: xchunked\r\nContent-Length: "
                                + xte.length() + "\r\n\r\n" + xte,
                        "both Content-Length and Transfer-Encoding (RFC 9112 section 6.3)"),
                Arguments.of("clte", "Content-Length and chunked",
                        "POST /ok/clte HTTP/1.1\r\nHost: {H}\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                                + "0\r\n\r\n" + hidden("clte"), "both Content-Length and Transfer-Encoding"),
                Arguments.of("teid", "chunked, identity",
                        "POST /ok/teid HTTP/1.1\r\nHost: {H}\r\nTransfer-Encoding: chunked, identity\r\n\r\n"
                                + "0\r\n\r\n" + hidden("teid"), "Transfer-Encoding other than chunked"),
                Arguments.of("ident", "identity",
                        "POST /ok/ident HTTP/1.1\r\nHost: {H}\r\nTransfer-Encoding: identity\r\n\r\n" + hidden("ident"),
                        "Transfer-Encoding other than chunked"),
                Arguments.of("te10", "Transfer-Encoding in HTTP/1.0",
                        "POST /ok/te10 HTTP/1.0\r\nHost: {H}\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
                                + hidden("te10"), "Transfer-Encoding in an HTTP/1.0 request"),
                Arguments.of("twocl", "two Content-Length values",
                        "POST /ok/twocl HTTP/1.1\r\nHost: {H}\r\nContent-Length: 0\r\nContent-Length: 48\r\n\r\n"
                                + hidden("twocl"), "Multiple Content-Length values"),
                Arguments.of("signcl", "a Content-Length with a sign",
                        "POST /ok/signcl HTTP/1.1\r\nHost: {H}\r\nContent-Length: +0\r\n\r\n" + hidden("signcl"),
                        "Content-Length value is not a number"),
                Arguments.of("conncl", "Connection: content-length",
                        "POST /ok/conncl HTTP/1.1\r\nHost: {H}\r\nConnection: content-length\r\nContent-Length: 49"
                                + "\r\n\r\n" + hidden("conncl"), "Connection names content-length (RFC 9110 section 7.6.1)"),
                Arguments.of("connte", "Connection: transfer-encoding",
                        "POST /ok/connte HTTP/1.1\r\nHost: {H}\r\nConnection: transfer-encoding\r\n"
                                + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + hidden("connte"),
                        "Connection names transfer-encoding"),
                Arguments.of("foldte", "a Transfer-Encoding folded onto two lines",
                        "POST /ok/foldte HTTP/1.1\r\nHost: {H}\r\nTransfer-Encoding: identity\r\n chunked\r\n\r\n"
                                + "0\r\n\r\n" + hidden("foldte"), "Transfer-Encoding other than chunked"),
                Arguments.of("barelf", "a bare LF ending a field line",
                        "POST /ok/barelf HTTP/1.1\r\nHost: {H}\nContent-Length: 0\r\n\r\n" + hidden("barelf"),
                        "Line Feed must be preceded by Carriage Return"),
                Arguments.of("spcolon", "a space before the colon",
                        "POST /ok/spcolon HTTP/1.1\r\nHost: {H}\r\nTransfer-Encoding : chunked\r\nContent-Length: 0"
                                + "\r\n\r\n0\r\n\r\n" + hidden("spcolon"), "a header name can only contain"));
    }

    @ParameterizedTest(name = "in a decrypted tunnel, {1}: 400, closed, nothing forwarded")
    @MethodSource("smuggling")
    void aRequestFramedAmbiguouslyIsRefusedAndNoneOfItIsForwarded(String marker, String sentence, String request,
                                                                 String reason) throws Exception {
        try (Tunnel tunnel = Tunnel.open()) {
            tunnel.write(request.replace("{H}", "decrypt.test"));

            String response = readResponse(tunnel.in());

            assertThat(response).startsWith("HTTP/1.1 400 ").containsIgnoringCase("connection: close")
                    .contains("Proxy-Status: portcullis; error=http_request_error").contains(reason);
            assertThat(closed(tunnel.in())).as("the connection is closed after the 400").isTrue();
        }
        assertThat(secure.received()).doesNotContain("/ok/" + marker).doesNotContain("/deny-" + marker);
    }

    @Test
    void aMalformedChunkIsRefusedAndTheOriginNeverGetsACompleteBody() throws Exception {
        try (Tunnel tunnel = Tunnel.open()) {
            tunnel.write("POST /ok/badchunk HTTP/1.1\r\nHost: decrypt.test\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "3\r\nabc\r\nzz\r\n" + hidden("badchunk"));

            String response = readResponse(tunnel.in());

            assertThat(response).startsWith("HTTP/1.1 400 ").containsIgnoringCase("connection: close")
                    .contains("malformed request body");
            assertThat(closed(tunnel.in())).isTrue();
        }
        // The head was decided and may have gone ahead of its body; never a last chunk, never the hidden request.
        assertThat(secure.received()).doesNotContain("deny-badchunk").doesNotContain("0\r\n\r\n");
    }

    @Test
    void pipelinedAllowedAndDeniedRequestsAreAnsweredInOrderAndOnlyTheAllowedIsForwarded() throws Exception {
        try (Tunnel tunnel = Tunnel.open()) {
            tunnel.write("GET /ok/first HTTP/1.1\r\nHost: decrypt.test\r\n\r\n"
                    + "GET /deny-second HTTP/1.1\r\nHost: decrypt.test\r\n\r\n");

            String first = readResponse(tunnel.in());
            String second = readResponse(tunnel.in());

            assertThat(first).startsWith("HTTP/1.1 200 ").endsWith("ok");
            assertThat(second).startsWith("HTTP/1.1 403 ").contains("GET /deny-second denied by rule 'decrypted'");
        }
        assertThat(secure.received()).contains("GET /ok/first HTTP/1.1\r\n").doesNotContain("deny-second");
    }

    static Stream<Arguments> plainSmuggling() {
        Stream.Builder<Arguments> cases = Stream.builder();
        for (String listener : List.of("explicit", TRANSPARENT)) {
            String p = listener.substring(0, 1);
            cases.add(Arguments.of(listener, p + "conncl", "Connection: content-length\r\nContent-Length: 55\r\n",
                            "Connection names content-length"))
                    .add(Arguments.of(listener, p + "clte", "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
                            "both Content-Length and Transfer-Encoding"))
                    .add(Arguments.of(listener, p + "xte", "Transfer-Encoding: xchunked\r\nContent-Length: 5\r\n",
                            "both Content-Length and Transfer-Encoding"))
                    .add(Arguments.of(listener, p + "teid", "Transfer-Encoding: chunked, identity\r\n",
                            "Transfer-Encoding other than chunked"))
                    .add(Arguments.of(listener, p + "te10", "Transfer-Encoding: chunked\r\n",
                            "Transfer-Encoding in an HTTP/1.0 request"));
        }
        return cases.build();
    }

    @ParameterizedTest(name = "plain HTTP on the {0} listener, {2}: 400, nothing forwarded")
    @MethodSource("plainSmuggling")
    void aPlainRequestFramedAmbiguouslyIsRefusedAndNoneOfItIsForwarded(String listener, String marker, String fields,
                                                                      String reason) throws Exception {
        String authority = "plain.test:" + plain.port();
        // Absolute-form on the explicit listener, origin-form on a transparent port.
        String target = listener.equals(TRANSPARENT) ? "/ok/" + marker : "http://" + authority + "/ok/" + marker;
        String version = marker.endsWith("te10") ? "HTTP/1.0" : "HTTP/1.1";
        String request = "POST " + target + " " + version + "\r\nHost: " + authority + "\r\n"
                + fields + "\r\n0\r\n\r\n" + hidden(marker);
        try (Socket socket = new Socket("127.0.0.1", cluster.listenerPort(0, listener))) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));

            String response = readResponse(socket.getInputStream());

            assertThat(response).startsWith("HTTP/1.1 400 ").contains(reason);
            assertThat(closed(socket.getInputStream())).isTrue();
        }
        assertThat(plain.received()).doesNotContain("/ok/" + marker).doesNotContain("/deny-" + marker);
    }

    /** A CONNECT to decrypt.test through the explicit listener, then TLS to the gateway's minted leaf. */
    private record Tunnel(Socket socket, SSLSocket tls) implements AutoCloseable {

        static Tunnel open() throws IOException {
            Socket socket = new Socket("127.0.0.1", cluster.listenerPort(0, "explicit"));
            socket.setSoTimeout(5000);
            String authority = "decrypt.test:" + secure.port();
            socket.getOutputStream().write(("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority
                    + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            assertThat(readResponse(socket.getInputStream())).startsWith("HTTP/1.1 200");
            SSLSocket tls = (SSLSocket) trustingPortcullis.getSocketFactory()
                    .createSocket(socket, "decrypt.test", secure.port(), true);
            SSLParameters parameters = tls.getSSLParameters();
            parameters.setServerNames(List.of(new SNIHostName("decrypt.test")));
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            tls.setSSLParameters(parameters);
            tls.startHandshake();
            return new Tunnel(socket, tls);
        }

        /** All bytes in one write, as a smuggler sends them. */
        void write(String bytes) throws IOException {
            tls.getOutputStream().write(bytes.getBytes(StandardCharsets.ISO_8859_1));
            tls.getOutputStream().flush();
        }

        InputStream in() throws IOException {
            return tls.getInputStream();
        }

        @Override
        public void close() throws IOException {
            tls.close();
        }
    }

    /** Whether the peer closed: end of stream or a reset, not a read timeout. */
    private static boolean closed(InputStream in) {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** One response: its head and a Content-Length body, read byte by byte so a second one stays unread. */
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
}

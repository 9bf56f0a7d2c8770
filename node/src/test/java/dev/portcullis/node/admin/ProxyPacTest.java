package dev.portcullis.node.admin;

import dev.portcullis.node.testkit.TestCluster;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code GET /proxy.pac} on a node with a proxy role and an admin token: served without the token, and run through
 * a real JavaScript engine (Node.js) to see what it answers.
 */
@Timeout(120)
class ProxyPacTest {

    private static final String TOKEN = "admin-token-for-pac-tests-4b1e";
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path dir;
    static TestCluster cluster;
    static int admin;
    static int proxy;

    @BeforeAll
    static void startNode() throws IOException {
        Path token = Files.writeString(dir.resolve("admin-token"), TOKEN + "\n");
        Path policy = dir.resolve("policy.yaml");
        try (java.io.InputStream sample = ProxyPacTest.class.getResourceAsStream("/dev/portcullis/node/sample-policy.yaml")) {
            Files.write(policy, sample.readAllBytes());
        }
        cluster = TestCluster.start(TestCluster.node("policy:1,dns:1,proxy:1")
                .section("policy", new JsonObject().put("file", policy.toString()))
                .section("admin", new JsonObject().put("token-file", token.toString())
                        .put("pac", new JsonObject().put("direct",
                                new JsonArray().add("Intranet.Example.").add("*.corp.example").add("10.1.2.3")))));
        admin = cluster.node(0).adminPort();
        proxy = cluster.listenerPort(0, "explicit");
    }

    @AfterAll
    static void stopNode() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void thePacFileIsServedWithoutTheAdminTokenAsAProxyAutoConfig() {
        HttpResponse<String> answer = get("/proxy.pac", null);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("content-type")).hasValue("application/x-ns-proxy-autoconfig");
        assertThat(answer.body()).contains("function FindProxyForURL(url, host)");
    }

    @Test
    void otherEndpointsStillRequireTheToken() {
        assertThat(get("/metrics", null).statusCode()).isEqualTo(401);
        assertThat(get("/metrics", TOKEN).statusCode()).isEqualTo(200);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "a name not listed goes through the proxy            | github.com          | PROXY",
            "a listed name goes direct                           | intranet.example    | DIRECT",
            "a listed name goes direct whatever its case         | INTRANET.example    | DIRECT",
            "a name below a listed name is not that name         | www.intranet.example | PROXY",
            "a name below a listed suffix goes direct            | git.corp.example    | DIRECT",
            "a suffix does not cover its apex                    | corp.example        | PROXY",
            "a name ending like a suffix without its dot         | evilcorp.example    | PROXY",
            "a listed address goes direct                        | 10.1.2.3            | DIRECT",
    })
    void findProxyForUrlAnswersAsTheDirectListSays(String sentence, String host, String expected) throws Exception {
        assumeTrue(nodeJs(), "Node.js (node) is not on the PATH");
        String pac = get("/proxy.pac", null).body();

        String answer = runPac(pac, host);

        assertThat(answer).isEqualTo(expected.equals("PROXY") ? "PROXY 127.0.0.1:" + proxy : "DIRECT");
    }

    /**
     * Runs {@code FindProxyForURL} for {@code host} with the two PAC helpers a browser provides and this file may
     * use ({@code dnsDomainIs}, {@code shExpMatch}), as Mozilla's pac utils define them; the host is an argument,
     * never part of the script.
     */
    private static String runPac(String pac, String host) throws Exception {
        String script = pac + "\n"
                + "function dnsDomainIs(h, d) { return h.length >= d.length && h.substring(h.length - d.length) === d; }\n"
                + "function shExpMatch(s, p) { return new RegExp('^' + p.replace(/[.+^${}()|[\\]\\\\]/g, '\\\\$&')"
                + ".replace(/\\*/g, '.*').replace(/\\?/g, '.') + '$').test(s); }\n"
                + "var host = process.argv[1];\n"
                + "process.stdout.write(FindProxyForURL('https://' + host + '/', host));\n";
        Process process = new ProcessBuilder("node", "-e", script, host).redirectErrorStream(true).start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("node finished").isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    private static boolean nodeJs() {
        try {
            Process version = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            return version.waitFor(10, TimeUnit.SECONDS) && version.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static HttpResponse<String> get(String path, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + path))
                .timeout(Duration.ofSeconds(10)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

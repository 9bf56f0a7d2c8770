package dev.portcullis.node.admin;

import dev.portcullis.node.testkit.TestCluster;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** A node whose admin API has a token (on 127.0.0.1: a loopback bind checks a configured token too). */
@Timeout(120)
class AdminAuthTest {

    private static final String TOKEN = "admin-token-for-tests-7f3a9c";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path dir;
    static TestCluster cluster;
    static int admin;

    @BeforeAll
    static void startNode() throws IOException {
        Path token = Files.writeString(dir.resolve("admin-token"), TOKEN + "\n");
        cluster = TestCluster.start(TestCluster.node("dns:1")
                .section("admin", new JsonObject().put("token-file", token.toString())));
        admin = cluster.node(0).adminPort();
    }

    @AfterAll
    static void stopNode() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @ParameterizedTest(name = "GET {0} without a token is 401 with a Bearer challenge")
    @ValueSource(strings = {"/api/v1/cluster", "/api/v1/decide?host=a.test&port=443&client=127.0.0.1",
            "/metrics", "/ca.pem", "/no-such-endpoint"})
    void everyEndpointButHealthzRefusesARequestWithoutTheToken(String path) throws Exception {
        HttpResponse<String> answer = get(path, null);

        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"portcullis-admin\"");
    }

    @Test
    void aWrongTokenIsRefusedAsInvalid() throws Exception {
        HttpResponse<String> answer = get("/api/v1/cluster", "Bearer " + TOKEN + "x");

        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.headers().firstValue("WWW-Authenticate")).get().asString().contains("error=\"invalid_token\"");
        assertThat(answer.body()).doesNotContain(TOKEN);
    }

    @Test
    void anotherSchemeWithTheRightSecretIsRefused() throws Exception {
        assertThat(get("/api/v1/cluster", "Basic " + TOKEN).statusCode()).isEqualTo(401);
    }

    @Test
    void theRightTokenOpensTheApi() throws Exception {
        HttpResponse<String> answer = get("/api/v1/cluster", "Bearer " + TOKEN);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(answer.body()).getString("self")).isEqualTo(cluster.node(0).id());
    }

    @Test
    void healthzStaysOpenForLivenessProbes() throws Exception {
        assertThat(get("/healthz", null).statusCode()).isEqualTo(200);
    }

    @Test
    void readyzWithoutATokenTellsOnlyReadinessForTheKubeletsProbe() throws Exception {
        HttpResponse<String> open = get("/readyz", null);
        HttpResponse<String> full = get("/readyz", "Bearer " + TOKEN);
        HttpResponse<String> wrong = get("/readyz", "Bearer " + TOKEN + "x");

        assertThat(open.statusCode()).isEqualTo(full.statusCode()).isIn(200, 503);
        assertThat(new JsonObject(open.body()).fieldNames()).containsExactlyInAnyOrder("ready", "missing");
        assertThat(new JsonObject(wrong.body()).fieldNames()).containsExactlyInAnyOrder("ready", "missing");
        assertThat(new JsonObject(full.body()).fieldNames()).contains("ready", "missing", "nodeId", "policy");
    }

    private static HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + path))
                .timeout(Duration.ofSeconds(5)).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}

package dev.portcullis.node.admin;

import dev.portcullis.node.testkit.TestCluster;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The admin API of a one-node cluster running the policy (with the sample policy) and dns roles. */
@Timeout(120)
class AdminApiTest {

    @TempDir
    static Path dir;
    static TestCluster cluster;
    static int admin;

    @BeforeAll
    static void startNode() throws IOException {
        Path policy = dir.resolve("policy.yaml");
        try (InputStream sample = AdminApiTest.class.getResourceAsStream("/dev/portcullis/node/sample-policy.yaml")) {
            Files.write(policy, sample.readAllBytes());
        }
        cluster = TestCluster.start(TestCluster.node("policy:1,dns:1")
                .section("policy", new JsonObject().put("file", policy.toString())));
        admin = cluster.node(0).adminPort();
    }

    @AfterAll
    static void stopNode() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void healthzAnswersWhileTheNodeRuns() {
        AdminHttp.Answer answer = AdminHttp.get(admin, "/healthz");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body().getString("nodeId")).isEqualTo(cluster.node(0).id());
    }

    @Test
    void readyzIsReadyWhenPolicyAndDnsAnswer() {
        AdminHttp.Answer answer = AdminHttp.get(admin, "/readyz");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body().getBoolean("ready")).isTrue();
        assertThat(answer.body().getJsonArray("missing")).isEmpty();
        assertThat(answer.body().getJsonObject("policy").getString("policyVersion")).isNotBlank();
        assertThat(answer.body().getJsonObject("dns")).isNotNull();
    }

    static Stream<Arguments> decisions() {
        return Stream.of(
                arguments("the sample allows example.com on 443", "host=example.com&port=443", "allow", "example"),
                arguments("the sample allows a subdomain of example.com", "host=www.example.com&port=443", "allow",
                        "example"),
                arguments("the host is normalised before deciding", "host=WWW.Example.COM.&port=443", "allow",
                        "example"),
                arguments("the sample denies example.com on another port", "host=example.com&port=80", "deny",
                        "default"),
                arguments("the sample denies any other host", "host=other.test&port=443&client=10.1.2.3", "deny",
                        "default"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("decisions")
    void decideDryRunAnswersWithThePolicysDecision(String sentence, String query, String verdict, String rule) {
        AdminHttp.Answer answer = AdminHttp.get(admin, "/api/v1/decide?" + query);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body().getString("verdict")).isEqualTo(verdict);
        assertThat(answer.body().getString("rule")).isEqualTo(rule);
        assertThat(answer.body().getString("policyVersion")).isNotBlank();
        JsonObject request = answer.body().getJsonObject("request");
        assertThat(request.getString("listener")).isEqualTo("admin");
        assertThat(request.getString("mode")).isEqualTo("explicit");
        assertThat(request.getString("protocol")).isEqualTo("tcp");
        assertThat(request.getString("host")).isEqualTo(request.getString("host").toLowerCase());
    }

    static Stream<Arguments> badRequests() {
        return Stream.of(
                arguments("a missing host", "port=443", "host", "host is required"),
                arguments("a host with a space", "host=exa%20mple.com&port=443", "host",
                        "invalid host name 'exa mple.com'"),
                arguments("a host with an empty label", "host=a..b&port=443", "host", "Empty label"),
                arguments("a missing port", "host=example.com", "port", "port is required"),
                arguments("a port of zero", "host=example.com&port=0", "port", "port must be 1-65535, was '0'"),
                arguments("a port that is not a number", "host=example.com&port=https", "port",
                        "port must be 1-65535, was 'https'"),
                arguments("a client that is a name", "host=example.com&port=443&client=laptop", "client",
                        "client must be an IP address"));
    }

    @ParameterizedTest(name = "decide refuses {0}")
    @MethodSource("badRequests")
    void decideRefusesBadParametersNamingThem(String sentence, String query, String parameter, String message) {
        AdminHttp.Answer answer = AdminHttp.get(admin, "/api/v1/decide?" + query);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body().getString("error")).isEqualTo("bad-request");
        assertThat(answer.body().getString("parameter")).isEqualTo(parameter);
        assertThat(answer.body().getString("message")).contains(message);
    }

    @Test
    void policyEndpointShowsThePolicyRolesInfo() {
        AdminHttp.Answer answer = AdminHttp.get(admin, "/api/v1/policy");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body().getString("policyVersion")).isNotBlank();
    }

    @Test
    void clusterEndpointListsThisNodeWithItsRoles() {
        AdminHttp.Answer answer = AdminHttp.get(admin, "/api/v1/cluster");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body().getString("self")).isEqualTo(cluster.node(0).id());
        assertThat(answer.body().getJsonArray("members")).hasSize(1);
        JsonObject member = answer.body().getJsonArray("members").getJsonObject(0);
        assertThat(member.getJsonObject("roles")).isEqualTo(new JsonObject().put("policy", 1).put("dns", 1));
        assertThat(member.getString("admin")).isEqualTo("http://127.0.0.1:" + admin);
        // The same, as data for the other members' guards (README, step 4 of "What happens to one connection").
        assertThat(member.getJsonArray("endpoints")).containsExactly(new JsonObject()
                .put("what", "admin API").put("host", "127.0.0.1").put("port", admin));
    }

    @Test
    void unknownPathsGetAJsonNotFound() {
        AdminHttp.Answer answer = AdminHttp.get(admin, "/api/v2/nothing");

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.body().getString("error")).isEqualTo("not-found");
    }
}

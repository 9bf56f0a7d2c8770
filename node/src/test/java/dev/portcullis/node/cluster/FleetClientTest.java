package dev.portcullis.node.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.partition.Partition;
import dev.portcullis.api.bus.ErrorCode;
import dev.portcullis.api.bus.GatewayException;
import dev.portcullis.api.policy.DecideRequest;
import dev.portcullis.api.policy.Decision;
import dev.portcullis.api.policy.Mode;
import dev.portcullis.api.policy.PolicyClient;
import dev.portcullis.api.policy.Protocol;
import dev.portcullis.api.policy.Verdict;
import dev.portcullis.fleet.client.FleetClient;
import dev.portcullis.fleet.client.FleetClientOptions;
import dev.portcullis.node.fleet.FleetDirectory;
import dev.portcullis.node.testkit.FreePorts;
import dev.portcullis.node.testkit.Poll;
import dev.portcullis.node.testkit.TestCluster;
import dev.portcullis.node.testkit.TestFleetTls;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
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
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A JVM service joins the fleet with {@link FleetClient} (docs/policy-clients.md) and asks the policy role through
 * gateway-api's {@link PolicyClient}: as a lite member (no partitions, no role, listed as such), with the fleet's
 * event-bus mutual TLS, so that wrong credentials get no decision: a bounded failure, not a hang.
 */
@Timeout(180)
class FleetClientTest {

    @TempDir
    static Path dir;

    private static TestCluster cluster;
    private static Vertx client;

    @BeforeAll
    static void start() throws Exception {
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                version: 1
                default: { action: deny }
                rules:
                  - name: payments-api
                    hosts: [api.payments.test]
                    action: allow
                """);
        cluster = TestCluster.start(TestCluster.node("policy:1")
                .section("policy", new JsonObject().put("file", policy.toString())));
        client = FleetClient.join(options(cluster.fleetTls())).await(60, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) {
            client.close().await(20, TimeUnit.SECONDS);
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aServiceWithTheFleetsCredentialsGetsTheDecisions() throws Exception {
        PolicyClient policy = new PolicyClient(client);
        // The policy role's subscription reaches a member that just joined through Hazelcast, asynchronously.
        Decision allowed = Poll.until(Duration.ofSeconds(30), () -> attempt(policy, "api.payments.test"),
                decision -> decision != null, "a decision for the lite member");
        Decision denied = policy.decide(request("exfiltrate.test")).await(10, TimeUnit.SECONDS);

        assertThat(allowed.verdict()).isEqualTo(Verdict.ALLOW);
        assertThat(allowed.rule()).isEqualTo("payments-api");
        assertThat(denied.verdict()).isEqualTo(Verdict.DENY);
        assertThat(denied.rule()).isEqualTo("default");
    }

    @Test
    void theServiceIsALiteMemberThatOwnsNoPartition() {
        HazelcastInstance hazelcast = ((HazelcastClusterManager) ((VertxInternal) client).clusterManager())
                .getHazelcastInstance();

        assertThat(hazelcast.getCluster().getLocalMember().isLiteMember()).isTrue();
        assertThat(hazelcast.getPartitionService().getPartitions()).map(Partition::getOwner)
                .doesNotContain(hazelcast.getCluster().getLocalMember());
    }

    @Test
    void theAdminApiListsTheServiceAsALiteMemberWithoutRoles() throws Exception {
        String clientId = ((VertxInternal) client).clusterManager().getNodeId();
        JsonArray members = Poll.until(Duration.ofSeconds(30), FleetClientTest::clusterListing,
                list -> list.size() == 2, "the node and the lite member in /api/v1/cluster");

        JsonObject service = members.stream().map(JsonObject.class::cast)
                .filter(member -> member.getString("nodeId").equals(clientId)).findFirst().orElseThrow();
        assertThat(service.getBoolean("liteMember")).isTrue();
        assertThat(service.getBoolean("registered")).isFalse();
        assertThat(service.containsKey("roles")).isFalse();
        JsonObject node = members.stream().map(JsonObject.class::cast)
                .filter(member -> !member.getString("nodeId").equals(clientId)).findFirst().orElseThrow();
        assertThat(node.containsKey("liteMember")).isFalse();
        assertThat(node.getJsonObject("roles").getInteger("policy")).isEqualTo(1);
    }

    @Test
    void aServiceWithAnotherFleetsCredentialsGetsNoDecisionAndFailsWithinItsTimeout() throws Exception {
        TestFleetTls other = TestFleetTls.generate(dir.resolve("other-fleet"));
        Vertx stranger = FleetClient.join(options(other)).await(60, TimeUnit.SECONDS);
        try {
            PolicyClient policy = new PolicyClient(stranger, Duration.ofSeconds(2));
            // Hazelcast lets it in (no member authentication in the open-source edition), the event bus does not:
            // its connection to the policy node fails the TLS handshake (docs/fleet-security.md). The await bound
            // is far past the client's 2 s: a timeout here would mean a hang, and fail the assertion.
            assertThatThrownBy(() -> policy.decide(request("api.payments.test")).await(30, TimeUnit.SECONDS))
                    .isInstanceOf(GatewayException.class)
                    .satisfies(e -> assertThat(((GatewayException) e).code()).isEqualTo(ErrorCode.POLICY_UNAVAILABLE));
        } finally {
            stranger.close().await(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void joiningWithoutCredentialsIsRefusedBeforeAnythingStarts() {
        FleetClientOptions options = options(cluster.fleetTls()).setKeyFile(null);

        assertThatThrownBy(() -> FleetClient.join(options).await(10, TimeUnit.SECONDS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tls.key-file is required");
    }

    @Test
    void theOptionsReadTheNodesClusterSection() {
        JsonObject section = new JsonObject().put("name", "fleet-a").put("host", "10.0.0.9").put("port", 5801)
                .put("members", new JsonArray().add("10.0.0.1:5701"))
                .put("tls", new JsonObject().put("cert-file", "/c.pem").put("key-file", "/c.key")
                        .put("trust-file", "/ca.pem"));

        FleetClientOptions options = new FleetClientOptions(section);

        assertThat(options.toJson()).isEqualTo(section);
        assertThat(new FleetClientOptions(options).toJson()).isEqualTo(section);
        assertThat(new FleetClientOptions().toJson().getString("name")).isEqualTo(FleetClientOptions.DEFAULT_NAME);
    }

    private static FleetClientOptions options(TestFleetTls tls) {
        return new FleetClientOptions()
                .setName(cluster.name())
                .setHost("127.0.0.1")
                .setPort(FreePorts.one())
                .setMembers(cluster.members())
                .setCertFile(tls.directory().resolve(FleetDirectory.NODE_CERT).toString())
                .setKeyFile(tls.directory().resolve(FleetDirectory.NODE_KEY).toString())
                .setTrustFile(tls.directory().resolve(FleetDirectory.CA_CERT).toString());
    }

    private static DecideRequest request(String host) {
        return new DecideRequest(host, 443, "10.1.2.3", "billing-service", Mode.EXPLICIT, Protocol.TCP, null);
    }

    /** One decision, or {@code null} while the policy role's registration has not reached the service. */
    private static Decision attempt(PolicyClient policy, String host) {
        Future<Decision> answer = policy.decide(request(host));
        try {
            return answer.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            return null;
        }
    }

    private static JsonArray clusterListing() {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + cluster.node(0).adminPort() + "/api/v1/cluster"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return new JsonObject(response.body()).getJsonArray("members");
        } catch (Exception e) {
            return new JsonArray();
        }
    }
}

package dev.portcullis.node.fleet;

import dev.portcullis.node.testkit.AccessRecords;
import dev.portcullis.node.testkit.Curl;
import dev.portcullis.node.testkit.FreePorts;
import dev.portcullis.node.testkit.NodeProcess;
import dev.portcullis.node.testkit.Poll;
import dev.portcullis.node.testkit.TestFleetTls;
import dev.portcullis.node.testkit.TestOrigin;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three node processes that find each other the way pods do behind a headless Service
 * ({@code cluster.discovery: kubernetes-dns}, docs/configuration.md): each binds its own loopback address, and one
 * service name resolves to all three. Hazelcast resolves that name with {@code InetAddress.getAllByName}, so a
 * hosts file given to each JVM ({@code -Djdk.net.hosts.file}) stands in for cluster DNS. No member list anywhere,
 * TCP-IP join and multicast off: the three meet only if that name was looked up.
 */
@ExtendWith(VertxExtension.class)
@Timeout(300)
class KubernetesDnsDiscoveryIT {

    private static final String SERVICE = "portcullis-hz.portcullis.svc.cluster.local";
    private static final String POLICY_DNS = "127.0.0.2";
    private static final String CA = "127.0.0.3";
    private static final String PROXY = "127.0.0.4";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;
    private final List<NodeProcess> processes = new ArrayList<>();

    @AfterEach
    void destroyProcesses() {
        processes.forEach(NodeProcess::close);
    }

    @Test
    void threeNodesFoundThroughOneServiceNameFormOneClusterAndDecideTrafficAcrossIt(Vertx vertx) throws Exception {
        TestOrigin origin = TestOrigin.https(vertx, "origin.test");
        Files.writeString(dir.resolve("policy.yaml"), FleetIT.POLICY);
        Path hosts = Files.writeString(dir.resolve("hosts"), """
                127.0.0.1 localhost
                %s %s
                %s %s
                %s %s
                """.formatted(POLICY_DNS, SERVICE, CA, SERVICE, PROXY, SERVICE));
        TestFleetTls fleet = TestFleetTls.generate(dir.resolve("fleet"));
        // One Hazelcast port and one event-bus port for all: DNS gives addresses only, and each node has its own.
        List<Integer> ports = FreePorts.take(6);
        int hazelcastPort = ports.get(0);
        int eventBusPort = ports.get(1);
        int proxyPort = ports.get(5);
        String cluster = "k8s-dns-it-" + UUID.randomUUID();
        List<String> jvm = List.of("-Djdk.net.hosts.file=" + hosts);

        NodeProcess policyDns = start("policy-dns", jvm, nodeYaml("policy:1,dns:1", "policy-dns", POLICY_DNS,
                cluster, hazelcastPort, eventBusPort, ports.get(2), proxyPort, fleet));
        policyDns.awaitHttp200(POLICY_DNS, ports.get(2), "/healthz", Duration.ofSeconds(60));
        NodeProcess ca = start("ca", jvm, nodeYaml("ca:1", "ca", CA, cluster, hazelcastPort, eventBusPort,
                ports.get(3), proxyPort, fleet));
        NodeProcess proxy = start("proxy", jvm, nodeYaml("proxy:1", "proxy", PROXY, cluster, hazelcastPort,
                eventBusPort, ports.get(4), proxyPort, fleet));
        ca.awaitHttp200(CA, ports.get(3), "/healthz", Duration.ofSeconds(60));
        proxy.awaitHttp200(PROXY, ports.get(4), "/readyz", Duration.ofSeconds(60));

        JsonArray members = Poll.until(Duration.ofSeconds(60), () -> clusterMembers(POLICY_DNS, ports.get(2)),
                found -> found.size() == 3 && found.stream().allMatch(m -> ((JsonObject) m).getBoolean("registered")),
                "three registered members in GET /api/v1/cluster");
        assertThat(members.stream().map(m -> ((JsonObject) m).getString("clusterHost")))
                .containsExactlyInAnyOrder(POLICY_DNS, CA, PROXY);
        assertThat(clusterMembers(PROXY, ports.get(4))).hasSize(3);

        Curl curl = Curl.direct().option("-x", "http://" + PROXY + ":" + proxyPort).caFile(origin.caFile())
                .timeout(Duration.ofSeconds(10));
        Curl.Result allowed = curl.get("https://origin.test:" + origin.port() + "/");
        Curl.Result denied = curl.get("https://elsewhere.test:" + origin.port() + "/");

        assertThat(allowed.status()).as(allowed.stderr()).isEqualTo(200);
        assertThat(allowed.body()).isEqualTo(origin.body());
        assertThat(denied.connectStatus()).as(denied.stderr()).isEqualTo(403);
        // The proxy node has no policy role: the rule names in its records came from the policy node. Records are
        // written after the answer, so they are awaited.
        AccessRecords records = new AccessRecords(dir.resolve("data-proxy").resolve("access.log"));
        JsonObject allowedRecord = records.awaitNext("the allowed CONNECT's record",
                record -> "origin.test".equals(record.getString("host")), 0);
        JsonObject deniedRecord = records.awaitNext("the denied CONNECT's record",
                record -> "elsewhere.test".equals(record.getString("host")), 0);
        assertThat(allowedRecord.getString("rule")).isEqualTo("test-origin");
        assertThat(deniedRecord.getString("rule")).isEqualTo("default");
        assertThat(deniedRecord.getString("verdict")).isEqualTo("deny");
        origin.close();
    }

    private static JsonArray clusterMembers(String host, int adminPort) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + host + ":" + adminPort + "/api/v1/cluster"))
                .timeout(Duration.ofSeconds(3)).GET().build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? new JsonObject(response.body()).getJsonArray("members")
                    : new JsonArray();
        } catch (IOException e) {
            return new JsonArray();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private NodeProcess start(String name, List<String> jvm, String yaml) throws IOException {
        Path config = Files.writeString(dir.resolve(name + ".yaml"), yaml);
        NodeProcess process = NodeProcess.start(NodeProcess.builtJar(), dir, dir.resolve(name + ".log"), Map.of(),
                jvm, "--config", config.toString());
        processes.add(process);
        return process;
    }

    private String nodeYaml(String roles, String name, String host, String cluster, int hazelcastPort,
                            int eventBusPort, int adminPort, int proxyPort, TestFleetTls fleet) {
        return """
                node:    { roles: "%s", data-dir: %s }
                cluster: { name: %s, host: %s, port: %d, event-bus-port: %d, discovery: kubernetes-dns,
                           service-dns: %s, service-dns-timeout: 2s, tls: %s }
                admin:   { host: %s, port: %d }
                policy:  { file: %s, reload-interval: 1s }
                dns:     { static: { origin.test: [127.0.0.1], elsewhere.test: [127.0.0.1] } }
                ca:      { data-dir: %s }
                proxy:   { explicit: { host: %s, port: %d }, transparent: [] }
                """.formatted(roles, dir.resolve("data-" + name), cluster, host, hazelcastPort, eventBusPort,
                SERVICE, fleet.yaml(), host, adminPort, dir.resolve("policy.yaml"), dir.resolve("data-" + name),
                host, proxyPort);
    }
}

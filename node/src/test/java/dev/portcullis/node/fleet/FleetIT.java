package dev.portcullis.node.fleet;

import dev.portcullis.node.testkit.Curl;
import dev.portcullis.node.testkit.FreePorts;
import dev.portcullis.node.testkit.NodeProcess;
import dev.portcullis.node.testkit.Poll;
import dev.portcullis.node.testkit.TestFleetTls;
import dev.portcullis.node.testkit.TestOrigin;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two node processes from the built jar: A runs policy and dns, B runs the proxy. Killing A makes B refuse
 * new CONNECTs with 503 (fail closed) within 2 s; restarting A with the same configuration restores service.
 */
@ExtendWith(VertxExtension.class)
@Timeout(300)
class FleetIT {

    /** Decisions are not cached, so the proxy asks the policy role for every CONNECT and sees it go at once. */
    static final String POLICY = """
            version: 1
            decision-cache-ttl: 0
            default: { action: deny }
            rules:
              - name: test-origin
                hosts: [origin.test]
                action: allow
                inspection: splice
                destinations: [127.0.0.1/32]
            """;

    @TempDir
    Path dir;
    private final List<NodeProcess> processes = new ArrayList<>();
    /** One fleet CA and node certificate for all processes of a test, as an operator would configure them. */
    private TestFleetTls fleet;

    @AfterEach
    void destroyProcesses() {
        processes.forEach(NodeProcess::close);
    }

    @Test
    void killingThePolicyNodeFailsClosedAndRestartingItRestoresService(Vertx vertx) throws IOException {
        TestOrigin origin = TestOrigin.https(vertx, "origin.test");
        List<Integer> ports = FreePorts.take(5);
        int clusterA = ports.get(0);
        int clusterB = ports.get(1);
        int adminA = ports.get(2);
        int adminB = ports.get(3);
        int proxyB = ports.get(4);
        String cluster = "fleet-it-" + UUID.randomUUID();
        Files.writeString(dir.resolve("policy.yaml"), POLICY);
        Path configA = Files.writeString(dir.resolve("a.yaml"), nodeYaml("policy:1,dns:1", "a", cluster, clusterA,
                adminA, proxyB, null, clusterA, clusterB));
        Path configB = Files.writeString(dir.resolve("b.yaml"), nodeYaml("proxy:1", "b", cluster, clusterB, adminB,
                proxyB, null, clusterA, clusterB));
        Curl curl = Curl.viaProxy(proxyB).caFile(origin.caFile()).timeout(Duration.ofSeconds(5));
        String url = "https://origin.test:" + origin.port() + "/";

        NodeProcess a = start(configA, "a-1.log");
        a.awaitHealthy(adminA, Duration.ofSeconds(60));
        NodeProcess b = start(configB, "b.log");
        b.awaitHttp200(adminB, "/readyz", Duration.ofSeconds(60));

        Curl.Result passing = curl.get(url);
        assertThat(passing.status()).as(passing.stderr()).isEqualTo(200);
        assertThat(passing.body()).isEqualTo(origin.body());

        a.kill();
        Curl.Result refused = Poll.until(Duration.ofSeconds(2), () -> curl.get(url),
                result -> result.connectStatus() == 503, "CONNECT refused with 503 once the policy node is dead");
        assertThat(refused.stderr()).contains("CONNECT tunnel failed, response 503");

        NodeProcess restarted = start(configA, "a-2.log");
        restarted.awaitHealthy(adminA, Duration.ofSeconds(60));
        Curl.Result restored = Poll.until(Duration.ofSeconds(60), () -> curl.get(url),
                result -> result.status() == 200, "CONNECT passes again after the policy node restarted");
        assertThat(restored.body()).isEqualTo(origin.body());
        origin.close();
    }

    @Test
    void theCaRoleInItsOwnProcessIssuesForTheProxyAndItsDeathFailsOnlyNewDecryptedConnections(Vertx vertx)
            throws Exception {
        TestOrigin origin = TestOrigin.https(vertx, "secure.test", "fresh.test", "plain.test");
        List<Integer> ports = FreePorts.take(7);
        String cluster = "fleet-it-" + UUID.randomUUID();
        int[] members = {ports.get(0), ports.get(1), ports.get(2)};
        int proxyPort = ports.get(6);
        Files.writeString(dir.resolve("policy.yaml"), POLICY + """
                  - name: inspected
                    hosts: [secure.test, fresh.test]
                    action: allow
                    inspection: decrypt
                    destinations: [127.0.0.1/32]
                  - name: spliced
                    hosts: [plain.test]
                    action: allow
                    destinations: [127.0.0.1/32]
                """);
        NodeProcess policyDns = start(Files.writeString(dir.resolve("pd.yaml"), nodeYaml("policy:1,dns:1", "pd",
                cluster, members[0], ports.get(3), proxyPort, null, members)), "pd.log");
        policyDns.awaitHealthy(ports.get(3), Duration.ofSeconds(60));
        NodeProcess ca = start(Files.writeString(dir.resolve("ca.yaml"), nodeYaml("ca:1", "ca", cluster, members[1],
                ports.get(4), proxyPort, null, members)), "ca.log");
        ca.awaitHealthy(ports.get(4), Duration.ofSeconds(60));
        NodeProcess proxy = start(Files.writeString(dir.resolve("proxy.yaml"), nodeYaml("proxy:1", "proxy", cluster,
                members[2], ports.get(5), proxyPort, origin.caFile(), members)), "proxy.log");
        proxy.awaitHttp200(ports.get(5), "/readyz", Duration.ofSeconds(60));

        Path root = dir.resolve("root.pem");
        Curl.Result download = Curl.direct().get("http://127.0.0.1:" + ports.get(5) + "/ca.pem");
        Files.writeString(root, download.body());
        Curl decrypting = Curl.viaProxy(proxyPort).caFile(root).timeout(Duration.ofSeconds(10));
        Curl.Result inspected = decrypting.get("https://secure.test:" + origin.port() + "/");
        assertThat(download.body()).startsWith("-----BEGIN CERTIFICATE-----").doesNotContain("PRIVATE KEY");
        assertThat(inspected.status()).as(inspected.stderr()).isEqualTo(200);
        assertThat(inspected.body()).isEqualTo(origin.body());
        assertThat(Files.getPosixFilePermissions(dir.resolve("data-ca").resolve("ca.key")))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

        ca.kill();
        Curl.Result fresh = Poll.until(Duration.ofSeconds(10),
                () -> decrypting.get("https://fresh.test:" + origin.port() + "/"),
                result -> result.exitCode() != 0, "a new decrypted connection fails once the ca node is dead");
        Curl.Result spliced = Curl.viaProxy(proxyPort).caFile(origin.caFile())
                .get("https://plain.test:" + origin.port() + "/");
        assertThat(fresh.status()).isNotEqualTo(200);
        assertThat(spliced.status()).as(spliced.stderr()).isEqualTo(200);
        assertThat(Files.readString(dir.resolve("data-proxy").resolve("access.log")))
                .contains("\"host\":\"fresh.test\"").contains("ca unavailable");
        origin.close();
    }

    private NodeProcess start(Path config, String log) {
        NodeProcess process = NodeProcess.start(NodeProcess.builtJar(), dir, dir.resolve(log), Map.of(),
                "--config", config.toString());
        processes.add(process);
        return process;
    }

    private String nodeYaml(String roles, String name, String cluster, int clusterPort, int adminPort,
                            int proxyPort, Path upstreamCa, int... members) {
        if (fleet == null) {
            fleet = TestFleetTls.generate(dir.resolve("fleet"));
        }
        StringBuilder memberList = new StringBuilder();
        for (int member : members) {
            memberList.append(memberList.isEmpty() ? "" : ", ").append("\"127.0.0.1:").append(member).append('"');
        }
        return """
                node:    { roles: "%s", data-dir: %s }
                cluster: { name: %s, host: 127.0.0.1, port: %d, members: [%s], tls: %s }
                admin:   { host: 127.0.0.1, port: %d }
                policy:  { file: %s, reload-interval: 1s }
                dns:     { static: { origin.test: [127.0.0.1], secure.test: [127.0.0.1], fresh.test: [127.0.0.1],
                             plain.test: [127.0.0.1] } }
                ca:      { data-dir: %s }
                proxy:   { explicit: { host: 127.0.0.1, port: %d }, transparent: []%s }
                """.formatted(roles, dir.resolve("data-" + name), cluster, clusterPort, memberList, fleet.yaml(), adminPort,
                dir.resolve("policy.yaml"), dir.resolve("data-" + name), proxyPort,
                upstreamCa == null ? "" : ", upstream-ca-file: " + upstreamCa);
    }
}

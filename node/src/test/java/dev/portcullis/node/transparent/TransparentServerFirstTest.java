package dev.portcullis.node.transparent;

import dev.portcullis.node.explicit.SshServer;
import dev.portcullis.node.testkit.AccessRecords;
import dev.portcullis.node.testkit.FreePorts;
import dev.portcullis.node.testkit.TestCluster;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Server-first protocols on a transparent port (issue 5, non-HTTP TCP): a workload in its own network namespace
 * resolves names through the gateway's dns role, then runs real ssh to port 22, which the gateway's side
 * REDIRECTs to a transparent listener. The gateway finds the original destination in its connection tracking
 * and names the connection by what its DNS answered this client for that address. Needs root.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TransparentServerFirstTest {

    private static final String SSH = "ns-ssh";

    @TempDir
    static Path dir;

    private static ClientNamespace ns;
    private static SshServer sshd;
    private static TestCluster cluster;
    private static AccessRecords records;

    @BeforeAll
    static void start() throws Exception {
        ns = ClientNamespace.create();
        int sshPort = FreePorts.one();
        // Both addresses are the host's; only the policy tells them apart, by the name each was answered for.
        sshd = SshServer.start(Files.createDirectories(dir.resolve("sshd")), ns.elsewhereAddress(), sshPort);
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                version: 1
                default: { action: deny }
                rules:
                  - name: git-over-ssh
                    hosts: [git.test]
                    action: allow
                    destinations: [%s/32]
                  - name: no-shells
                    hosts: [shell.test]
                    action: deny
                """.formatted(ns.elsewhereAddress()));
        JsonObject statics = new JsonObject()
                .put("git.test", new JsonArray().add(ns.elsewhereAddress()))
                .put("shell.test", new JsonArray().add(ns.secondElsewhereAddress()));
        Path accessLog = dir.resolve("access.log");
        records = new AccessRecords(accessLog);
        cluster = TestCluster.start(
                TestCluster.node("policy:1,dns:1")
                        .section("policy", new JsonObject().put("file", policy.toString()))
                        .section("dns", new JsonObject().put("static", statics)
                                .put("serve", new JsonObject().put("host", ns.gatewayAddress()).put("port", 0))),
                TestCluster.node("proxy:1").section("proxy", new JsonObject()
                        .put("transparent", new JsonArray().add(new JsonObject().put("name", SSH)
                                .put("host", ns.gatewayAddress()).put("port", 0).put("upstream-port", sshPort)))
                        .put("access-log", new JsonObject().put("file", accessLog.toString()))));
        int dnsPort = port(cluster.node(0).vertx().sharedData().<String, String>getLocalMap("portcullis.listeners")
                .get("dns"));
        ns.redirectAtGateway("udp", 53, dnsPort);
        ns.redirectAtGateway("tcp", 53, dnsPort);
        ns.redirectAtGateway("tcp", 22, cluster.listenerPort(1, SSH));
        ns.resolveThroughGateway();
    }

    private static int port(String hostPort) {
        return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        if (sshd != null) {
            sshd.close();
        }
        if (ns != null) {
            ns.close();
        }
    }

    private static Predicate<JsonObject> host(String name) {
        return AccessRecords.listener(SSH).and(r -> name.equals(r.getString("host")));
    }

    private static List<String> inside() {
        return List.of("ip", "netns", "exec", ns.name());
    }

    @Test
    void sshToANameTheClientResolvedThroughTheGatewayIsAllowedByThatName() throws Exception {
        Predicate<JsonObject> git = host("git.test").and(r -> r.getLong("bytesUp", 0L) > 0);
        int before = records.count(git);

        SshServer.SshRun run = sshd.sshDirect(inside(), "git.test", 22);

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("through-portcullis");
        JsonObject record = records.awaitNext("ssh record", git, before);
        assertThat(record.getString("host")).isEqualTo("git.test");
        assertThat(record.getString("rule")).isEqualTo("git-over-ssh");
        assertThat(record.getString("originalDst")).isEqualTo(ns.elsewhereAddress() + ":22");
    }

    @Test
    void sshToANameThePolicyDeniesIsRefusedQuickly() throws Exception {
        int before = records.count(host("shell.test"));

        SshServer.SshRun run = sshd.sshDirect(inside(), "shell.test", 22);

        assertThat(run.exitCode()).as("ssh ended by itself, refused: %s", run.output()).isPositive();
        JsonObject record = records.awaitNext("denied ssh", host("shell.test"), before);
        assertThat(record.getString("host")).isEqualTo("shell.test");
        assertThat(record.getString("reason")).contains("denied by rule 'no-shells'");
    }

    @Test
    void sshToAnAddressNoNameWasResolvedForIsRefusedNeverHangs() throws Exception {
        Predicate<JsonObject> nameless = AccessRecords.listener(SSH)
                .and(r -> "10.254.254.254:22".equals(r.getString("originalDst")));
        int before = records.count(nameless);

        SshServer.SshRun run = sshd.sshDirect(inside(), "10.254.254.254", 22);

        assertThat(run.exitCode()).as("ssh ended by itself, refused: %s", run.output()).isPositive();
        JsonObject record = records.awaitNext("nameless ssh", nameless, before);
        assertThat(record.getString("reason"))
                .contains("the gateway's DNS answered no name with 10.254.254.254 to");
        assertThat(record.getString("originalDst")).isEqualTo("10.254.254.254:22");
    }

    @Test
    void aSilentClientIsNamedByItsDestinationToo() throws Exception {
        Predicate<JsonObject> silent = host("git.test").and(r -> r.getLong("bytesUp", 0L) == 0);
        int before = records.count(silent);

        // bash resolves git.test through the gateway, connects, and only reads.
        String banner = ns.exec("timeout", "5", "bash", "-c",
                "exec 3<>/dev/tcp/git.test/22; head -c 7 <&3");

        assertThat(banner).as("the server's banner came through without a client byte").startsWith("SSH-2.0");
        JsonObject record = records.awaitNext("silent client", silent, before);
        assertThat(record.getString("rule")).isEqualTo("git-over-ssh");
    }
}

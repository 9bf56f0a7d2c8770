package dev.portcullis.node.explicit;

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
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SSH — a server-first protocol that never sends a ClientHello — through CONNECT with the real OpenSSH client
 * and server: the tunnel is decided on the CONNECT name and relays whichever side speaks first.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SshThroughConnectTest {

    @TempDir
    static Path dir;

    private static SshServer sshd;
    private static TestCluster cluster;
    private static int proxyPort;

    @BeforeAll
    static void start() throws Exception {
        sshd = SshServer.start(dir, FreePorts.one());
        Path policy = dir.resolve("policy.yaml");
        Files.writeString(policy, """
                version: 1
                default: { action: deny }
                rules:
                  - name: bastion
                    hosts: [ssh.test]
                    ports: [%d]
                    action: allow
                    destinations: [127.0.0.1/32]
                """.formatted(sshd.port()));
        JsonObject statics = new JsonObject()
                .put("ssh.test", new JsonArray().add("127.0.0.1"))
                .put("blocked.test", new JsonArray().add("127.0.0.1"));
        cluster = TestCluster.start(
                TestCluster.node("policy:1,dns:1").section("policy", new JsonObject().put("file", policy.toString()))
                        .section("dns", new JsonObject().put("static", statics)),
                TestCluster.node("proxy:1"));
        proxyPort = cluster.listenerPort(1, "explicit");
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        if (sshd != null) {
            sshd.close();
        }
    }

    @Test
    void sshCommandRunsThroughTheTunnelToAnAllowedName() throws Exception {
        SshServer.SshRun result = sshd.sshThrough(proxyPort, "ssh.test");

        assertThat(result.output()).contains("through-portcullis");
        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    @Test
    void sshToADeniedNameIsRefusedByTheProxy() throws Exception {
        SshServer.SshRun result = sshd.sshThrough(proxyPort, "blocked.test");

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).doesNotContain("through-portcullis");
        assertThat(result.output()).containsIgnoringCase("403");
    }
}

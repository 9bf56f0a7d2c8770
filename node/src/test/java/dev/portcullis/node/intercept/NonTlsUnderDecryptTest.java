package dev.portcullis.node.intercept;

import dev.portcullis.node.explicit.SshServer;
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
 * A decrypt rule meets a client that speaks no TLS — SSH, whose server speaks first. The server's banner is
 * relayed while the proxy waits for the client's first bytes (nothing hangs), and the rule's {@code non-tls}
 * action decides what happens when they are not a ClientHello.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NonTlsUnderDecryptTest {

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
                  - name: inspected-but-ssh-may-pass
                    hosts: [ssh-splice.test]
                    action: allow
                    inspection: decrypt
                    non-tls: splice
                    destinations: [127.0.0.1/32]
                  - name: inspected-tls-only
                    hosts: [ssh-deny.test]
                    action: allow
                    inspection: decrypt
                    non-tls: deny
                    destinations: [127.0.0.1/32]
                """);
        JsonObject statics = new JsonObject()
                .put("ssh-splice.test", new JsonArray().add("127.0.0.1"))
                .put("ssh-deny.test", new JsonArray().add("127.0.0.1"));
        cluster = TestCluster.start(TestCluster.node("policy:1,dns:1,proxy:1")
                .section("policy", new JsonObject().put("file", policy.toString()))
                .section("dns", new JsonObject().put("static", statics)));
        proxyPort = cluster.listenerPort(0, "explicit");
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
    void nonTlsSpliceLetsSshThroughWithoutWaitingForAClientHello() throws Exception {
        SshServer.SshRun run = sshd.sshThrough(proxyPort, "ssh-splice.test");

        assertThat(run.output()).contains("through-portcullis");
        assertThat(run.exitCode()).isZero();
    }

    @Test
    void nonTlsDenyRefusesSshOnceItsFirstBytesAreNotTls() throws Exception {
        SshServer.SshRun run = sshd.sshThrough(proxyPort, "ssh-deny.test");

        assertThat(run.output()).doesNotContain("through-portcullis");
        assertThat(run.exitCode()).as("refused, not hung").isPositive();
    }
}

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

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    private static String ssh(String host) throws Exception {
        List<String> command = List.of("ssh", "-F", "/dev/null", "-i", sshd.clientKey().toString(),
                "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "ConnectTimeout=10", "-o", "LogLevel=ERROR",
                "-o", "ProxyCommand=nc -X connect -x 127.0.0.1:" + proxyPort + " %h %p",
                "-p", Integer.toString(sshd.port()), System.getProperty("user.name") + "@" + host,
                "echo", "through-portcullis");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return "timed out";
        }
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void nonTlsSpliceLetsSshThroughWithoutWaitingForAClientHello() throws Exception {
        assertThat(ssh("ssh-splice.test")).contains("through-portcullis");
    }

    @Test
    void nonTlsDenyRefusesSshOnceItsFirstBytesAreNotTls() throws Exception {
        String output = ssh("ssh-deny.test");

        assertThat(output).doesNotContain("through-portcullis").doesNotContain("timed out");
    }
}

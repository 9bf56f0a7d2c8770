package dev.portcullis.node.fleet;

import dev.portcullis.node.testkit.Curl;
import dev.portcullis.node.testkit.FreePorts;
import dev.portcullis.node.testkit.NodeProcess;
import dev.portcullis.node.testkit.Poll;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The launcher as users meet it: {@code java -jar portcullis.jar} with arguments, environment and signals. */
@Timeout(180)
class LauncherIT {

    @TempDir
    Path dir;

    @Test
    void anUnknownRoleIsAUsageErrorWithExitCode2() {
        try (NodeProcess node = NodeProcess.start(NodeProcess.builtJar(), dir, dir.resolve("out.log"), Map.of(),
                "--roles", "proxy:2,cache:1")) {
            assertThat(node.waitForExit(Duration.ofSeconds(30))).isTrue();
            assertThat(node.exitValue()).isEqualTo(2);
            assertThat(node.log()).contains("portcullis: --roles: unknown role 'cache'").contains("usage:");
        }
    }

    @Test
    void aTypoInTheConfigFileStopsTheNodeWithExitCode2AndTheKey() throws IOException {
        Path config = Files.writeString(dir.resolve("config.yaml"), "proxy:\n  idle-timout: 1s\n");
        try (NodeProcess node = NodeProcess.start(NodeProcess.builtJar(), dir, dir.resolve("out.log"), Map.of(),
                "--config", config.toString())) {
            assertThat(node.waitForExit(Duration.ofSeconds(30))).isTrue();
            assertThat(node.exitValue()).isEqualTo(2);
            assertThat(node.log()).contains("portcullis: invalid configuration: " + config
                    + ": proxy.idle-timout: unknown key (did you mean idle-timeout?)");
        }
    }

    @Test
    void anInvalidPolicyStopsTheStartWithItsFileAndLine() throws IOException {
        Path policy = Files.writeString(dir.resolve("bad.yaml"),
                "version: 1\ndefault: { action: deny }\nrules:\n  - name: x\n    hosts: [a.test]\n    action: allw\n");
        try (NodeProcess node = NodeProcess.start(NodeProcess.builtJar(), dir, dir.resolve("out.log"),
                isolated(FreePorts.one(), -1, Map.of("PORTCULLIS_POLICY_FILE", policy.toString())),
                "--roles", "policy:1")) {
            assertThat(node.waitForExit(Duration.ofSeconds(60))).isTrue();
            assertThat(node.exitValue()).isEqualTo(1);
            assertThat(node.log()).contains("portcullis: cannot start: role policy failed to start: " + policy + ":6:");
        }
    }

    @Test
    void aFirstStartWritesASamplePolicyReportsItsListenersAndStopsCleanlyOnSigterm() {
        List<Integer> ports = FreePorts.take(2);
        Path data = dir.resolve("data");
        try (NodeProcess node = NodeProcess.start(NodeProcess.builtJar(), dir, dir.resolve("out.log"),
                isolated(ports.get(0), ports.get(1), Map.of()), "--roles", "policy:1,dns:1", "--data-dir",
                data.toString())) {
            node.awaitHttp200(ports.get(1), "/readyz", Duration.ofSeconds(60));

            assertThat(data.resolve("policy.yaml")).exists();
            assertThat(node.log())
                    .contains("portcullis: no policy found, wrote a sample to " + data.resolve("policy.yaml"))
                    .containsPattern("portcullis: node [0-9a-f]{8}… up, roles policy:1 dns:1")
                    .contains("portcullis: policy " + data.resolve("policy.yaml"))
                    .contains("portcullis: admin on http://127.0.0.1:" + ports.get(1));

            int exit = node.stop(Duration.ofSeconds(30));

            // 143 = 128 + SIGTERM: the JVM ran its shutdown hooks and exited on the signal.
            assertThat(exit).isEqualTo(143);
            assertThat(node.log()).contains("stopped").doesNotContain("Exception");
        }
    }

    @Test
    void sighupReloadsThePolicyAtOnceReopensTheAccessLogAndTheNodeRunsOn() throws IOException {
        List<Integer> ports = FreePorts.take(3);
        Path data = dir.resolve("data");
        Path policy = Files.writeString(dir.resolve("policy.yaml"), ONE_RULE_POLICY.formatted("a.test"));
        FileTime written = Files.getLastModifiedTime(policy);
        Map<String, String> env = isolated(ports.get(0), ports.get(1), Map.of("PORTCULLIS_POLICY_FILE",
                policy.toString(), "PORTCULLIS_POLICY_RELOAD_INTERVAL", "1h",
                "PORTCULLIS_PROXY_EXPLICIT_PORT", ports.get(2).toString(), "PORTCULLIS_PROXY_TRANSPARENT", "[]"));
        Curl viaProxy = Curl.viaProxy(ports.get(2)).timeout(Duration.ofSeconds(10));
        // The periodic look comes only in an hour: only the signal can make the node read the file now.
        try (NodeProcess node = NodeProcess.start(NodeProcess.builtJar(), dir, dir.resolve("out.log"), env,
                "--roles", "policy:1,dns:1,proxy:1", "--data-dir", data.toString())) {
            node.awaitHttp200(ports.get(1), "/readyz", Duration.ofSeconds(60));
            String before = policyVersion(ports.get(1));
            assertThat(viaProxy.get("https://first.test/").connectStatus()).isEqualTo(403);
            Poll.until(Duration.ofSeconds(10), () -> accessLog(data.resolve("access.log")),
                    log -> log.contains("first.test"), "the first record");
            // As logrotate does: the file is moved away, the daemon told to open a new one.
            Files.move(data.resolve("access.log"), data.resolve("access.log.1"));
            // Same size and time: a change no stat can show.
            Files.writeString(policy, ONE_RULE_POLICY.formatted("b.test"));
            Files.setLastModifiedTime(policy, written);

            node.signal("HUP");

            String after;
            try {
                after = Poll.until(Duration.ofSeconds(20), () -> policyVersion(ports.get(1)),
                        version -> !version.equals(before), "the policy version after SIGHUP");
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; the node's log:\n" + node.log(), e);
            }
            assertThat(after).startsWith("sha256:");
            Poll.until(Duration.ofSeconds(10), node::log, log -> log.contains("access log reopened"),
                    "the access log reopened");
            assertThat(viaProxy.get("https://second.test/").connectStatus()).isEqualTo(403);
            Poll.until(Duration.ofSeconds(10), () -> accessLog(data.resolve("access.log")),
                    log -> log.contains("second.test"), "the second record in a new access.log");
            assertThat(accessLog(data.resolve("access.log.1"))).contains("first.test").doesNotContain("second.test");
            assertThat(node.isAlive()).as("the node after SIGHUP").isTrue();
        }
    }

    @Test
    void aNodeStartedWithSighupIgnoredSaysThatSighupWillNotReloadIt() {
        List<Integer> ports = FreePorts.take(2);
        Map<String, String> env = isolated(ports.get(0), ports.get(1), Map.of());
        try (NodeProcess node = NodeProcess.startIgnoringSighup(NodeProcess.builtJar(), dir, dir.resolve("out.log"),
                env, "--roles", "dns:1", "--data-dir", dir.resolve("data").toString())) {
            node.awaitHttp200(ports.get(1), "/healthz", Duration.ofSeconds(60));

            assertThat(node.log()).contains("SIGHUP is ignored by this process (started under nohup?)");
        }
    }

    private static String accessLog(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static final String ONE_RULE_POLICY = "version: 1\ndefault: { action: deny }\nrules:\n"
            + "  - { name: one, hosts: [%s], action: allow }\n";

    private static String policyVersion(int adminPort) {
        return new JsonObject(Curl.direct().get("http://127.0.0.1:" + adminPort + "/api/v1/policy").body())
                .getString("policyVersion");
    }

    @Test
    void anAdminApiOnAllInterfacesWithoutATokenStopsTheLauncherWithExitCode2NamingTheKey() {
        Map<String, String> env = isolated(FreePorts.one(), 0, Map.of("PORTCULLIS_ADMIN_HOST", "0.0.0.0"));
        env.remove("PORTCULLIS_ADMIN_TOKEN");
        try (NodeProcess node = NodeProcess.start(NodeProcess.builtJar(), dir, dir.resolve("out.log"), env,
                "--roles", "dns:1", "--data-dir", dir.resolve("data").toString())) {
            assertThat(node.waitForExit(Duration.ofSeconds(60))).isTrue();
            assertThat(node.exitValue()).isEqualTo(2);
            assertThat(node.log()).contains("portcullis: invalid configuration: admin.host 0.0.0.0 is not a loopback "
                    + "address").contains("admin.token-file");
        }
    }

    @Test
    void initFleetWritesTheFleetCredentialsAndPrintsTheSettingsThatNameThem() throws IOException {
        Path fleet = dir.resolve("fleet");
        try (NodeProcess node = NodeProcess.start(NodeProcess.builtJar(), dir, dir.resolve("out.log"), Map.of(),
                "--init-fleet", fleet.toString())) {
            assertThat(node.waitForExit(Duration.ofSeconds(60))).isTrue();
            assertThat(node.exitValue()).isEqualTo(0);
            assertThat(node.log()).contains("tls: { cert-file: " + fleet.resolve("node.pem"))
                    .contains("trust-file: " + fleet.resolve("ca.pem")).doesNotContain("PRIVATE KEY");
        }
        assertThat(Files.readString(fleet.resolve("node.key"))).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(Files.readString(fleet.resolve("ca.pem"))).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(dir.resolve("portcullis-data")).as("no sample policy in the working directory").doesNotExist();
    }

    @Test
    void versionPrintsTheProjectVersionFromTheJarsManifest() {
        try (NodeProcess node = NodeProcess.start(NodeProcess.builtJar(), dir, dir.resolve("out.log"), Map.of(),
                "--version")) {
            assertThat(node.waitForExit(Duration.ofSeconds(30))).isTrue();
            assertThat(node.exitValue()).isEqualTo(0);
            assertThat(node.log()).isEqualTo("portcullis " + System.getProperty("portcullis.version") + "\n");
        }
    }

    @Test
    void checkValidatesTheConfigurationAndPolicyWithoutStartingANode() throws IOException {
        Path policy = Files.writeString(dir.resolve("policy.yaml"),
                "version: 1\ndefault: { action: deny }\nrules:\n  - name: x\n    hosts: [a.test]\n    action: allow\n");
        Path config = Files.writeString(dir.resolve("config.yaml"), "node: { roles: \"policy:1,proxy:1\" }\n"
                + "policy: { file: " + policy + " }\n");
        try (NodeProcess node = NodeProcess.start(NodeProcess.builtJar(), dir, dir.resolve("out.log"), Map.of(),
                "check", "--config", config.toString())) {
            assertThat(node.waitForExit(Duration.ofSeconds(30))).isTrue();
            assertThat(node.exitValue()).as(node.log()).isEqualTo(0);
            assertThat(node.log()).containsPattern("portcullis: ok: config " + config + "; roles policy:1 proxy:1; "
                    + "policy " + policy + " version sha256:[0-9a-f]{12}, 1 rule\n");
        }
        assertThat(dir.resolve("portcullis-data")).as("check writes nothing").doesNotExist();
    }

    @Test
    void checkRefusesABrokenPolicyWithExitCode2AndItsFileAndLine() throws IOException {
        Path policy = Files.writeString(dir.resolve("policy.yaml"),
                "version: 1\ndefault: { action: deny }\nrules:\n  - name: x\n    hosts: [a.test]\n    action: allw\n");
        try (NodeProcess node = NodeProcess.start(NodeProcess.builtJar(), dir, dir.resolve("out.log"),
                Map.of("PORTCULLIS_POLICY_FILE", policy.toString()), "--roles", "policy:1", "check")) {
            assertThat(node.waitForExit(Duration.ofSeconds(30))).isTrue();
            assertThat(node.exitValue()).isEqualTo(2);
            assertThat(node.log()).startsWith("portcullis: " + policy + ":6: ");
        }
    }

    /** Environment that keeps a launcher test off the default ports and out of other clusters. */
    private static Map<String, String> isolated(int clusterPort, int adminPort, Map<String, String> more) {
        Map<String, String> env = new java.util.HashMap<>(more);
        env.put("PORTCULLIS_CLUSTER_NAME", "launcher-it-" + UUID.randomUUID());
        env.put("PORTCULLIS_CLUSTER_PORT", Integer.toString(clusterPort));
        env.put("PORTCULLIS_ADMIN_PORT", Integer.toString(adminPort));
        return env;
    }
}

package dev.portcullis.node.bridge;

import dev.portcullis.node.Node;
import dev.portcullis.node.config.ConfigException;
import dev.portcullis.node.config.NodeConfig;
import dev.portcullis.node.fleet.FleetDirectory;
import dev.portcullis.node.testkit.TestCa;
import dev.portcullis.node.testkit.TestFleetTls;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An enabled policy bridge runs with mutual TLS or not at all (docs/policy-clients.md, "Security model"). */
class PolicyBridgeConfigTest {

    @TempDir
    Path dir;

    static Stream<Arguments> refused() {
        JsonObject all = new JsonObject().put("cert-file", "/b.pem").put("key-file", "/b.key")
                .put("client-ca-file", "/ca.pem");
        return Stream.of(
                Arguments.of("enabled without a tls section", new JsonObject().put("enabled", true),
                        "bridge.tls.cert-file is required"),
                Arguments.of("enabled without a client CA", new JsonObject().put("enabled", true)
                        .put("tls", all.copy().put("client-ca-file", (String) null)),
                        "bridge.tls.client-ca-file is required"),
                Arguments.of("enabled without a key", new JsonObject().put("enabled", true)
                        .put("tls", all.copy().put("key-file", (String) null)), "bridge.tls.key-file is required"),
                Arguments.of("port 0", new JsonObject().put("port", 0), "bridge.port must be 1-65535, was 0"),
                Arguments.of("an unknown tls key", new JsonObject().put("tls", new JsonObject().put("ca-file", "/x")),
                        "bridge.tls.ca-file: unknown key"));
    }

    @ParameterizedTest(name = "{0} is refused")
    @MethodSource("refused")
    void refusedConfigurations(String what, JsonObject bridge, String message) {
        assertThatThrownBy(() -> NodeConfig.fromJson(new JsonObject().put("bridge", bridge)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(message);
    }

    @Test
    void offByDefault() {
        assertThat(NodeConfig.fromJson(new JsonObject()).bridge().enabled()).isFalse();
    }

    @Test
    void aNodeRefusesToStartWhenTheClientCaIsTheFleetCa() throws Exception {
        TestFleetTls fleet = TestFleetTls.generate(dir.resolve("fleet"));
        TestCa.Leaf server = TestCa.create("Bridge Server CA").issue("127.0.0.1");
        Path cert = Files.writeString(dir.resolve("bridge.pem"), server.chainPem());
        Path key = Files.writeString(dir.resolve("bridge.key"), server.keyPem());
        NodeConfig config = NodeConfig.fromJson(new JsonObject()
                .put("node", new JsonObject().put("roles", "policy:1").put("data-dir", dir.resolve("data").toString()))
                .put("cluster", new JsonObject().put("tls", fleet.json()))
                .put("bridge", new JsonObject().put("enabled", true).put("tls", new JsonObject()
                        .put("cert-file", cert.toString()).put("key-file", key.toString())
                        // The mistake: the fleet CA signs event-bus members, which may send to every role.
                        .put("client-ca-file", dir.resolve("fleet").resolve(FleetDirectory.CA_CERT).toString()))));

        // Refused before the cluster join and before anything binds, so the future fails at once.
        assertThatThrownBy(() -> Node.start(config, Map.of()).await(30, TimeUnit.SECONDS))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("bridge.tls.client-ca-file")
                .hasMessageContaining("fleet CA");
    }

    @Test
    void aNodeRefusesToStartWhenABridgeFileIsMissing() throws Exception {
        TestFleetTls fleet = TestFleetTls.generate(dir.resolve("fleet"));
        NodeConfig config = NodeConfig.fromJson(new JsonObject()
                .put("node", new JsonObject().put("roles", "policy:1").put("data-dir", dir.resolve("data").toString()))
                .put("cluster", new JsonObject().put("tls", fleet.json()))
                .put("bridge", new JsonObject().put("enabled", true).put("tls", new JsonObject()
                        .put("cert-file", dir.resolve("missing.pem").toString())
                        .put("key-file", dir.resolve("missing.key").toString())
                        .put("client-ca-file", dir.resolve("missing-ca.pem").toString()))));

        assertThatThrownBy(() -> Node.start(config, Map.of()).await(30, TimeUnit.SECONDS))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("bridge.tls.cert-file")
                .hasMessageContaining("is not a readable file");
    }
}

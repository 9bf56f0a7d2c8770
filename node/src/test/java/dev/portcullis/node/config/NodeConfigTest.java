package dev.portcullis.node.config;

import dev.portcullis.node.roles.RoleCounts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class NodeConfigTest {

    @Test
    void anEmptyTreeGivesTheEmbeddedSingleNodeDefaults() {
        NodeConfig config = NodeConfig.fromJson(new JsonObject());

        assertThat(config.roles()).isEqualTo(RoleCounts.ALL);
        assertThat(config.dataDir()).isEqualTo(Path.of("./portcullis-data"));
        assertThat(config.cluster()).isEqualTo(
                new ClusterSettings("portcullis", "127.0.0.1", 5701, List.of("127.0.0.1:5701")));
        assertThat(config.admin()).isEqualTo(new AdminSettings("127.0.0.1", 9191));
        assertThat(config.policy()).isEqualTo(new JsonObject().put("file", "./portcullis-data/policy.yaml"));
        assertThat(config.proxy()).isEqualTo(new JsonObject()
                .put("access-log", new JsonObject().put("file", "./portcullis-data/access.log")));
        assertThat(config.policyFileIsDefault()).isTrue();
    }

    @Test
    void fileDefaultsFollowTheDataDirectory() {
        NodeConfig config = NodeConfig.fromJson(new JsonObject()
                .put("node", new JsonObject().put("data-dir", "/var/lib/portcullis")));

        assertThat(config.policyFile()).isEqualTo(Path.of("/var/lib/portcullis/policy.yaml"));
        assertThat(config.proxy().getJsonObject("access-log").getString("file"))
                .isEqualTo("/var/lib/portcullis/access.log");
    }

    @Test
    void roleSectionsReachTheRolesVerbatimExceptForFileDefaults() {
        JsonObject dns = new JsonObject().put("timeout", "2s")
                .put("static", new JsonObject().put("origin.test", new JsonArray().add("127.0.0.1")));
        JsonObject proxy = new JsonObject().put("idle-timeout", "5m")
                .put("access-log", new JsonObject().put("file", "/tmp/a.log"))
                .put("explicit", new JsonObject().put("port", 3129));
        NodeConfig config = NodeConfig.fromJson(new JsonObject()
                .put("policy", new JsonObject().put("file", "/etc/p.yaml").put("reload-interval", "5s"))
                .put("dns", dns)
                .put("proxy", proxy));

        assertThat(config.policy())
                .isEqualTo(new JsonObject().put("file", "/etc/p.yaml").put("reload-interval", "5s"));
        assertThat(config.policyFileIsDefault()).isFalse();
        assertThat(config.dns()).isEqualTo(dns);
        assertThat(config.proxy()).isEqualTo(proxy);
    }

    @Test
    void clusterMembersMayBeOneCommaSeparatedString() {
        NodeConfig config = NodeConfig.fromJson(new JsonObject()
                .put("cluster", new JsonObject().put("members", "10.0.0.1:5701, 10.0.0.2:5701")));

        assertThat(config.cluster().members()).containsExactly("10.0.0.1:5701", "10.0.0.2:5701");
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                arguments("an unknown section is named", tree("caa", "x", 1), "'caa' is not a known section"),
                arguments("an unknown node setting is named", tree("node", "role", "proxy"),
                        "node.role is not a known setting (known: data-dir, roles)"),
                arguments("an unknown role is named with its setting", tree("node", "roles", "proxy,cache"),
                        "node.roles: unknown role 'cache'"),
                arguments("an empty data directory", tree("node", "data-dir", " "), "node.data-dir must not be empty"),
                arguments("a section that is not a map", new JsonObject().put("cluster", "x"),
                        "cluster must be a map of settings"),
                arguments("a cluster port above 65535", tree("cluster", "port", 70000),
                        "cluster.port must be 1-65535, was 70000"),
                arguments("a cluster port that is not a number", tree("cluster", "port", "http"),
                        "cluster.port must be a whole number 1-65535, was 'http'"),
                arguments("a cluster host that is a name, not an address", tree("cluster", "host", "localhost"),
                        "cluster.host must be an IP address"),
                arguments("a cluster name with spaces", tree("cluster", "name", "my cluster"),
                        "cluster.name must be 1-100 letters"),
                arguments("a member port range (Hazelcast fails on it at join time)",
                        tree("cluster", "members", new JsonArray().add("127.0.0.1:5701-5710")),
                        "must end in one port 1-65535 (list each member, no ranges)"),
                arguments("a member without a port", tree("cluster", "members", new JsonArray().add("10.0.0.1")),
                        "cluster.members entries must be host:port, was '10.0.0.1'"),
                arguments("a member list holding a number", tree("cluster", "members", new JsonArray().add(5701)),
                        "cluster.members must be a list of non-empty strings"),
                arguments("an admin port below -1", tree("admin", "port", -2),
                        "admin.port must be -1-65535, was -2"),
                arguments("an unknown admin setting", tree("admin", "token", "x"), "admin.token is not a known setting"),
                arguments("an empty admin token file", tree("admin", "token-file", ""), "admin.token-file must not be empty"),
                arguments("cluster.tls that is not a map", tree("cluster", "tls", "on"),
                        "cluster.tls must be a map of settings, was 'on'"),
                arguments("an unknown cluster.tls setting", tls(new JsonObject().put("cert", "/a")),
                        "cluster.tls.cert is not a known setting"),
                arguments("a certificate without its key", tls(new JsonObject().put("cert-file", "/a")
                        .put("trust-file", "/t")), "cluster.tls.key-file is required with cluster.tls.cert-file"),
                arguments("credentials without the fleet CA", tls(new JsonObject().put("cert-file", "/a")
                        .put("key-file", "/k")), "cluster.tls.trust-file (the fleet CA, PEM) is required"),
                arguments("the fleet CA without this node's credentials", tls(new JsonObject().put("trust-file", "/t")),
                        "cluster.tls.trust-file needs this node's own credentials too"),
                arguments("PEM files and a keystore at once", tls(new JsonObject().put("cert-file", "/a")
                        .put("key-file", "/k").put("keystore", "/p").put("passphrase-env", "P").put("trust-file", "/t")),
                        "set cert-file and key-file, or keystore, not both"),
                arguments("a keystore without a passphrase source", tls(new JsonObject().put("keystore", "/p")
                        .put("trust-file", "/t")), "cluster.tls.keystore needs exactly one of passphrase-file, passphrase-env"),
                arguments("a passphrase in the YAML is not a setting", tls(new JsonObject().put("keystore", "/p")
                        .put("passphrase", "hunter2").put("trust-file", "/t")), "cluster.tls.passphrase is not a known setting"));
    }

    private static JsonObject tls(JsonObject tls) {
        return new JsonObject().put("cluster", new JsonObject().put("tls", tls));
    }

    @Test
    void withoutClusterTlsTheNodeUsesGeneratedFleetCredentials() {
        assertThat(NodeConfig.fromJson(new JsonObject()).cluster().tls().generated()).isTrue();
    }

    @Test
    void clusterTlsNamesTheNodesPemFilesAndTheFleetCa() {
        NodeConfig config = NodeConfig.fromJson(tls(new JsonObject().put("cert-file", "/etc/p/node.pem")
                .put("key-file", "/etc/p/node.key").put("trust-file", "/etc/p/fleet-ca.pem")));

        assertThat(config.cluster().tls()).isEqualTo(new ClusterTlsSettings(Path.of("/etc/p/node.pem"),
                Path.of("/etc/p/node.key"), null, null, null, Path.of("/etc/p/fleet-ca.pem")));
        assertThat(config.cluster().tls().generated()).isFalse();
    }

    @Test
    void clusterTlsMayNameAPkcs12KeystoreWithItsPassphraseInAVariable() {
        NodeConfig config = NodeConfig.fromJson(tls(new JsonObject().put("keystore", "/etc/p/node.p12")
                .put("passphrase-env", "FLEET_P12").put("trust-file", "/etc/p/fleet-ca.pem")));

        assertThat(config.cluster().tls().keystore()).isEqualTo(Path.of("/etc/p/node.p12"));
        assertThat(config.cluster().tls().passphraseEnv()).isEqualTo("FLEET_P12");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void refusesInvalidSettingsWithNamedMessages(String sentence, JsonObject tree, String message) {
        assertThatThrownBy(() -> NodeConfig.fromJson(tree))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(message);
    }

    @Test
    void adminPortMinusOneDisablesTheAdminApi() {
        NodeConfig config = NodeConfig.fromJson(tree("admin", "port", -1));

        assertThat(config.admin().enabled()).isFalse();
    }

    static Stream<Arguments> overrides() {
        return Stream.of(
                arguments("roles", "PORTCULLIS_ROLES", "proxy:2", "node", "roles", "proxy:2"),
                arguments("data directory", "PORTCULLIS_DATA_DIR", "/data", "node", "data-dir", "/data"),
                arguments("cluster name", "PORTCULLIS_CLUSTER_NAME", "prod", "cluster", "name", "prod"),
                arguments("cluster host", "PORTCULLIS_CLUSTER_HOST", "10.0.0.5", "cluster", "host", "10.0.0.5"),
                arguments("cluster port", "PORTCULLIS_CLUSTER_PORT", "5801", "cluster", "port", "5801"),
                arguments("cluster members", "PORTCULLIS_CLUSTER_MEMBERS", "a:1,b:2", "cluster", "members", "a:1,b:2"),
                arguments("admin host", "PORTCULLIS_ADMIN_HOST", "0.0.0.0", "admin", "host", "0.0.0.0"),
                arguments("admin port", "PORTCULLIS_ADMIN_PORT", "-1", "admin", "port", "-1"),
                arguments("policy file", "PORTCULLIS_POLICY_FILE", "/p.yaml", "policy", "file", "/p.yaml"));
    }

    @ParameterizedTest(name = "the environment overrides the {0}")
    @MethodSource("overrides")
    void environmentVariablesOverrideTheirSetting(String sentence, String variable, String value, String section,
                                                  String key, String expected) {
        JsonObject yaml = new JsonObject().put(section, new JsonObject().put(key, "from-yaml").put("other", 1));

        JsonObject result = EnvOverrides.apply(yaml, Map.of(variable, value));

        assertThat(result.getJsonObject(section).getValue(key)).isEqualTo(expected);
        assertThat(result.getJsonObject(section).getValue("other")).isEqualTo(1);
        assertThat(yaml.getJsonObject(section).getValue(key)).isEqualTo("from-yaml");
    }

    @Test
    void environmentOverridesAreValidatedLikeTheSettingsTheyReplace() {
        JsonObject tree = EnvOverrides.apply(new JsonObject(), Map.of(
                "PORTCULLIS_CLUSTER_PORT", "5801",
                "PORTCULLIS_CLUSTER_MEMBERS", "127.0.0.1:5801,127.0.0.1:5802",
                "PORTCULLIS_ADMIN_PORT", "-1",
                "PORTCULLIS_ROLES", "", // empty variables are ignored
                "HOME", "/root"));

        NodeConfig config = NodeConfig.fromJson(tree);

        assertThat(config.cluster().port()).isEqualTo(5801);
        assertThat(config.cluster().members()).containsExactly("127.0.0.1:5801", "127.0.0.1:5802");
        assertThat(config.admin().enabled()).isFalse();
        assertThat(config.roles()).isEqualTo(RoleCounts.ALL);
        assertThatThrownBy(() -> NodeConfig.fromJson(EnvOverrides.apply(new JsonObject(),
                Map.of("PORTCULLIS_ADMIN_PORT", "nine"))))
                .hasMessageContaining("admin.port must be a whole number");
    }

    private static JsonObject tree(String section, String key, Object value) {
        return new JsonObject().put(section, new JsonObject().put(key, value));
    }
}

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
    void kubernetesDnsDiscoveryNeedsOnlyTheServiceNameAndKeepsNoMemberList() {
        NodeConfig config = NodeConfig.fromJson(new JsonObject().put("cluster", new JsonObject()
                .put("discovery", "kubernetes-dns").put("service-dns", "portcullis-hz.portcullis.svc.cluster.local")
                .put("event-bus-port", 5801)));

        assertThat(config.cluster().discovery()).isEqualTo(ClusterSettings.Discovery.KUBERNETES_DNS);
        assertThat(config.cluster().serviceDns()).isEqualTo("portcullis-hz.portcullis.svc.cluster.local");
        assertThat(config.cluster().serviceDnsTimeout()).isEqualTo(ClusterSettings.DEFAULT_SERVICE_DNS_TIMEOUT);
        assertThat(config.cluster().eventBusPort()).isEqualTo(5801);
        assertThat(config.cluster().members()).isEmpty();
    }

    @Test
    void clusterMembersMayBeOneCommaSeparatedString() {
        NodeConfig config = NodeConfig.fromJson(new JsonObject()
                .put("cluster", new JsonObject().put("members", "10.0.0.1:5701, 10.0.0.2:5701")));

        assertThat(config.cluster().members()).containsExactly("10.0.0.1:5701", "10.0.0.2:5701");
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                arguments("an unknown section is named with the nearest known one", tree("caa", "x", 1),
                        "caa: unknown section (did you mean ca?)"),
                arguments("an unknown role is named with its setting", tree("node", "roles", "proxy,cache"),
                        "node.roles: unknown role 'cache'"),
                arguments("an empty data directory", tree("node", "data-dir", " "), "node.data-dir must not be empty"),
                arguments("a section that is not a map", new JsonObject().put("cluster", "x"),
                        "cluster: expected a map of settings, was the string \"x\""),
                arguments("a cluster port above 65535", tree("cluster", "port", 70000),
                        "cluster.port must be 1-65535, was 70000"),
                arguments("a cluster host that is a name, not an address", tree("cluster", "host", "localhost"),
                        "cluster.host must be an IP address"),
                arguments("a cluster name with spaces", tree("cluster", "name", "my cluster"),
                        "cluster.name must be 1-100 letters"),
                arguments("a member port range (Hazelcast fails on it at join time)",
                        tree("cluster", "members", new JsonArray().add("127.0.0.1:5701-5710")),
                        "must end in one port 1-65535 (list each member, no ranges)"),
                arguments("a member without a port", tree("cluster", "members", new JsonArray().add("10.0.0.1")),
                        "cluster.members entries must be host:port, was '10.0.0.1'"),
                arguments("a member that is a bare number", tree("cluster", "members", new JsonArray().add(5701)),
                        "cluster.members entries must be host:port, was '5701'"),
                arguments("an admin port below -1", tree("admin", "port", -2),
                        "admin.port must be 0-65535, or -1 to disable the admin API, was -2"),
                arguments("a dns timeout of zero", tree("dns", "timeout", "0s"), "dns.timeout must be positive"),
                arguments("a policy reload interval of zero", tree("policy", "reload-interval", "0s"),
                        "policy.reload-interval must be positive, was 0ms"),
                arguments("a proxy listener port out of range",
                        tree("proxy", "explicit", new JsonObject().put("port", 70000)),
                        "proxy.explicit.port must be 0-65535, was 70000"),
                arguments("an empty admin token file", tree("admin", "token-file", ""),
                        "admin.token-file must not be empty"),
                arguments("cluster.tls that is not a map", tree("cluster", "tls", "on"), "cluster.tls: expected a map"),
                arguments("an unknown cluster.tls setting", tls(new JsonObject().put("cert", "/a")),
                        "cluster.tls.cert: unknown key"),
                arguments("a certificate without its key", tls(new JsonObject().put("cert-file", "/a")
                        .put("trust-file", "/t")), "cluster.tls.key-file is required with cluster.tls.cert-file"),
                arguments("credentials without the fleet CA", tls(new JsonObject().put("cert-file", "/a")
                        .put("key-file", "/k")), "cluster.tls.trust-file (the fleet CA, PEM) is required"),
                arguments("the fleet CA without this node's credentials", tls(new JsonObject().put("trust-file", "/t")),
                        "cluster.tls.trust-file needs this node's own credentials too"),
                arguments("PEM files and a keystore at once", tls(new JsonObject().put("cert-file", "/a")
                        .put("key-file", "/k").put("keystore", "/p").put("passphrase-env", "P")
                        .put("trust-file", "/t")), "set cert-file and key-file, or keystore, not both"),
                arguments("a keystore without a passphrase source", tls(new JsonObject().put("keystore", "/p")
                        .put("trust-file", "/t")),
                        "cluster.tls.keystore needs exactly one of passphrase-file, passphrase-env"),
                arguments("a passphrase in the YAML is not a setting", tls(new JsonObject().put("keystore", "/p")
                        .put("passphrase", "hunter2").put("trust-file", "/t")), "cluster.tls.passphrase: unknown key"),
                arguments("a ca key file without its certificate", tree("ca", "key-file", "/k"),
                        "ca.key-file and cert-file must be set together"),
                arguments("a discovery nobody implements", tree("cluster", "discovery", "multicast"),
                        "cluster.discovery must be one of members, kubernetes-dns, was 'multicast'"),
                arguments("kubernetes-dns without a service name", tree("cluster", "discovery", "kubernetes-dns"),
                        "cluster.service-dns is required with cluster.discovery: kubernetes-dns"),
                arguments("kubernetes-dns with a member list besides", cluster(new JsonObject()
                                .put("discovery", "kubernetes-dns").put("service-dns", "hz.portcullis.svc")
                                .put("members", new JsonArray().add("10.0.0.1:5701"))),
                        "cluster.members must not be set with cluster.discovery: kubernetes-dns"),
                arguments("kubernetes-dns with an address for a name", cluster(new JsonObject()
                                .put("discovery", "kubernetes-dns").put("service-dns", "10.0.0.1")),
                        "cluster.service-dns must be a DNS name listing the members, was the address '10.0.0.1'"),
                arguments("kubernetes-dns with a name that is not one", cluster(new JsonObject()
                                .put("discovery", "kubernetes-dns").put("service-dns", "hz svc")),
                        "cluster.service-dns must be a DNS name, was 'hz svc'"),
                arguments("a lookup timeout Hazelcast cannot express", cluster(new JsonObject()
                                .put("discovery", "kubernetes-dns").put("service-dns", "hz.portcullis.svc")
                                .put("service-dns-timeout", "1500ms")),
                        "cluster.service-dns-timeout must be a positive whole number of seconds, was 1500ms"),
                arguments("a service name with the member list", tree("cluster", "service-dns", "hz.portcullis.svc"),
                        "cluster.service-dns is only read with cluster.discovery: kubernetes-dns"),
                arguments("an event-bus port out of range", tree("cluster", "event-bus-port", 70000),
                        "cluster.event-bus-port must be 0-65535 (0 picks a free port), was 70000"),
                arguments("an event-bus port among the Hazelcast ports", tree("cluster", "event-bus-port", 5705),
                        "cluster.event-bus-port 5705 clashes with the Hazelcast ports 5701-5710"));
    }

    private static JsonObject cluster(JsonObject cluster) {
        return new JsonObject().put("cluster", cluster);
    }

    static Stream<Arguments> typos() {
        return Stream.of(
                arguments("a typo in node", tree("node", "role", "proxy"),
                        "node.role: unknown key (did you mean roles?)"),
                arguments("a typo in cluster", tree("cluster", "member", new JsonArray()),
                        "cluster.member: unknown key (did you mean members?)"),
                arguments("a typo in admin", tree("admin", "prot", 9191),
                        "admin.prot: unknown key (did you mean port?)"),
                arguments("a typo in policy", tree("policy", "reload-intervall", "1s"),
                        "policy.reload-intervall: unknown key (did you mean reload-interval?)"),
                arguments("a typo in dns", tree("dns", "negative_ttl", "1s"),
                        "dns.negative_ttl: unknown key (did you mean negative-ttl?)"),
                arguments("a typo in ca", tree("ca", "leaf-validty", "1d"),
                        "ca.leaf-validty: unknown key (did you mean leaf-validity?)"),
                arguments("a typo in proxy", tree("proxy", "idle-timout", "1s"),
                        "proxy.idle-timout: unknown key (did you mean idle-timeout?)"),
                arguments("a typo in proxy.explicit", tree("proxy", "explicit", new JsonObject().put("hots", "::1")),
                        "proxy.explicit.hots: unknown key (did you mean host?)"),
                arguments("a typo in proxy.transparent[n]", tree("proxy", "transparent", new JsonArray()
                                .add(new JsonObject().put("port", 8443))
                                .add(new JsonObject().put("port", 8080).put("upstream-prot", 80))),
                        "proxy.transparent[1].upstream-prot: unknown key (did you mean upstream-port?)"),
                arguments("a typo in proxy.access-log", tree("proxy", "access-log", new JsonObject().put("fiel", "/a")),
                        "proxy.access-log.fiel: unknown key (did you mean file?)"),
                arguments("a key nobody declared gets no guess", tree("admin", "colour", "x"),
                        "admin.colour: unknown key"));
    }

    @ParameterizedTest(name = "{0} stops the node with the key named")
    @MethodSource("typos")
    void aTypoInAnySectionIsRefusedWithItsDottedKey(String sentence, JsonObject tree, String message) {
        assertThatThrownBy(() -> NodeConfig.fromJson(tree))
                .isInstanceOf(ConfigException.class)
                .hasMessage(message);
    }

    static Stream<Arguments> wrongTypes() {
        return Stream.of(
                arguments("roles as a list", tree("node", "roles", new JsonArray().add("proxy")),
                        "node.roles: expected a string, was a list"),
                arguments("a cluster port as a string", tree("cluster", "port", "5701"),
                        "cluster.port: expected a whole number, was the string \"5701\""),
                arguments("an admin port as a fraction", tree("admin", "port", 9191.5),
                        "admin.port: expected a whole number, was the number 9191.5"),
                arguments("a policy reload interval without a unit we know", tree("policy", "reload-interval", "1 sec"),
                        "policy.reload-interval: expected a duration such as 500ms, 10s, 5m, 1h or 7d, "
                                + "was the string \"1 sec\""),
                arguments("dns servers as a map", tree("dns", "servers", new JsonObject()),
                        "dns.servers: expected a list of strings, was a map"),
                arguments("a ca cache size as a string", tree("ca", "cache-size", "10000"),
                        "ca.cache-size: expected a whole number, was the string \"10000\""),
                arguments("proxy max-headers as a string", tree("proxy", "max-headers", "32768"),
                        "proxy.max-headers: expected a whole number, was the string \"32768\""),
                arguments("a transparent port as a string", tree("proxy", "transparent",
                                new JsonArray().add(new JsonObject().put("port", "8443"))),
                        "proxy.transparent[0].port: expected a whole number, was the string \"8443\""),
                arguments("transparent as one map instead of a list",
                        tree("proxy", "transparent", new JsonObject().put("port", 8443)),
                        "proxy.transparent: expected a list of maps of settings, was a map"));
    }

    @ParameterizedTest(name = "{0} is a named wrong type")
    @MethodSource("wrongTypes")
    void aWrongTypeIsRefusedWithItsDottedKey(String sentence, JsonObject tree, String message) {
        assertThatThrownBy(() -> NodeConfig.fromJson(tree))
                .isInstanceOf(ConfigException.class)
                .hasMessage(message);
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

    private static JsonObject tree(String section, String key, Object value) {
        return new JsonObject().put(section, new JsonObject().put(key, value));
    }
}

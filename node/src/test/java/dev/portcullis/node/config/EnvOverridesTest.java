package dev.portcullis.node.config;

import dev.portcullis.ca.CaOptions;
import dev.portcullis.dns.DnsOptions;
import dev.portcullis.node.roles.RoleCounts;
import dev.portcullis.policy.PolicyVerticleOptions;
import dev.portcullis.proxy.ProxyOptions;
import dev.portcullis.proxy.TransparentListenerOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class EnvOverridesTest {

    static Stream<Arguments> overrides() {
        return Stream.of(
                arguments("node.roles, a string", "PORTCULLIS_NODE_ROLES", "proxy:2",
                        read(config -> config.roles()), RoleCounts.parse("proxy:2")),
                arguments("node.roles under its old name", "PORTCULLIS_ROLES", "dns:1",
                        read(config -> config.roles()), RoleCounts.parse("dns:1")),
                arguments("node.data-dir under its old name", "PORTCULLIS_DATA_DIR", "/data",
                        read(config -> config.dataDir()), Path.of("/data")),
                arguments("cluster.port, a whole number", "PORTCULLIS_CLUSTER_PORT", "5801",
                        read(config -> config.cluster().port()), 5801),
                arguments("cluster.members, a comma-separated list", "PORTCULLIS_CLUSTER_MEMBERS",
                        "10.0.0.1:5701, 10.0.0.2:5701", read(config -> config.cluster().members()),
                        List.of("10.0.0.1:5701", "10.0.0.2:5701")),
                arguments("admin.port, a whole number", "PORTCULLIS_ADMIN_PORT", "-1",
                        read(config -> config.admin().port()), -1),
                arguments("policy.file, a string", "PORTCULLIS_POLICY_FILE", "/p.yaml",
                        read(config -> config.policyFile()), Path.of("/p.yaml")),
                arguments("policy.reload-interval, a duration", "PORTCULLIS_POLICY_RELOAD_INTERVAL", "5s",
                        read(config -> new PolicyVerticleOptions(config.policy()).getReloadInterval()),
                        Duration.ofSeconds(5)),
                arguments("dns.servers, a comma-separated list", "PORTCULLIS_DNS_SERVERS", "192.0.2.53,192.0.2.54:5353",
                        read(config -> new DnsOptions(config.dns()).getServers()),
                        List.of(new InetSocketAddress("192.0.2.53", 53), new InetSocketAddress("192.0.2.54", 5353))),
                arguments("dns.min-ttl, a duration", "PORTCULLIS_DNS_MIN_TTL", "1500",
                        read(config -> new DnsOptions(config.dns()).getMinTtl()), Duration.ofMillis(1500)),
                arguments("dns.serve.port, a whole number in a nested section", "PORTCULLIS_DNS_SERVE_PORT", "5353",
                        read(config -> new DnsOptions(config.dns()).getServePort()), 5353),
                arguments("ca.cache-size, a whole number", "PORTCULLIS_CA_CACHE_SIZE", "12",
                        read(config -> new CaOptions(config.ca()).getCacheSize()), 12),
                arguments("ca.leaf-validity, a duration", "PORTCULLIS_CA_LEAF_VALIDITY", "1d",
                        read(config -> new CaOptions(config.ca()).getLeafValidity()), Duration.ofDays(1)),
                arguments("proxy.idle-timeout, a duration", "PORTCULLIS_PROXY_IDLE_TIMEOUT", "1m",
                        read(config -> new ProxyOptions(config.proxy()).getIdleTimeout()), Duration.ofMinutes(1)),
                arguments("proxy.max-headers, a whole number", "PORTCULLIS_PROXY_MAX_HEADERS", "65536",
                        read(config -> new ProxyOptions(config.proxy()).getMaxHeaders()), 65536),
                arguments("proxy.explicit.port, in a nested section", "PORTCULLIS_PROXY_EXPLICIT_PORT", "3129",
                        read(config -> new ProxyOptions(config.proxy()).getExplicitPort()), 3129),
                arguments("proxy.access-log.file, in a nested section", "PORTCULLIS_PROXY_ACCESS_LOG_FILE", "/a.log",
                        read(config -> new ProxyOptions(config.proxy()).getAccessLogFile()), "/a.log"),
                arguments("proxy.transparent, a list of listeners as JSON", "PORTCULLIS_PROXY_TRANSPARENT",
                        "[{\"port\": 9443, \"name\": \"tls\"}]",
                        read(config -> new ProxyOptions(config.proxy()).getTransparent().stream()
                                .map(TransparentListenerOptions::getName).toList()), List.of("tls")));
    }

    @ParameterizedTest(name = "the environment sets {0}")
    @MethodSource("overrides")
    void aVariableSetsItsKeyConvertedToTheDeclaredKind(String sentence, String variable, String value,
                                                       Function<NodeConfig, Object> reader, Object expected) {
        NodeConfig config = NodeConfig.fromJson(EnvOverrides.apply(new JsonObject(), Map.of(variable, value)).tree());

        assertThat(reader.apply(config)).isEqualTo(expected);
    }

    @Test
    void theEnvironmentWinsOverTheFileAndLeavesTheFilesOtherKeys() {
        JsonObject file = new JsonObject().put("proxy", new JsonObject().put("idle-timeout", "5m")
                .put("max-headers", 16384));

        EnvOverrides.Applied applied = EnvOverrides.apply(file, Map.of("PORTCULLIS_PROXY_IDLE_TIMEOUT", "30s"));

        assertThat(applied.tree().getJsonObject("proxy"))
                .isEqualTo(new JsonObject().put("idle-timeout", "30s").put("max-headers", 16384));
        assertThat(applied.variableByKey()).containsExactly(Map.entry("proxy.idle-timeout",
                "PORTCULLIS_PROXY_IDLE_TIMEOUT"));
        assertThat(file.getJsonObject("proxy").getString("idle-timeout")).isEqualTo("5m");
    }

    @Test
    void theRulesNameWinsOverItsOldAlias() {
        JsonObject tree = EnvOverrides.apply(new JsonObject(),
                Map.of("PORTCULLIS_ROLES", "dns:1", "PORTCULLIS_NODE_ROLES", "proxy:1")).tree();

        assertThat(tree.getJsonObject("node").getString("roles")).isEqualTo("proxy:1");
    }

    @Test
    void emptyVariablesAreIgnored() {
        assertThat(EnvOverrides.apply(new JsonObject(), Map.of("PORTCULLIS_NODE_ROLES", " ")).tree()).isEmpty();
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                arguments("a misspelt variable is named with the nearest known one",
                        Map.of("PORTCULLIS_PROXY_IDLE_TIMOUT", "1s"),
                        "PORTCULLIS_PROXY_IDLE_TIMOUT: unknown variable (did you mean PORTCULLIS_PROXY_IDLE_TIMEOUT?); "
                                + "settings are PORTCULLIS_<SECTION>_<KEY>, listed in docs/configuration.md"),
                arguments("a variable for a section that does not exist", Map.of("PORTCULLIS_CACHE_SIZE", "1"),
                        "PORTCULLIS_CACHE_SIZE: unknown variable"),
                arguments("a whole number that is not one", Map.of("PORTCULLIS_ADMIN_PORT", "nine"),
                        "PORTCULLIS_ADMIN_PORT: expected a whole number for admin.port, was \"nine\""),
                arguments("listeners that are not JSON", Map.of("PORTCULLIS_PROXY_TRANSPARENT", "8443"),
                        "PORTCULLIS_PROXY_TRANSPARENT: expected a list of maps of settings as JSON for "
                                + "proxy.transparent, was \"8443\""),
                arguments("the passphrase variable when no ca.passphrase-env names it",
                        Map.of("PORTCULLIS_CA_PASSPHRASE", "x"), "PORTCULLIS_CA_PASSPHRASE: unknown variable"));
    }

    @ParameterizedTest(name = "{0} is refused naming the variable")
    @MethodSource("refused")
    void badVariablesAreRefusedNamingTheVariable(String sentence, Map<String, String> env, String message) {
        assertThatThrownBy(() -> EnvOverrides.apply(new JsonObject(), env))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void variablesThatAreNotSettingsAreLeftAlone() {
        JsonObject file = new JsonObject().put("ca", new JsonObject().put("passphrase-env", "PORTCULLIS_CA_PASSPHRASE"));

        EnvOverrides.Applied applied = EnvOverrides.apply(file, Map.of(
                "PORTCULLIS_JAR", "/opt/portcullis.jar",
                "PORTCULLIS_CA_PASSPHRASE", "secret",
                "PORTCULLIS_ADMIN_TOKEN", "a-bearer-token-of-some-length",
                "HOME", "/root"));

        assertThat(applied.tree()).isEqualTo(file);
    }

    @Test
    void everyKeyHasItsOwnVariable() {
        assertThat(EnvOverrides.bindings()).containsKeys("PORTCULLIS_NODE_ROLES", "PORTCULLIS_CLUSTER_MEMBERS",
                "PORTCULLIS_PROXY_EXPLICIT_PORT", "PORTCULLIS_PROXY_IDLE_TIMEOUT", "PORTCULLIS_DNS_SERVERS",
                "PORTCULLIS_CA_PASSPHRASE_ENV");
        assertThat(EnvOverrides.bindings().values()).allSatisfy(binding ->
                assertThat(binding.variable()).isEqualTo("PORTCULLIS_"
                        + binding.key().replace('.', '_').replace('-', '_').toUpperCase()));
    }

    private static Function<NodeConfig, Object> read(Function<NodeConfig, Object> reader) {
        return reader;
    }
}

package dev.portcullis.dns;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DnsOptionsTest {

    @Test
    void emptySectionMeansTheDefaults() {
        DnsOptions options = new DnsOptions(new JsonObject());

        assertThat(options.getServers()).isEmpty();
        assertThat(options.getTimeout()).isEqualTo(DnsOptions.DEFAULT_TIMEOUT).isEqualTo(Duration.ofSeconds(2));
        assertThat(options.getMinTtl()).isEqualTo(DnsOptions.DEFAULT_MIN_TTL).isEqualTo(Duration.ofSeconds(5));
        assertThat(options.getMaxTtl()).isEqualTo(DnsOptions.DEFAULT_MAX_TTL).isEqualTo(Duration.ofMinutes(5));
        assertThat(options.getNegativeTtl()).isEqualTo(DnsOptions.DEFAULT_NEGATIVE_TTL).isEqualTo(Duration.ofSeconds(30));
        assertThat(options.getCacheSize()).isEqualTo(DnsOptions.DEFAULT_CACHE_SIZE).isEqualTo(10_000);
        assertThat(options.getStaticTtl()).isEqualTo(DnsOptions.DEFAULT_STATIC_TTL).isEqualTo(Duration.ofSeconds(60));
        assertThat(options.getStaticHosts()).isEmpty();
        assertThat(options.getServePort()).as("no DNS server for workloads unless configured").isEqualTo(-1);
        assertThat(new DnsOptions((JsonObject) null).toJson()).isEqualTo(new DnsOptions().toJson());
    }

    @Test
    void everyOptionSurvivesAJsonRoundTrip() {
        JsonObject json = new JsonObject()
                .put("servers", new JsonArray().add("192.0.2.53").add("[2001:db8::53]:5353"))
                .put("timeout", "500ms")
                .put("min-ttl", "1s")
                .put("max-ttl", "1h")
                .put("negative-ttl", 2500)
                .put("cache-size", 42)
                .put("static-ttl", "90s")
                .put("static", new JsonObject()
                        .put("DB.Internal.", new JsonArray().add("10.0.0.5").add("fd00::5"))
                        .put("cache.internal", "10.0.0.6"))
                .put("serve", new JsonObject().put("host", "10.0.0.1").put("port", 53));

        DnsOptions options = new DnsOptions(json);
        assertThat(options.getServeHost()).isEqualTo("10.0.0.1");
        assertThat(options.getServePort()).isEqualTo(53);

        assertThat(options.getServers()).containsExactly(new InetSocketAddress("192.0.2.53", 53),
                new InetSocketAddress("2001:db8::53", 5353));
        assertThat(options.getTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(options.getNegativeTtl()).isEqualTo(Duration.ofMillis(2500));
        assertThat(options.getStaticHosts()).containsOnlyKeys("db.internal", "cache.internal");
        assertThat(options.getStaticHosts().get("db.internal")).extracting(InetAddress::getHostAddress)
                .containsExactly("10.0.0.5", "fd00:0:0:0:0:0:0:5");
        assertThat(new DnsOptions(options.toJson()).toJson()).isEqualTo(options.toJson());
        assertThat(options.toJson().getJsonArray("servers"))
                .containsExactly("192.0.2.53:53", "[2001:db8:0:0:0:0:0:53]:5353");
        assertThat(options.toJson().getString("negative-ttl")).isEqualTo("2500ms");
    }

    @Test
    void copyHasTheSameValuesAndIsIndependent() {
        DnsOptions original = new DnsOptions().setCacheSize(7).addStaticHost("a.test", List.of("10.0.0.1"));

        DnsOptions copy = new DnsOptions(original).addStaticHost("b.test", List.of("10.0.0.2"));

        assertThat(copy.getCacheSize()).isEqualTo(7);
        assertThat(copy.getStaticHosts()).containsOnlyKeys("a.test", "b.test");
        assertThat(original.getStaticHosts()).containsOnlyKeys("a.test");
    }

    @Test
    void oneServerMayBeWrittenAsAString() {
        assertThat(new DnsOptions(new JsonObject().put("servers", "192.0.2.53, 192.0.2.54")).getServers())
                .containsExactly(new InetSocketAddress("192.0.2.53", 53), new InetSocketAddress("192.0.2.54", 53));
    }

    static Stream<Arguments> invalidSections() {
        return Stream.of(
                Arguments.of("zero timeout", new JsonObject().put("timeout", 0),
                        "dns.timeout must be positive, was 0ms"),
                Arguments.of("timeout that is not a duration", new JsonObject().put("timeout", "soon"),
                        "dns.timeout: expected a duration such as 500ms, 10s, 5m, 1h or 7d, was the string \"soon\""),
                Arguments.of("a misspelt key is named with the nearest known one",
                        new JsonObject().put("timeout", "1s").put("min_ttl", "1s"),
                        "dns.min_ttl: unknown key (did you mean min-ttl?)"),
                Arguments.of("a misspelt serve key has its full path",
                        new JsonObject().put("serve", new JsonObject().put("prot", 53)),
                        "dns.serve.prot: unknown key (did you mean port?)"),
                Arguments.of("a cache size written as a string", new JsonObject().put("cache-size", "100"),
                        "dns.cache-size: expected a whole number, was the string \"100\""),
                Arguments.of("negative ttl", new JsonObject().put("negative-ttl", -1),
                        "dns.negative-ttl: expected a duration such as 500ms, 10s, 5m, 1h or 7d, was the number -1"),
                Arguments.of("min-ttl above max-ttl", new JsonObject().put("min-ttl", "10m"),
                        "min-ttl (10m) must not exceed max-ttl (5m)"),
                Arguments.of("cache-size zero", new JsonObject().put("cache-size", 0),
                        "cache-size must be at least 1, was 0"),
                Arguments.of("fractional cache-size", new JsonObject().put("cache-size", 1.5),
                        "dns.cache-size: expected a whole number, was the number 1.5"),
                Arguments.of("servers not a list", new JsonObject().put("servers", 53),
                        "dns.servers: expected a list of strings, was the number 53"),
                Arguments.of("server given by name", new JsonObject().put("servers", new JsonArray().add("dns.test")),
                        "servers[0] must be an IP address with an optional port"),
                Arguments.of("server port out of range",
                        new JsonObject().put("servers", new JsonArray().add("192.0.2.53").add("192.0.2.54:70000")),
                        "dns.servers[1] port must be 1-65535, was '192.0.2.54:70000'"),
                Arguments.of("serve port out of range",
                        new JsonObject().put("serve", new JsonObject().put("port", 70000)),
                        "serve.port must be -1 (off) or 0-65535, was 70000"),
                Arguments.of("serve not a map", new JsonObject().put("serve", 53),
                        "dns.serve: expected a map of settings, was the number 53"),
                Arguments.of("static not a map", new JsonObject().put("static", new JsonArray().add("a.test")),
                        "dns.static: expected a map, was a list"),
                Arguments.of("static address that is a name",
                        new JsonObject().put("static", new JsonObject().put("db.test", new JsonArray().add("db2.test"))),
                        "dns.static.db.test[0] must be an IP address, was 'db2.test'"),
                Arguments.of("static address that is not a string",
                        new JsonObject().put("static", new JsonObject().put("db.test", new JsonArray().add(5))),
                        "static.db.test must be a list of IP addresses"),
                Arguments.of("static name with an empty label",
                        new JsonObject().put("static", new JsonObject().put("db..test", "10.0.0.1")),
                        "static.db..test is not a valid host name"),
                Arguments.of("static name that is an IP",
                        new JsonObject().put("static", new JsonObject().put("10.0.0.1", "10.0.0.2")),
                        "static.10.0.0.1 must be a host name, not an IP address"),
                Arguments.of("static name without addresses",
                        new JsonObject().put("static", new JsonObject().put("db.test", new JsonArray())),
                        "static.db.test must list at least one IP address"),
                Arguments.of("static name given twice in different case",
                        new JsonObject().put("static", new JsonObject().put("db.test", "10.0.0.1")
                                .put("DB.test", "10.0.0.2")),
                        "static.DB.test names db.test, which is already overridden"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidSections")
    void invalidSectionIsRefusedNamingTheKey(String sentence, JsonObject json, String message) {
        assertThatThrownBy(() -> new DnsOptions(json))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }
}

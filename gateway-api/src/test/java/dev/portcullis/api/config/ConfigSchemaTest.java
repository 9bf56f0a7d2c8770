package dev.portcullis.api.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class ConfigSchemaTest {

    private static final ConfigSchema LISTENER = ConfigSchema.builder().string("host").integer("port").build();
    private static final ConfigSchema PROXY = ConfigSchema.builder()
            .section("explicit", LISTENER)
            .sections("transparent", LISTENER)
            .duration("idle-timeout")
            .integer("max-headers")
            .bool("revoke-on-change")
            .strings("servers")
            .map("static")
            .build();

    static Stream<Arguments> refused() {
        return Stream.of(
                arguments("a misspelt key is named with the nearest known one",
                        new JsonObject().put("idle-timout", "1s"),
                        "proxy.idle-timout: unknown key (did you mean idle-timeout?)"),
                arguments("a key far from every known one gets no suggestion",
                        new JsonObject().put("colour", "red"), "proxy.colour: unknown key"),
                arguments("a number written as a string is not a whole number",
                        new JsonObject().put("max-headers", "32768"),
                        "proxy.max-headers: expected a whole number, was the string \"32768\""),
                arguments("a fraction is not a whole number", new JsonObject().put("max-headers", 1.5),
                        "proxy.max-headers: expected a whole number, was the number 1.5"),
                arguments("a number past 32 bits is refused", new JsonObject().put("max-headers", 3_000_000_000L),
                        "proxy.max-headers: expected a whole number, was the number 3000000000"),
                arguments("a duration without a unit we know",
                        new JsonObject().put("idle-timeout", "5 minutes"),
                        "proxy.idle-timeout: expected a duration such as 500ms, 10s, 5m, 1h or 7d, was the string "
                                + "\"5 minutes\""),
                arguments("a negative duration", new JsonObject().put("idle-timeout", -5),
                        "proxy.idle-timeout: expected a duration"),
                arguments("a typo inside a nested section has the full key",
                        new JsonObject().put("explicit", new JsonObject().put("prot", 1)),
                        "proxy.explicit.prot: unknown key (did you mean port?)"),
                arguments("a section that is not a map", new JsonObject().put("explicit", "127.0.0.1:3128"),
                        "proxy.explicit: expected a map of settings, was the string \"127.0.0.1:3128\""),
                arguments("a wrong type in a list entry has its index",
                        new JsonObject().put("transparent", new JsonArray()
                                .add(new JsonObject().put("port", 8443))
                                .add(new JsonObject().put("port", "8444"))),
                        "proxy.transparent[1].port: expected a whole number, was the string \"8444\""),
                arguments("a list entry that is not a map",
                        new JsonObject().put("transparent", new JsonArray().add(8443)),
                        "proxy.transparent[0]: expected a map of settings, was the number 8443"),
                arguments("a list of strings holding a map",
                        new JsonObject().put("servers", new JsonArray().add(new JsonObject())),
                        "proxy.servers[0]: expected a string, was a map"),
                arguments("the text \"true\" is not a boolean",
                        new JsonObject().put("revoke-on-change", "true"),
                        "proxy.revoke-on-change: expected true or false, was the string \"true\""),
                arguments("a number is not a boolean", new JsonObject().put("revoke-on-change", 1),
                        "proxy.revoke-on-change: expected true or false, was the number 1"),
                arguments("a boolean where a string list belongs", new JsonObject().put("servers", true),
                        "proxy.servers: expected a list of strings, was the boolean true"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refusesWithTheDottedKey(String sentence, JsonObject section, String message) {
        assertThatThrownBy(() -> PROXY.read("proxy", section))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void readsTypedValuesAndFallsBackToTheCallersDefaults() {
        ConfigView proxy = PROXY.read("proxy", new JsonObject()
                .put("idle-timeout", "1s")
                .put("revoke-on-change", true)
                .put("servers", "a, b,")
                .put("explicit", new JsonObject().put("host", "::1"))
                .put("transparent", new JsonArray().add(new JsonObject().put("port", 9))));

        assertThat(proxy.duration("idle-timeout", Duration.ZERO)).isEqualTo(Duration.ofSeconds(1));
        assertThat(proxy.integer("max-headers", 7)).isEqualTo(7);
        assertThat(proxy.bool("revoke-on-change", false)).isTrue();
        assertThat(PROXY.read("proxy", new JsonObject()).bool("revoke-on-change", false)).isFalse();
        assertThat(proxy.strings("servers")).containsExactly("a", "b");
        assertThat(proxy.section("explicit").string("host", "x")).isEqualTo("::1");
        assertThat(proxy.sections("transparent")).singleElement()
                .satisfies(listener -> assertThat(listener.path()).isEqualTo("proxy.transparent[0]"))
                .satisfies(listener -> assertThat(listener.integer("port", 0)).isEqualTo(9));
        assertThat(proxy.map("static")).isEqualTo(new JsonObject());
    }

    @Test
    void aSettersFailureIsNamedFromItsSection() {
        ConfigView listener = PROXY.read("proxy", new JsonObject().put("transparent",
                new JsonArray().add(new JsonObject()))).sections("transparent").get(0);

        assertThat(listener.invalid(new IllegalArgumentException("port must be 0-65535, was 70000")))
                .hasMessage("proxy.transparent[0].port must be 0-65535, was 70000");
    }

    @Test
    void readingAnUndeclaredKeyIsAProgrammingError() {
        ConfigView proxy = PROXY.read("proxy", new JsonObject());

        assertThatThrownBy(() -> proxy.integer("idle-timeout", 0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> proxy.string("nope", null)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void everyKeyHasOneVariableNamedFromItsDottedKey() {
        ConfigSchema root = ConfigSchema.builder().section("proxy", PROXY).build();

        assertThat(root.envBindings("PORTCULLIS_")).extracting(EnvBinding::variable, EnvBinding::key)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("PORTCULLIS_PROXY_EXPLICIT_HOST", "proxy.explicit.host"),
                        org.assertj.core.groups.Tuple.tuple("PORTCULLIS_PROXY_EXPLICIT_PORT", "proxy.explicit.port"),
                        org.assertj.core.groups.Tuple.tuple("PORTCULLIS_PROXY_TRANSPARENT", "proxy.transparent"),
                        org.assertj.core.groups.Tuple.tuple("PORTCULLIS_PROXY_IDLE_TIMEOUT", "proxy.idle-timeout"),
                        org.assertj.core.groups.Tuple.tuple("PORTCULLIS_PROXY_MAX_HEADERS", "proxy.max-headers"),
                        org.assertj.core.groups.Tuple.tuple("PORTCULLIS_PROXY_REVOKE_ON_CHANGE",
                                "proxy.revoke-on-change"),
                        org.assertj.core.groups.Tuple.tuple("PORTCULLIS_PROXY_SERVERS", "proxy.servers"),
                        org.assertj.core.groups.Tuple.tuple("PORTCULLIS_PROXY_STATIC", "proxy.static"));
    }

    static Stream<Arguments> converted() {
        return Stream.of(
                arguments("a whole number becomes a number", ConfigKind.INTEGER, " 32768 ", 32768),
                arguments("a duration stays text", ConfigKind.DURATION, "5m", "5m"),
                arguments("a bare duration is milliseconds", ConfigKind.DURATION, "1500", 1500L),
                arguments("a list is comma-separated", ConfigKind.STRING_LIST, "10.0.0.1:5701, 10.0.0.2:5701",
                        new JsonArray().add("10.0.0.1:5701").add("10.0.0.2:5701")),
                arguments("a list of sections is JSON", ConfigKind.SECTION_LIST, "[{\"port\":8443}]",
                        new JsonArray().add(new JsonObject().put("port", 8443))),
                arguments("a boolean is true or false, in any case", ConfigKind.BOOLEAN, " TRUE ", true),
                arguments("false reads as false", ConfigKind.BOOLEAN, "false", false),
                arguments("a string is taken as written", ConfigKind.STRING, "127.0.0.1", "127.0.0.1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("converted")
    void environmentTextIsConvertedToTheDeclaredKind(String sentence, ConfigKind kind, String text, Object expected) {
        EnvBinding binding = new EnvBinding("PORTCULLIS_X", List.of("x"), kind);

        assertThat(binding.convert(text)).isEqualTo(expected);
    }

    @Test
    void environmentTextThatIsNeitherTrueNorFalseIsRefused() {
        EnvBinding binding = new EnvBinding("PORTCULLIS_PROXY_REVOKE_ON_CHANGE", List.of("proxy", "revoke-on-change"),
                ConfigKind.BOOLEAN);

        assertThatThrownBy(() -> binding.convert("yes"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("PORTCULLIS_PROXY_REVOKE_ON_CHANGE: expected true or false for proxy.revoke-on-change,"
                        + " was \"yes\"");
    }

    @Test
    void environmentTextOfTheWrongKindNamesTheVariable() {
        EnvBinding binding = new EnvBinding("PORTCULLIS_PROXY_MAX_HEADERS", List.of("proxy", "max-headers"),
                ConfigKind.INTEGER);

        assertThatThrownBy(() -> binding.convert("32k"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("PORTCULLIS_PROXY_MAX_HEADERS: expected a whole number for proxy.max-headers, was \"32k\"");
    }
}

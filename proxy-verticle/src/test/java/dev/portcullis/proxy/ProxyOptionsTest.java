package dev.portcullis.proxy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import dev.portcullis.api.config.InvalidConfigException;
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

class ProxyOptionsTest {

    @Test
    void defaultsMatchTheDesign() {
        ProxyOptions options = new ProxyOptions(new JsonObject());
        assertThat(options.getExplicitHost()).isEqualTo("127.0.0.1");
        assertThat(options.getExplicitPort()).isEqualTo(3128);
        assertThat(options.getRequestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(options.getMaxRequestLine()).isEqualTo(8192);
        assertThat(options.getMaxHeaders()).isEqualTo(32768);
        assertThat(options.getAccessLogFile()).isNull();
        assertThat(options.getHelloTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(options.getSilentTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(options.getDnsServeStale()).as("serve-stale is off unless asked for").isZero();
        assertThat(options.getTransparent()).singleElement().satisfies(listener -> {
            assertThat(listener.getHost()).isEqualTo("127.0.0.1");
            assertThat(listener.getPort()).isEqualTo(8443);
            assertThat(listener.getUpstreamPort()).isEqualTo(443);
            assertThat(listener.getName()).isEqualTo("transparent-8443");
        });
    }

    @Test
    void anEmptyTransparentListDisablesTransparentListening() {
        assertThat(new ProxyOptions(new JsonObject().put("transparent", new JsonArray())).getTransparent()).isEmpty();
        assertThat(new ProxyOptions(new JsonObject().putNull("transparent")).getTransparent()).isEmpty();
    }

    @Test
    void transparentListenersSurviveTheRoundTrip() {
        ProxyOptions options = new ProxyOptions().setHelloTimeout(Duration.ofMillis(750))
                .setSilentTimeout(Duration.ofMillis(300)).setTransparent(List.of(
                new TransparentListenerOptions().setHost("0.0.0.0").setPort(8443).setUpstreamPort(443),
                new TransparentListenerOptions().setPort(8080).setUpstreamPort(80).setName("web")));
        ProxyOptions copy = new ProxyOptions(options.toJson());
        assertThat(copy.toJson()).isEqualTo(options.toJson());
        assertThat(copy.getTransparent()).extracting(TransparentListenerOptions::getName)
                .containsExactly("transparent-8443", "web");
    }

    @Test
    void jsonRoundTripKeepsEveryValue() {
        ProxyOptions options = new ProxyOptions()
                .setExplicitHost("0.0.0.0").setExplicitPort(8080)
                .setConnectTimeout(Duration.ofMillis(1500)).setIdleTimeout(Duration.ofMinutes(2))
                .setRequestTimeout(Duration.ofSeconds(3)).setPolicyTimeout(Duration.ofMillis(700))
                .setDnsTimeout(Duration.ofSeconds(4)).setDnsServeStale(Duration.ofMinutes(5))
                .setMaxRequestLine(4096).setMaxHeaders(16384)
                .setDecisionCacheSize(5).setAccessLogFile("/tmp/access.log").setUpstreamCaFile("/tmp/ca.pem")
                .setCaTimeout(Duration.ofSeconds(1)).setLeafCacheSize(7);
        assertThat(new ProxyOptions(options.toJson()).toJson()).isEqualTo(options.toJson());
        assertThat(new ProxyOptions(options).getConnectTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(new ProxyOptions(options).getDnsServeStale()).isEqualTo(Duration.ofMinutes(5));
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                arguments("a misspelt key is refused with the nearest known one",
                        new JsonObject().put("idle-timout", "1s"),
                        "proxy.idle-timout: unknown key (did you mean idle-timeout?)"),
                arguments("a misspelt explicit listener key has its full path",
                        new JsonObject().put("explicit", new JsonObject().put("hots", "0.0.0.0")),
                        "proxy.explicit.hots: unknown key (did you mean host?)"),
                arguments("a misspelt transparent listener key has its index",
                        new JsonObject().put("transparent", new JsonArray()
                                .add(new JsonObject().put("port", 8443))
                                .add(new JsonObject().put("upstream_port", 80))),
                        "proxy.transparent[1].upstream_port: unknown key (did you mean upstream-port?)"),
                arguments("a size written as a string is a wrong type, not a ClassCastException",
                        new JsonObject().put("max-headers", "32768"),
                        "proxy.max-headers: expected a whole number, was the string \"32768\""),
                arguments("a transparent port written as a string",
                        new JsonObject().put("transparent", new JsonArray().add(new JsonObject().put("port", "8443"))),
                        "proxy.transparent[0].port: expected a whole number, was the string \"8443\""),
                arguments("a duration that is not one", new JsonObject().put("idle-timeout", "soon"),
                        "proxy.idle-timeout: expected a duration"),
                arguments("transparent that is not a list", new JsonObject().put("transparent", "8443"),
                        "proxy.transparent: expected a list of maps of settings, was the string \"8443\""),
                arguments("an explicit port out of range",
                        new JsonObject().put("explicit", new JsonObject().put("port", 70000)),
                        "proxy.explicit.port must be 0-65535, was 70000"),
                arguments("a transparent upstream port out of range",
                        new JsonObject().put("transparent", new JsonArray().add(new JsonObject().put("upstream-port", 0))),
                        "proxy.transparent[0].upstream-port must be 1-65535, was 0"),
                arguments("two transparent listeners with one name",
                        new JsonObject().put("transparent", new JsonArray()
                                .add(new JsonObject().put("port", 8443)).add(new JsonObject().put("port", 8443))),
                        "proxy.transparent listener name 'transparent-8443' is used twice"),
                arguments("a zero hello timeout", new JsonObject().put("hello-timeout", "0s"),
                        "proxy.hello-timeout must be positive"),
                arguments("a zero request timeout", new JsonObject().put("request-timeout", 0),
                        "proxy.request-timeout must be positive"),
                arguments("a stale window past RFC 8767's three days", new JsonObject().put("dns-serve-stale", "4d"),
                        "proxy.dns-serve-stale must be 0s (off) to 3d, was 4d"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidSettingsAreRefusedNamingTheDottedKey(String sentence, JsonObject section, String message) {
        assertThatThrownBy(() -> new ProxyOptions(section))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith(message);
    }
}

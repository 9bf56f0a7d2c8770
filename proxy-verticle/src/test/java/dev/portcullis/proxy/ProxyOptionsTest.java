package dev.portcullis.proxy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    void invalidTransparentListenersAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> new ProxyOptions(new JsonObject().put("transparent",
                new JsonArray().add(new JsonObject().put("upstream-port", 0)))))
                .hasMessageContaining("transparent.upstream-port must be 1-65535");
        assertThatThrownBy(() -> new ProxyOptions(new JsonObject().put("transparent",
                new JsonArray().add(new JsonObject().put("port", 8443)).add(new JsonObject().put("port", 8443)))))
                .hasMessageContaining("transparent listener name 'transparent-8443' is used twice");
        assertThatThrownBy(() -> new ProxyOptions(new JsonObject().put("transparent", "8443")))
                .hasMessageContaining("transparent must be a list");
        assertThatThrownBy(() -> new ProxyOptions(new JsonObject().put("hello-timeout", "0s")))
                .hasMessageContaining("hello-timeout must be positive");
    }

    @Test
    void jsonRoundTripKeepsEveryValue() {
        ProxyOptions options = new ProxyOptions()
                .setExplicitHost("0.0.0.0").setExplicitPort(8080)
                .setConnectTimeout(Duration.ofMillis(1500)).setIdleTimeout(Duration.ofMinutes(2))
                .setRequestTimeout(Duration.ofSeconds(3)).setPolicyTimeout(Duration.ofMillis(700))
                .setDnsTimeout(Duration.ofSeconds(4)).setMaxRequestLine(4096).setMaxHeaders(16384)
                .setDecisionCacheSize(5).setAccessLogFile("/tmp/access.log");
        assertThat(new ProxyOptions(options.toJson()).toJson()).isEqualTo(options.toJson());
        assertThat(new ProxyOptions(options).getConnectTimeout()).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void invalidValuesAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> new ProxyOptions(new JsonObject().put("idle-timeout", "soon")))
                .hasMessageContaining("idle-timeout");
        assertThatThrownBy(() -> new ProxyOptions(new JsonObject().put("explicit", new JsonObject().put("port", 70000))))
                .hasMessageContaining("explicit.port");
        assertThatThrownBy(() -> new ProxyOptions(new JsonObject().put("request-timeout", 0)))
                .hasMessageContaining("request-timeout must be positive");
    }
}

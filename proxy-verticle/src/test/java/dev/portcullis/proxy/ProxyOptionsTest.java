package dev.portcullis.proxy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;

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

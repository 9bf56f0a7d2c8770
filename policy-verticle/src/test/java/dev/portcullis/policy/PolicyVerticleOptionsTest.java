package dev.portcullis.policy;

import dev.portcullis.api.config.InvalidConfigException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PolicyVerticleOptionsTest {

    @Test
    void roundTripsThroughJson() {
        PolicyVerticleOptions options = new PolicyVerticleOptions()
                .setFile("/etc/portcullis/policy.yaml")
                .setReloadInterval(Duration.ofMillis(250));

        PolicyVerticleOptions copy = new PolicyVerticleOptions(options.toJson());

        assertThat(copy.getFile()).isEqualTo("/etc/portcullis/policy.yaml");
        assertThat(copy.getReloadInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(copy.toJson()).isEqualTo(options.toJson());
        assertThat(new PolicyVerticleOptions(options).toJson()).isEqualTo(options.toJson());
    }

    @Test
    void theReloadIntervalDefaultsToOneSecond() {
        PolicyVerticleOptions options = new PolicyVerticleOptions(new JsonObject().put("file", "p.yaml"));

        assertThat(options.getReloadInterval()).isEqualTo(PolicyVerticleOptions.DEFAULT_RELOAD_INTERVAL)
                .isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aMissingFileIsNamedWhenValidated() {
        assertThatThrownBy(() -> new PolicyVerticleOptions(new JsonObject()).validate())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("policy.file is required");
    }

    @Test
    void aZeroReloadIntervalIsRefused() {
        JsonObject config = new JsonObject().put("file", "p.yaml").put("reload-interval", "0s");

        assertThatThrownBy(() -> new PolicyVerticleOptions(config).validate())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("policy.reload-interval must be positive, was 0ms");
    }

    @Test
    void aReloadIntervalThatIsNotADurationIsRefused() {
        JsonObject config = new JsonObject().put("file", "p.yaml").put("reload-interval", "soon");

        assertThatThrownBy(() -> new PolicyVerticleOptions(config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("policy.reload-interval: expected a duration such as 500ms, 10s, 5m, 1h or 7d, "
                        + "was the string \"soon\"");
    }

    @Test
    void aMisspeltKeyIsRefusedWithTheNearestKnownOne() {
        JsonObject config = new JsonObject().put("file", "p.yaml").put("reload-intervall", "5s");

        assertThatThrownBy(() -> new PolicyVerticleOptions(config))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("policy.reload-intervall: unknown key (did you mean reload-interval?)");
    }
}

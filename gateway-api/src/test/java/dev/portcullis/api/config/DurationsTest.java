package dev.portcullis.api.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurationsTest {

    @ParameterizedTest(name = "{0} reads as {1} ms and writes back as {2}")
    @CsvSource({"500ms,500,500ms", "10s,10000,10s", "5m,300000,5m", "1h,3600000,1h", "7d,604800000,7d",
            "1500,1500,1500ms"})
    void readsAndWritesDurations(String text, long millis, String written) {
        Object value = text.matches("\\d+") ? (Object) Long.parseLong(text) : text;
        Duration duration = Durations.get(new JsonObject().put("t", value), "t", Duration.ZERO);
        assertThat(duration.toMillis()).isEqualTo(millis);
        assertThat(Durations.format(duration)).isEqualTo(written);
    }

    @ParameterizedTest(name = "refuses {0}")
    @CsvSource({"soon", "-1s", "10 parsecs"})
    void refusesWhatIsNotADuration(String text) {
        assertThatThrownBy(() -> Durations.get(new JsonObject().put("idle", text), "idle", Duration.ZERO))
                .hasMessageContaining("idle must be a duration");
    }
}

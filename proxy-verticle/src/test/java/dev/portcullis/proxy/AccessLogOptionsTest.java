package dev.portcullis.proxy;

import dev.portcullis.api.config.InvalidConfigException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AccessLogOptionsTest {

    @Test
    void defaultsAreAFileRollingAt100MbKeptSevenDaysUnder5Gb() {
        AccessLogOptions options = new AccessLogOptions();
        assertThat(options.getFile()).isNull();
        assertThat(options.isStdout()).isFalse();
        assertThat(options.getMaxFileSize()).isEqualTo("100MB");
        assertThat(options.getMaxHistory()).isEqualTo(7);
        assertThat(options.getTotalSizeCap()).isEqualTo("5GB");
    }

    @Test
    void survivesARoundTripThroughJson() {
        AccessLogOptions options = new AccessLogOptions().setFile("/var/log/a.log").setStdout(true)
                .setMaxFileSize("10MB").setMaxHistory(3).setTotalSizeCap("1GB");
        assertThat(new AccessLogOptions(options.toJson()).toJson()).isEqualTo(options.toJson());
        assertThat(new ProxyOptions().setAccessLog(options).getAccessLog().toJson()).isEqualTo(options.toJson());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "a size without a number is refused | max-file-size  | MB   | access-log.max-file-size must be a size",
            "a zero size is refused             | total-size-cap | 0KB  | access-log.total-size-cap must be at least 1 byte",
    })
    void badSizesAreRefusedWithTheirKey(String sentence, String key, String value, String message) {
        assertThatThrownBy(() -> new AccessLogOptions(new JsonObject().put(key, value)))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining(message);
    }

    @Test
    void aHistoryOfNoDaysIsRefused() {
        assertThatThrownBy(() -> new AccessLogOptions(new JsonObject().put("max-history", 0)))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("access-log.max-history");
    }
}

package dev.portcullis.api.config;

import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads durations from configuration: {@code "500ms"}, {@code "10s"}, {@code "5m"}, {@code "1h"}, {@code "7d"},
 * or a bare number of milliseconds.
 */
public final class Durations {

    private static final Pattern TEXT = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private Durations() {
    }

    /**
     * Reads {@code key} from {@code config}.
     *
     * @return the duration, or {@code fallback} when the key is absent
     * @throws IllegalArgumentException naming the key when the value is not a duration or is negative
     */
    public static Duration get(JsonObject config, String key, Duration fallback) {
        Object value = config == null ? null : config.getValue(key);
        if (value == null) {
            return fallback;
        }
        return parse(key, value);
    }

    public static Duration parse(String key, Object value) {
        if (value instanceof Number number) {
            if (number.longValue() < 0) {
                throw new IllegalArgumentException(key + " must not be negative, was " + value);
            }
            return Duration.ofMillis(number.longValue());
        }
        Matcher matcher = TEXT.matcher(String.valueOf(value).trim());
        if (!matcher.matches()) {
            throw new IllegalArgumentException(key + " must be a duration such as 500ms, 10s, 5m, 1h or 7d, was '"
                    + value + "'");
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }

    /** Writes a duration back in the shortest exact unit, the inverse of {@link #parse}. */
    public static String format(Duration duration) {
        long ms = duration.toMillis();
        if (ms % 86_400_000 == 0 && ms > 0) {
            return ms / 86_400_000 + "d";
        }
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0 && ms > 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}

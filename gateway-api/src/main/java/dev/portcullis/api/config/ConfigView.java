package dev.portcullis.api.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A configuration section that its {@link ConfigSchema} has checked: typed values with the caller's defaults,
 * never a {@code ClassCastException}. Reading a key the schema does not declare with that kind is a programming
 * error ({@link IllegalStateException}), so a reader and its schema cannot drift apart.
 */
public final class ConfigView {

    private final String path;
    private final JsonObject json;
    private final ConfigSchema schema;

    ConfigView(String path, JsonObject json, ConfigSchema schema) {
        this.path = path;
        this.json = json;
        this.schema = schema;
    }

    /** The section's dotted key ({@code "proxy.transparent[0]"}); empty for the root. */
    public String path() {
        return path;
    }

    /** Whether {@code key} is written, even as null ({@code transparent:} with nothing after it). */
    public boolean has(String key) {
        declared(key, null);
        return json.containsKey(key);
    }

    public String string(String key, String fallback) {
        Object value = value(key, ConfigKind.STRING);
        return value == null ? fallback : value.toString();
    }

    public int integer(String key, int fallback) {
        Object value = value(key, ConfigKind.INTEGER);
        return value == null ? fallback : ((Number) value).intValue();
    }

    public boolean bool(String key, boolean fallback) {
        Object value = value(key, ConfigKind.BOOLEAN);
        return value == null ? fallback : (Boolean) value;
    }

    public Duration duration(String key, Duration fallback) {
        Object value = value(key, ConfigKind.DURATION);
        return value == null ? fallback : Durations.parse(key, value);
    }

    /** A list of strings; one string reads as a comma-separated list; absent reads as empty. */
    public List<String> strings(String key) {
        Object value = value(key, ConfigKind.STRING_LIST);
        List<String> out = new ArrayList<>();
        if (value instanceof String text) {
            for (String item : text.split(",")) {
                if (!item.isBlank()) {
                    out.add(item.trim());
                }
            }
        } else if (value instanceof JsonArray array) {
            array.forEach(item -> out.add(item.toString()));
        }
        return List.copyOf(out);
    }

    /** A nested section; absent reads as empty. */
    public ConfigView section(String key) {
        Object value = value(key, ConfigKind.SECTION);
        return new ConfigView(ConfigSchema.join(path, key), value == null ? new JsonObject() : (JsonObject) value,
                schema.field(key).schema());
    }

    /** A list of sections, each named by its index ({@code proxy.transparent[0]}); absent reads as empty. */
    public List<ConfigView> sections(String key) {
        Object value = value(key, ConfigKind.SECTION_LIST);
        List<ConfigView> out = new ArrayList<>();
        if (value instanceof JsonArray array) {
            for (int i = 0; i < array.size(); i++) {
                out.add(new ConfigView(ConfigSchema.join(path, key) + "[" + i + "]", array.getJsonObject(i),
                        schema.field(key).schema()));
            }
        }
        return out;
    }

    /** A map with free keys, for the caller to check; absent reads as empty. */
    public JsonObject map(String key) {
        Object value = value(key, ConfigKind.MAP);
        return value == null ? new JsonObject() : (JsonObject) value;
    }

    /**
     * Names a setter's failure from this section:
     * {@code "explicit.port must be 0-65535"} in section {@code proxy} becomes {@code "proxy.explicit.port must be
     * 0-65535"}. Failures already named ({@link InvalidConfigException}) pass unchanged.
     */
    public InvalidConfigException invalid(IllegalArgumentException failure) {
        return InvalidConfigException.within(path, failure);
    }

    private Object value(String key, ConfigKind kind) {
        declared(key, kind);
        return json.getValue(key);
    }

    private void declared(String key, ConfigKind kind) {
        ConfigSchema.Field field = schema.field(key);
        if (field == null || (kind != null && field.kind() != kind)) {
            throw new IllegalStateException(ConfigSchema.join(path, key) + " is read as " + kind
                    + " but declared as " + (field == null ? "nothing" : field.kind()));
        }
    }
}

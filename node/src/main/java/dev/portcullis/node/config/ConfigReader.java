package dev.portcullis.node.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads one section of the node's own settings ({@code node}, {@code cluster}, {@code admin}) with messages that
 * name the full key ({@code "cluster.port must be 1-65535, was 70000"}), and refuses keys it does not know, so a
 * typo is an error rather than a silently ignored setting.
 */
final class ConfigReader {

    private final String section;
    private final JsonObject json;

    private ConfigReader(String section, JsonObject json) {
        this.section = section;
        this.json = json;
    }

    /** A reader of {@code root.section}, which must be a map (absent reads as empty) with only {@code known} keys. */
    static ConfigReader of(JsonObject root, String section, Set<String> known) {
        JsonObject json = object(root, section);
        for (String key : json.fieldNames()) {
            if (!known.contains(key)) {
                throw new ConfigException(section + "." + key + " is not a known setting (known: "
                        + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
        return new ConfigReader(section, json);
    }

    /** {@code root.key} as a map; absent or null reads as an empty map. */
    static JsonObject object(JsonObject root, String key) {
        Object value = root.getValue(key);
        if (value == null) {
            return new JsonObject();
        }
        if (!(value instanceof JsonObject object)) {
            throw new ConfigException(key + " must be a map of settings, was '" + value + "'");
        }
        return object;
    }

    /**
     * A reader of the map at {@code key} inside this section (e.g. {@code cluster.tls}), absent reads as empty,
     * with only {@code known} keys; messages name the full dotted key.
     */
    ConfigReader child(String key, Set<String> known) {
        Object value = json.getValue(key);
        if (value != null && !(value instanceof JsonObject)) {
            throw new ConfigException(name(key) + " must be a map of settings, was '" + value + "'");
        }
        return of(new JsonObject().put(name(key), value == null ? new JsonObject() : value), name(key), known);
    }

    /** A string setting that may be absent ({@code null}); present, it must be a non-empty string. */
    String optionalString(String key) {
        return json.getValue(key) == null ? null : string(key);
    }

    /** A file path setting that may be absent ({@code null}). */
    Path optionalPath(String key) {
        String text = optionalString(key);
        return text == null ? null : Path.of(text);
    }

    String string(String key) {
        Object value = json.getValue(key);
        if (value == null) {
            throw new ConfigException(name(key) + " is required");
        }
        if (!(value instanceof String) && !(value instanceof Number)) {
            throw new ConfigException(name(key) + " must be a string, was '" + value + "'");
        }
        String text = value.toString().trim();
        if (text.isEmpty()) {
            throw new ConfigException(name(key) + " must not be empty");
        }
        return text;
    }

    int integer(String key, int min, int max) {
        Object value = json.getValue(key);
        long number;
        if (value instanceof Number n && n.doubleValue() == n.longValue()) {
            number = n.longValue();
        } else if (value instanceof String text && text.trim().matches("-?\\d{1,10}")) {
            number = Long.parseLong(text.trim());
        } else {
            throw new ConfigException(name(key) + " must be a whole number " + min + "-" + max + ", was '"
                    + value + "'");
        }
        if (number < min || number > max) {
            throw new ConfigException(name(key) + " must be " + min + "-" + max + ", was " + number);
        }
        return (int) number;
    }

    /** A list of strings, written as a YAML list or as one comma-separated string (handy in environment variables). */
    List<String> stringList(String key) {
        Object value = json.getValue(key);
        List<String> out = new ArrayList<>();
        if (value == null) {
            return out;
        }
        if (value instanceof String text) {
            for (String item : text.split(",")) {
                if (!item.isBlank()) {
                    out.add(item.trim());
                }
            }
            return out;
        }
        if (!(value instanceof JsonArray array)) {
            throw new ConfigException(name(key) + " must be a list, was '" + value + "'");
        }
        for (Object item : array) {
            if (!(item instanceof String text) || text.isBlank()) {
                throw new ConfigException(name(key) + " must be a list of non-empty strings, had '" + item + "'");
            }
            out.add(text.trim());
        }
        return out;
    }

    /** The full dotted name of a key, for messages. */
    String name(String key) {
        return section + "." + key;
    }
}

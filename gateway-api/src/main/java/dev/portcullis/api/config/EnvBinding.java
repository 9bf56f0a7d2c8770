package dev.portcullis.api.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Locale;

/**
 * One environment variable and the key it sets. The name is the prefix, then the dotted key with '.' and '-'
 * written as '_', upper-cased: {@code proxy.idle-timeout} is {@code PORTCULLIS_PROXY_IDLE_TIMEOUT}. Because '_'
 * could stand for either, names are made from the declared keys and never parsed back (README.md, Configuration).
 *
 * @param variable the variable's name
 * @param path     the key's segments from the root ({@code [proxy, explicit, port]})
 * @param kind     what the key holds, which decides how the variable's text is read
 */
public record EnvBinding(String variable, List<String> path, ConfigKind kind) {

    public EnvBinding {
        path = List.copyOf(path);
    }

    /** The binding of the key at {@code path}, its variable named by the rule above. */
    public static EnvBinding named(String prefix, List<String> path, ConfigKind kind) {
        return new EnvBinding(prefix + String.join("_", path).replace('-', '_').replace('.', '_')
                .toUpperCase(Locale.ROOT), path, kind);
    }

    /** The key this variable sets, dotted: {@code proxy.explicit.port}. */
    public String key() {
        return String.join(".", path);
    }

    /**
     * Reads the variable's text as the declared kind: whole numbers as numbers, {@code true} or {@code false}
     * (any case, nothing else) as a boolean, lists comma-separated, lists of sections and free maps as JSON,
     * durations and strings as written.
     *
     * @throws InvalidConfigException naming the variable when the text is not of that kind
     */
    public Object convert(String text) {
        String value = text.trim();
        try {
            return switch (kind) {
                case STRING -> value;
                case INTEGER -> Integer.parseInt(value);
                case BOOLEAN -> {
                    // Only the two words: a typo such as "ture" must not quietly read as false.
                    if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                        throw refused(value);
                    }
                    yield Boolean.valueOf(value);
                }
                case DURATION -> value.matches("\\d+") ? (Object) Long.parseLong(value) : value;
                case STRING_LIST -> {
                    JsonArray items = new JsonArray();
                    for (String item : value.split(",")) {
                        if (!item.isBlank()) {
                            items.add(item.trim());
                        }
                    }
                    yield items;
                }
                case SECTION_LIST -> new JsonArray(value);
                case SECTION, MAP -> new JsonObject(value);
            };
        } catch (NumberFormatException | DecodeException e) {
            throw refused(value);
        }
    }

    private InvalidConfigException refused(String value) {
        return new InvalidConfigException(variable, "expected " + kind.expected()
                + (kind == ConfigKind.SECTION_LIST || kind == ConfigKind.MAP ? " as JSON" : "")
                + " for " + key() + ", was \"" + value + "\"");
    }
}

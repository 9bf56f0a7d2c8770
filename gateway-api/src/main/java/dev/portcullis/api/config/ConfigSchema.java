package dev.portcullis.api.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The keys one configuration section may hold and what each holds. Every options class declares its schema;
 * {@link #read} refuses unknown keys and wrong types with the dotted key, and the node enumerates the schemas to
 * name every environment variable ({@link EnvBinding}). The rules are in README.md, section Configuration.
 */
public final class ConfigSchema {

    /** One declared key: its kind and, for sections and lists of sections, their schema. */
    public record Field(ConfigKind kind, ConfigSchema schema) {
    }

    private final Map<String, Field> fields;

    private ConfigSchema(Map<String, Field> fields) {
        this.fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The declared keys, in declaration order. */
    public Set<String> keys() {
        return fields.keySet();
    }

    /** The declaration of {@code key}, or {@code null} when it is not declared. */
    public Field field(String key) {
        return fields.get(key);
    }

    /**
     * Checks a section and gives a reader of it.
     *
     * @param path the section's dotted key, the prefix of every message ({@code "proxy"}); empty for the root
     * @param json the section; {@code null} reads as empty
     * @throws InvalidConfigException naming the first unknown key or value of the wrong type, at any depth
     */
    public ConfigView read(String path, JsonObject json) {
        JsonObject section = json == null ? new JsonObject() : json;
        check(path, section);
        return new ConfigView(path, section, this);
    }

    /** Every variable that can set a key of this schema: {@code prefix} + the dotted key, see {@link EnvBinding}. */
    public List<EnvBinding> envBindings(String prefix) {
        List<EnvBinding> bindings = new ArrayList<>();
        collect(prefix, new ArrayList<>(), bindings);
        return bindings;
    }

    private void collect(String prefix, List<String> parents, List<EnvBinding> bindings) {
        fields.forEach((key, field) -> {
            List<String> path = new ArrayList<>(parents);
            path.add(key);
            if (field.kind() == ConfigKind.SECTION) {
                field.schema().collect(prefix, path, bindings);
            } else {
                bindings.add(EnvBinding.named(prefix, path, field.kind()));
            }
        });
    }

    private void check(String path, JsonObject json) {
        for (Map.Entry<String, Object> entry : json) {
            String key = join(path, entry.getKey());
            Field field = fields.get(entry.getKey());
            if (field == null) {
                String unknown = path.isEmpty() ? "unknown section" : "unknown key";
                throw new InvalidConfigException(key, unknown + Nearest.to(entry.getKey(), fields.keySet())
                        .map(near -> " (did you mean " + near + "?)").orElse(""));
            }
            if (entry.getValue() != null) {
                checkValue(key, field, entry.getValue());
            }
        }
    }

    private static void checkValue(String key, Field field, Object value) {
        boolean fits = switch (field.kind()) {
            case STRING -> value instanceof String || value instanceof Number;
            case INTEGER -> value instanceof Number number && number.doubleValue() == number.longValue()
                    && number.longValue() >= Integer.MIN_VALUE && number.longValue() <= Integer.MAX_VALUE;
            case BOOLEAN -> value instanceof Boolean;
            case DURATION -> isDuration(value);
            case STRING_LIST -> value instanceof String || value instanceof JsonArray;
            case SECTION, MAP -> value instanceof JsonObject;
            case SECTION_LIST -> value instanceof JsonArray;
        };
        if (!fits) {
            throw new InvalidConfigException(key, "expected " + field.kind().expected() + ", was "
                    + ConfigKind.describe(value));
        }
        if (field.kind() == ConfigKind.SECTION) {
            field.schema().check(key, (JsonObject) value);
        } else if (value instanceof JsonArray array) {
            for (int i = 0; i < array.size(); i++) {
                checkItem(key + "[" + i + "]", field, array.getValue(i));
            }
        }
    }

    private static void checkItem(String key, Field field, Object item) {
        if (field.kind() == ConfigKind.SECTION_LIST) {
            if (!(item instanceof JsonObject listener)) {
                throw new InvalidConfigException(key, "expected a map of settings, was " + ConfigKind.describe(item));
            }
            field.schema().check(key, listener);
        } else if (!(item instanceof String) && !(item instanceof Number)) {
            throw new InvalidConfigException(key, "expected a string, was " + ConfigKind.describe(item));
        }
    }

    private static boolean isDuration(Object value) {
        boolean whole = value instanceof Number number && number.doubleValue() == number.longValue();
        if (!(value instanceof String) && !whole) {
            return false;
        }
        try {
            Durations.parse("", value);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** Declares keys in the order the documentation lists them. */
    public static final class Builder {

        private final Map<String, Field> fields = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder string(String key) {
            return add(key, ConfigKind.STRING, null);
        }

        public Builder integer(String key) {
            return add(key, ConfigKind.INTEGER, null);
        }

        public Builder bool(String key) {
            return add(key, ConfigKind.BOOLEAN, null);
        }

        public Builder duration(String key) {
            return add(key, ConfigKind.DURATION, null);
        }

        public Builder strings(String key) {
            return add(key, ConfigKind.STRING_LIST, null);
        }

        public Builder map(String key) {
            return add(key, ConfigKind.MAP, null);
        }

        public Builder section(String key, ConfigSchema schema) {
            return add(key, ConfigKind.SECTION, schema);
        }

        public Builder sections(String key, ConfigSchema schema) {
            return add(key, ConfigKind.SECTION_LIST, schema);
        }

        public ConfigSchema build() {
            return new ConfigSchema(fields);
        }

        private Builder add(String key, ConfigKind kind, ConfigSchema schema) {
            if (fields.putIfAbsent(key, new Field(kind, schema)) != null) {
                throw new IllegalStateException(key + " is declared twice");
            }
            return this;
        }
    }
}

package dev.portcullis.node.config;

import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A configuration tree as read (file, then environment, then command-line flags) with where each value came from,
 * so that {@link #validate()} names the file, the variable or the flag of a bad value:
 * {@code config.yaml: proxy.idle-timout: unknown key (did you mean idle-timeout?)}.
 */
public final class LoadedConfig {

    /** The dotted key a message starts with: {@code proxy.transparent[0].port}, {@code dns.static.db.test[1]}. */
    private static final Pattern LEADING_KEY = Pattern.compile("^[a-z][a-z0-9-]*(?:\\.[A-Za-z0-9_.-]+|\\[\\d+])*");

    private final JsonObject tree;
    private final Path file;
    private final Map<String, String> originByKey;

    /**
     * @param tree        the merged tree
     * @param file        the file it was read from, or {@code null} for none
     * @param originByKey dotted keys set from elsewhere (a variable, a flag) to that origin's name
     */
    public LoadedConfig(JsonObject tree, Path file, Map<String, String> originByKey) {
        this.tree = tree.copy();
        this.file = file;
        this.originByKey = new LinkedHashMap<>(originByKey);
    }

    /** A copy of the merged tree. */
    public JsonObject tree() {
        return tree.copy();
    }

    /**
     * The same configuration with {@code section.key} set from a command-line flag. A section that is not a map is
     * left for {@link #validate()} to name.
     */
    public LoadedConfig withFlag(String section, String key, Object value, String flag) {
        JsonObject copy = tree.copy();
        Object current = copy.getValue(section);
        if (current != null && !(current instanceof JsonObject)) {
            return this;
        }
        JsonObject map = current == null ? new JsonObject() : (JsonObject) current;
        copy.put(section, map.put(key, value));
        Map<String, String> origins = new LinkedHashMap<>(originByKey);
        origins.put(section + "." + key, flag);
        return new LoadedConfig(copy, file, origins);
    }

    /**
     * Checks the tree.
     *
     * @throws ConfigException whose message starts with the origin of the bad value (the variable, the flag, or
     *                         the file), then the dotted key
     */
    public NodeConfig validate() {
        try {
            return NodeConfig.fromJson(tree);
        } catch (ConfigException e) {
            String origin = origin(e.getMessage());
            throw origin == null ? e : new ConfigException(origin + ": " + e.getMessage(), e);
        }
    }

    private String origin(String message) {
        Matcher key = LEADING_KEY.matcher(message == null ? "" : message);
        if (key.find()) {
            String found = key.group();
            for (Map.Entry<String, String> entry : originByKey.entrySet()) {
                String set = entry.getKey();
                if (found.equals(set) || found.startsWith(set + ".") || found.startsWith(set + "[")) {
                    return entry.getValue();
                }
            }
        }
        return file == null ? null : file.toString();
    }
}

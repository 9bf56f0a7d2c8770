package dev.portcullis.node.config;

import io.vertx.core.json.JsonObject;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Environment variables that override single settings of the YAML file (handy in containers and systemd units):
 * <table>
 *   <caption>Overrides</caption>
 *   <tr><td>{@code PORTCULLIS_ROLES}</td><td>{@code node.roles}, e.g. {@code proxy:2}</td></tr>
 *   <tr><td>{@code PORTCULLIS_DATA_DIR}</td><td>{@code node.data-dir}</td></tr>
 *   <tr><td>{@code PORTCULLIS_CLUSTER_NAME}</td><td>{@code cluster.name}</td></tr>
 *   <tr><td>{@code PORTCULLIS_CLUSTER_HOST}</td><td>{@code cluster.host}</td></tr>
 *   <tr><td>{@code PORTCULLIS_CLUSTER_PORT}</td><td>{@code cluster.port}</td></tr>
 *   <tr><td>{@code PORTCULLIS_CLUSTER_MEMBERS}</td><td>{@code cluster.members}, comma-separated host:port</td></tr>
 *   <tr><td>{@code PORTCULLIS_ADMIN_HOST}</td><td>{@code admin.host}</td></tr>
 *   <tr><td>{@code PORTCULLIS_ADMIN_PORT}</td><td>{@code admin.port}</td></tr>
 *   <tr><td>{@code PORTCULLIS_POLICY_FILE}</td><td>{@code policy.file}</td></tr>
 * </table>
 * Empty variables are ignored. Values are validated like the YAML settings they replace.
 */
public final class EnvOverrides {

    /** Variable name → dotted setting, in the order of the table above. */
    public static final Map<String, String> VARIABLES = variables();

    private EnvOverrides() {
    }

    private static Map<String, String> variables() {
        Map<String, String> variables = new LinkedHashMap<>();
        variables.put("PORTCULLIS_ROLES", "node.roles");
        variables.put("PORTCULLIS_DATA_DIR", "node.data-dir");
        variables.put("PORTCULLIS_CLUSTER_NAME", "cluster.name");
        variables.put("PORTCULLIS_CLUSTER_HOST", "cluster.host");
        variables.put("PORTCULLIS_CLUSTER_PORT", "cluster.port");
        variables.put("PORTCULLIS_CLUSTER_MEMBERS", "cluster.members");
        variables.put("PORTCULLIS_ADMIN_HOST", "admin.host");
        variables.put("PORTCULLIS_ADMIN_PORT", "admin.port");
        variables.put("PORTCULLIS_POLICY_FILE", "policy.file");
        return Collections.unmodifiableMap(variables);
    }

    /**
     * Lays the environment over a configuration tree.
     *
     * @param tree the YAML tree (not modified)
     * @param env  the environment; only the variables above are read
     * @return a new tree with each set variable's value at its setting (as text; validation converts it)
     */
    public static JsonObject apply(JsonObject tree, Map<String, String> env) {
        JsonObject result = tree.copy();
        VARIABLES.forEach((variable, setting) -> {
            String value = env.get(variable);
            if (value == null || value.isBlank()) {
                return;
            }
            int dot = setting.indexOf('.');
            String section = setting.substring(0, dot);
            Object current = result.getValue(section);
            if (current == null) {
                current = new JsonObject();
                result.put(section, current);
            }
            if (!(current instanceof JsonObject sectionJson)) {
                throw new ConfigException(section + " must be a map of settings, was '" + current + "'");
            }
            sectionJson.put(setting.substring(dot + 1), value.trim());
        });
        return result;
    }
}

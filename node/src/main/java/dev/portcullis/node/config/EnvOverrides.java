package dev.portcullis.node.config;

import dev.portcullis.api.config.EnvBinding;
import dev.portcullis.api.config.InvalidConfigException;
import dev.portcullis.api.config.Nearest;
import io.vertx.core.json.JsonObject;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Environment variables laid over the configuration file. Every key of {@link NodeConfig#SCHEMA} has one variable:
 * {@code PORTCULLIS_}, then the dotted key with '.' and '-' written as '_', upper-cased
 * ({@code proxy.idle-timeout} is {@code PORTCULLIS_PROXY_IDLE_TIMEOUT}); lists are comma-separated, lists of
 * listeners and free maps are JSON. Names are made from the declared keys, never parsed back, since '_' could
 * stand for '.' or '-'. The full list is in docs/configuration.md.
 *
 * <p>A {@code PORTCULLIS_} variable that names no setting is an error, like an unknown key in the file, except
 * {@link #NOT_SETTINGS} and the variable {@code ca.passphrase-env} names. Empty variables are ignored.
 */
public final class EnvOverrides {

    /** {@value} */
    public static final String PREFIX = "PORTCULLIS_";
    /** Names documented before the rule, still read: alias → the rule's name, which wins when both are set. */
    public static final Map<String, String> ALIASES = Map.of(
            "PORTCULLIS_ROLES", "PORTCULLIS_NODE_ROLES",
            "PORTCULLIS_DATA_DIR", "PORTCULLIS_NODE_DATA_DIR");
    /**
     * {@code PORTCULLIS_} variables that are not settings: the jar deploy/local-fleet.sh runs, and the admin API's
     * bearer token, a secret read where it is used ({@code AdminToken}) and never part of the configuration tree.
     */
    public static final Set<String> NOT_SETTINGS = Set.of("PORTCULLIS_JAR", AdminSettings.TOKEN_ENV);

    private static final Map<String, EnvBinding> BINDINGS = bindings(NodeConfig.SCHEMA.envBindings(PREFIX));

    private EnvOverrides() {
    }

    /** Every variable, in the order of the schema, to the key it sets. */
    public static Map<String, EnvBinding> bindings() {
        return BINDINGS;
    }

    /**
     * The environment laid over a configuration tree.
     *
     * @param tree           the file's tree (not modified)
     * @param variableByKey  the dotted key each variable set, to its variable's name, so that a bad value is
     *                       reported under the variable rather than the file
     */
    public record Applied(JsonObject tree, Map<String, String> variableByKey) {
    }

    /**
     * Lays the environment over a configuration tree, each value converted to its key's declared kind.
     *
     * @param tree the YAML tree (not modified)
     * @param env  the environment; only {@code PORTCULLIS_} variables are read
     * @throws ConfigException naming the variable when it names no setting or its value is not of the key's kind
     */
    public static Applied apply(JsonObject tree, Map<String, String> env) {
        JsonObject result = tree.copy();
        Map<String, String> variableByKey = new LinkedHashMap<>();
        for (EnvBinding binding : BINDINGS.values()) {
            String variable = binding.variable();
            String value = env.get(variable);
            for (Map.Entry<String, String> alias : ALIASES.entrySet()) {
                if ((value == null || value.isBlank()) && alias.getValue().equals(variable)) {
                    variable = alias.getKey();
                    value = env.get(variable);
                }
            }
            if (value == null || value.isBlank()) {
                continue;
            }
            try {
                put(result, binding.path(), binding.convert(value), variable);
            } catch (InvalidConfigException e) {
                throw new ConfigException(e.getMessage(), e);
            }
            variableByKey.put(binding.key(), variable);
        }
        refuseUnknown(env, passphraseVariable(result));
        return new Applied(result, Collections.unmodifiableMap(variableByKey));
    }

    private static void put(JsonObject tree, List<String> path, Object value, String variable) {
        JsonObject section = tree;
        for (String key : path.subList(0, path.size() - 1)) {
            Object child = section.getValue(key);
            if (child == null) {
                child = new JsonObject();
                section.put(key, child);
            }
            if (!(child instanceof JsonObject map)) {
                throw new ConfigException(variable + ": cannot set " + String.join(".", path) + ", the file has "
                        + key + " as something other than a map");
            }
            section = map;
        }
        section.put(path.get(path.size() - 1), value);
    }

    private static void refuseUnknown(Map<String, String> env, String passphraseVariable) {
        for (String variable : new TreeMap<>(env).keySet()) {
            if (variable.startsWith(PREFIX) && !BINDINGS.containsKey(variable) && !ALIASES.containsKey(variable)
                    && !NOT_SETTINGS.contains(variable) && !variable.equals(passphraseVariable)) {
                throw new ConfigException(variable + ": unknown variable" + Nearest.to(variable, BINDINGS.keySet())
                        .map(near -> " (did you mean " + near + "?)").orElse("")
                        + "; settings are PORTCULLIS_<SECTION>_<KEY>, listed in docs/configuration.md");
            }
        }
    }

    /** The variable {@code ca.passphrase-env} names: a secret's holder, not a setting. */
    private static String passphraseVariable(JsonObject tree) {
        Object ca = tree.getValue("ca");
        return ca instanceof JsonObject section && section.getValue("passphrase-env") instanceof String name
                ? name : null;
    }

    private static Map<String, EnvBinding> bindings(List<EnvBinding> list) {
        Map<String, EnvBinding> bindings = new LinkedHashMap<>();
        for (EnvBinding binding : list) {
            EnvBinding clash = bindings.putIfAbsent(binding.variable(), binding);
            if (clash != null) {
                throw new IllegalStateException(binding.variable() + " would set both " + clash.key() + " and "
                        + binding.key() + "; rename one of the keys");
            }
        }
        return Collections.unmodifiableMap(bindings);
    }
}

package dev.portcullis.node.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads the configuration tree with vertx-config: the YAML file (if any), then the
 * {@linkplain EnvOverrides environment overrides} on top. The result still needs {@link LoadedConfig#validate()}
 * to apply defaults and check every key.
 */
public final class ConfigLoader {

    private ConfigLoader() {
    }

    /**
     * Loads the tree.
     *
     * @param vertx any Vert.x instance (config loading happens before the clustered one exists)
     * @param file  the YAML file, or {@code null} for none
     * @return a future completed with the tree, or failed with a {@link ConfigException} naming the file when it
     * is missing or not valid YAML, or naming the variable when a {@code PORTCULLIS_} variable is unknown or its
     * value is not of its key's kind
     */
    public static Future<LoadedConfig> load(Vertx vertx, Path file) {
        return readEnv(vertx).compose(env -> load(vertx, file, env));
    }

    /** {@link #load(Vertx, Path)} with the given environment instead of the process's. */
    public static Future<LoadedConfig> load(Vertx vertx, Path file, Map<String, String> env) {
        Future<JsonObject> yaml = file == null ? Future.succeededFuture(new JsonObject()) : readYaml(vertx, file);
        return yaml.map(tree -> {
            EnvOverrides.Applied applied = EnvOverrides.apply(tree, env);
            return new LoadedConfig(applied.tree(), file, applied.variableByKey());
        });
    }

    private static Future<JsonObject> readYaml(Vertx vertx, Path file) {
        if (!Files.isRegularFile(file)) {
            return Future.failedFuture(new ConfigException("config file " + file + " does not exist"));
        }
        ConfigStoreOptions store = new ConfigStoreOptions()
                .setType("file")
                .setFormat("yaml")
                .setConfig(new JsonObject().put("path", file.toString()));
        return retrieve(vertx, store).recover(failure -> Future.failedFuture(
                new ConfigException("config file " + file + " is not valid YAML: " + rootMessage(failure), failure)));
    }

    private static Future<Map<String, String>> readEnv(Vertx vertx) {
        // All variables, not only the known ones: an unknown PORTCULLIS_ variable is a typo to report.
        ConfigStoreOptions store = new ConfigStoreOptions()
                .setType("env")
                .setConfig(new JsonObject().put("raw-data", true));
        return retrieve(vertx, store).map(json -> {
            Map<String, String> env = new HashMap<>();
            json.forEach(entry -> {
                if (entry.getKey().startsWith(EnvOverrides.PREFIX)) {
                    env.put(entry.getKey(), String.valueOf(entry.getValue()));
                }
            });
            return env;
        });
    }

    private static Future<JsonObject> retrieve(Vertx vertx, ConfigStoreOptions store) {
        ConfigRetriever retriever = ConfigRetriever.create(vertx,
                new ConfigRetrieverOptions().setIncludeDefaultStores(false).setScanPeriod(0).addStore(store));
        return retriever.getConfig().eventually(retriever::close);
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage());
    }
}

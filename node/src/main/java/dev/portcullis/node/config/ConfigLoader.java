package dev.portcullis.node.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads the configuration tree with vertx-config: the YAML file (if any), then the
 * {@linkplain EnvOverrides environment overrides} on top. The result still needs
 * {@link NodeConfig#fromJson} to apply defaults and validate.
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
     * is missing or not valid YAML
     */
    public static Future<JsonObject> load(Vertx vertx, Path file) {
        Future<JsonObject> yaml = file == null ? Future.succeededFuture(new JsonObject()) : readYaml(vertx, file);
        return yaml.compose(tree -> readEnv(vertx).map(env -> EnvOverrides.apply(tree, env)));
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
        ConfigStoreOptions store = new ConfigStoreOptions()
                .setType("env")
                .setConfig(new JsonObject()
                        .put("raw-data", true)
                        .put("keys", new JsonArray(EnvOverrides.VARIABLES.keySet().stream().toList())));
        return retrieve(vertx, store).map(json -> {
            Map<String, String> env = new HashMap<>();
            json.forEach(entry -> env.put(entry.getKey(), String.valueOf(entry.getValue())));
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

package dev.portcullis.node.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the configuration tree with vertx-config: the YAML files (if any) in order, each later one merged over the
 * earlier ones key by key (maps merge, any other value, lists too, is replaced), then the
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
        return loadFiles(vertx, file == null ? List.of() : List.of(file), env);
    }

    /**
     * Loads the tree from several files, later ones overriding earlier ones.
     *
     * @param files the YAML files in the order they apply; empty for none
     * @return as {@link #load(Vertx, Path)}; a bad value is reported under the last file that set it
     */
    public static Future<LoadedConfig> loadFiles(Vertx vertx, List<Path> files) {
        return readEnv(vertx).compose(env -> loadFiles(vertx, files, env));
    }

    /** {@link #loadFiles(Vertx, List)} with the given environment instead of the process's. */
    public static Future<LoadedConfig> loadFiles(Vertx vertx, List<Path> files, Map<String, String> env) {
        List<Future<JsonObject>> reads = new ArrayList<>();
        for (Path file : files) {
            reads.add(readYaml(vertx, file));
        }
        return Future.all(reads).map(all -> {
            JsonObject tree = new JsonObject();
            // Later files name the keys they set; the first file is the fallback origin of every other key.
            Map<String, String> fileByKey = new LinkedHashMap<>();
            for (int i = 0; i < reads.size(); i++) {
                JsonObject layer = reads.get(i).result();
                tree.mergeIn(layer, true);
                if (i > 0) {
                    for (String key : leafKeys("", layer)) {
                        fileByKey.remove(key);
                        fileByKey.put(key, files.get(i).toString());
                    }
                }
            }
            EnvOverrides.Applied applied = EnvOverrides.apply(tree, env);
            // The environment wins over every file, so its origins are looked at first.
            Map<String, String> origins = new LinkedHashMap<>(applied.variableByKey());
            fileByKey.forEach(origins::putIfAbsent);
            return new LoadedConfig(applied.tree(), files.isEmpty() ? null : files.get(0), origins);
        });
    }

    /** The dotted keys of a tree's values that are not maps ({@code proxy.explicit.port}, {@code dns.servers}). */
    private static List<String> leafKeys(String prefix, JsonObject tree) {
        List<String> keys = new ArrayList<>();
        for (Map.Entry<String, Object> entry : tree) {
            String key = prefix + entry.getKey();
            if (entry.getValue() instanceof JsonObject map && !map.isEmpty()) {
                keys.addAll(leafKeys(key + ".", map));
            } else {
                keys.add(key);
            }
        }
        return keys;
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

package dev.portcullis.node.deploy;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The Kubernetes objects of deploy/k8s/, read with SnakeYAML's safe constructor, and small accessors for the
 * nested maps they are.
 */
final class Manifests {

    static final Path K8S = Path.of("..", "deploy", "k8s");

    private final Map<String, Object> kustomization;
    private final List<Map<String, Object>> objects;

    private Manifests(Map<String, Object> kustomization, List<Map<String, Object>> objects) {
        this.kustomization = kustomization;
        this.objects = objects;
    }

    /** The kustomization and every object of the files it lists, in order. */
    static Manifests read() {
        Map<String, Object> kustomization = map(load(K8S.resolve("kustomization.yaml")).get(0));
        List<Map<String, Object>> objects = new ArrayList<>();
        for (Object resource : list(kustomization.get("resources"))) {
            load(K8S.resolve((String) resource)).stream().filter(Objects::nonNull).map(Manifests::map)
                    .forEach(objects::add);
        }
        return new Manifests(kustomization, objects);
    }

    Map<String, Object> kustomization() {
        return kustomization;
    }

    List<Map<String, Object>> all() {
        return objects;
    }

    List<Map<String, Object>> ofKind(String kind) {
        return objects.stream().filter(object -> kind.equals(object.get("kind"))).toList();
    }

    Map<String, Object> named(String kind, String name) {
        return ofKind(kind).stream().filter(object -> name.equals(name(object))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + K8S));
    }

    static String name(Map<String, Object> object) {
        return (String) at(object, "metadata", "name");
    }

    /** The value at a path of map keys, or {@code null} where one is missing. */
    static Object at(Object tree, String... keys) {
        Object current = tree;
        for (String key : keys) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(key);
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return value == null ? Map.of() : (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value) {
        return value == null ? List.of() : (List<Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> maps(Object value) {
        return value == null ? List.of() : (List<Map<String, Object>>) value;
    }

    private static List<Object> load(Path file) {
        try {
            List<Object> documents = new ArrayList<>();
            new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(Files.readString(file))
                    .forEach(documents::add);
            return documents;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

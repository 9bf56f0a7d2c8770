package dev.portcullis.policy.parse;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** A YAML mapping with string keys, each at most once, read by key with line-precise errors. */
final class YamlMap {

    private final Nodes nodes;
    private final MappingNode node;
    private final Map<String, NodeTuple> entries;

    private YamlMap(Nodes nodes, MappingNode node, Map<String, NodeTuple> entries) {
        this.nodes = nodes;
        this.node = node;
        this.entries = entries;
    }

    static YamlMap of(Nodes nodes, MappingNode node) throws PolicyException {
        Map<String, NodeTuple> entries = new LinkedHashMap<>();
        for (NodeTuple tuple : node.getValue()) {
            Node key = tuple.getKeyNode();
            if (!(key instanceof ScalarNode scalar) || !Tag.STR.equals(scalar.getTag())) {
                // Also catches the merge key '<<', which the composer leaves unresolved.
                throw nodes.error(key, "keys must be plain names, was " + Nodes.describe(key));
            }
            NodeTuple previous = entries.putIfAbsent(scalar.getValue(), tuple);
            if (previous != null) {
                // A later duplicate silently overriding an earlier value is exactly the typo we must not accept.
                throw nodes.error(key, "duplicate key '" + scalar.getValue() + "' (first at line "
                        + Nodes.line(previous.getKeyNode()) + ")");
            }
        }
        return new YamlMap(nodes, node, entries);
    }

    /** Refuses any key outside {@code allowed}: a misspelt key must never be ignored. */
    YamlMap allowOnly(Set<String> allowed, String where) throws PolicyException {
        for (Map.Entry<String, NodeTuple> entry : entries.entrySet()) {
            if (!allowed.contains(entry.getKey())) {
                throw nodes.error(entry.getValue().getKeyNode(), "unknown key '" + entry.getKey() + "' " + where
                        + " (expected one of " + String.join(", ", new TreeSet<>(allowed)) + ")");
            }
        }
        return this;
    }

    /** @return the value node, or {@code null} when the key is absent */
    Node get(String key) {
        NodeTuple tuple = entries.get(key);
        return tuple == null ? null : tuple.getValueNode();
    }

    Node require(String key, String where) throws PolicyException {
        Node value = get(key);
        if (value == null) {
            throw nodes.error(node, "missing required key '" + key + "' " + where);
        }
        return value;
    }

    /** @return the key's own node, for errors about the key rather than its value; {@code null} when absent */
    Node keyNode(String key) {
        NodeTuple tuple = entries.get(key);
        return tuple == null ? null : tuple.getKeyNode();
    }

    /** The keys, in file order. */
    Set<String> keys() {
        return entries.keySet();
    }

    int line() {
        return Nodes.line(node);
    }
}

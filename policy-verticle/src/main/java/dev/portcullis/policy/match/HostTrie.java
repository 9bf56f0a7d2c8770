package dev.portcullis.policy.match;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * Exact and wildcard host names in a trie of labels read right to left: {@code *.github.com} and
 * {@code github.com} both live at the node {@code com → github}, one as a wildcard, one as an exact name. A lookup
 * walks the name's labels once, so its cost depends on the name's length, not on the number of rules.
 */
final class HostTrie {

    private final Node root = new Node();

    /** @param name a normalised DNS name */
    void addExact(String name, int rule) {
        nodeFor(name).exact.add(rule);
    }

    /** @param suffix the normalised name after {@code "*."} */
    void addWildcard(String suffix, int rule) {
        nodeFor(suffix).wildcard.add(rule);
    }

    /**
     * @param host   a normalised DNS name
     * @param accept whether a candidate rule also matches on port and client
     * @param bound  only indices below it are of interest (a lower one already won elsewhere)
     * @return the lowest accepted rule index below {@code bound} whose exact name or wildcard covers {@code host},
     * or {@code bound}
     */
    int first(String host, IntPredicate accept, int bound) {
        int best = bound;
        Node node = root;
        int end = host.length();
        while (end > 0) {
            int dot = host.lastIndexOf('.', end - 1);
            node = node.children == null ? null : node.children.get(host.substring(dot + 1, end));
            if (node == null) {
                return best;
            }
            // A wildcard covers one or more labels below its node, so it counts only while labels remain;
            // an exact name counts only when the walk has consumed the whole host.
            best = dot >= 0 ? node.wildcard.first(accept, best) : node.exact.first(accept, best);
            end = dot;
        }
        return best;
    }

    /** Drops spare capacity in every node once all rules are in. */
    void trim() {
        Deque<Node> pending = new ArrayDeque<>();
        pending.push(root);
        while (!pending.isEmpty()) {
            Node node = pending.pop();
            node.exact.trim();
            node.wildcard.trim();
            if (node.children != null) {
                node.children.values().forEach(pending::push);
            }
        }
    }

    private Node nodeFor(String name) {
        Node node = root;
        int end = name.length();
        while (end > 0) {
            int dot = name.lastIndexOf('.', end - 1);
            node = node.child(name.substring(dot + 1, end));
            end = dot;
        }
        return node;
    }

    private static final class Node {
        private Map<String, Node> children;
        private final RuleIds exact = new RuleIds();
        private final RuleIds wildcard = new RuleIds();

        Node child(String label) {
            if (children == null) {
                children = new HashMap<>(4);
            }
            return children.computeIfAbsent(label, ignored -> new Node());
        }
    }
}

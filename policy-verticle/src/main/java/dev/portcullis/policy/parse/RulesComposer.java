package dev.portcullis.policy.parse;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.Parser;
import org.yaml.snakeyaml.resolver.Resolver;

import java.util.function.Consumer;

/**
 * SnakeYAML's composer, except that each mapping in the top-level {@code rules} list is handed to a callback as
 * soon as it is composed and only a placeholder stays in the tree. A 100,000-rule file thus never holds every
 * rule's nodes at once: each rule's nodes become garbage while young, instead of a tree of millions of nodes
 * that every young collection has to copy until the whole file is composed.
 *
 * <p>Everything else is the plain composer's: the same events, tags, anchors, aliases, limits and errors. Only
 * the first {@code rules} key of the root mapping is streamed, and only its mapping items; an item of any other
 * kind (a scalar, a list, an alias) stays in the list as composed, which {@link #streamedAll} reports.
 */
final class RulesComposer extends Composer {

    static final String RULES = "rules";

    private final Consumer<MappingNode> rules;
    /** Stands for each rule handed to {@link #rules}; compared by identity. */
    private final Node placeholder = new ScalarNode(Tag.STR, "", null, null,
            DumperOptions.ScalarStyle.PLAIN);
    /** Collections being composed: 1 while composing the root mapping's keys and values. */
    private int depth;
    private Node lastRootKey;
    private boolean rulesSeen;
    private boolean rulesValueNext;
    /** The depth at which the items of the streamed list are composed, or -1 outside it. */
    private int itemDepth = -1;
    private SequenceNode streamed;

    /** @param rules receives each rule mapping, in file order, before the next one is composed */
    RulesComposer(Parser parser, Resolver resolver, LoaderOptions options, Consumer<MappingNode> rules) {
        super(parser, resolver, options);
        this.rules = rules;
    }

    /**
     * @return whether {@code node} is the streamed {@code rules} list and every item of it went to the callback, so
     * that the callback saw the whole list in order
     */
    boolean streamedAll(Node node) {
        if (!streamed(node)) {
            return false;
        }
        for (Node item : streamed.getValue()) {
            if (item != placeholder) {
                return false;
            }
        }
        return true;
    }

    /** @return whether {@code node} is the streamed {@code rules} list, whatever its items */
    boolean streamed(Node node) {
        return node != null && node == streamed;
    }

    @Override
    protected Node composeKeyNode(MappingNode node) {
        Node key = super.composeKeyNode(node);
        if (depth == 1) {
            lastRootKey = key;
        }
        return key;
    }

    @Override
    protected Node composeValueNode(MappingNode node) {
        rulesValueNext = depth == 1 && !rulesSeen && isRulesKey(lastRootKey);
        rulesSeen |= rulesValueNext;
        try {
            return super.composeValueNode(node);
        } finally {
            rulesValueNext = false;
        }
    }

    @Override
    protected Node composeSequenceNode(String anchor) {
        boolean isRules = rulesValueNext;
        rulesValueNext = false;
        depth++;
        int outerItemDepth = itemDepth;
        itemDepth = isRules ? depth : -1;
        try {
            Node node = super.composeSequenceNode(anchor);
            if (isRules) {
                streamed = (SequenceNode) node;
            }
            return node;
        } finally {
            itemDepth = outerItemDepth;
            depth--;
        }
    }

    @Override
    protected Node composeMappingNode(String anchor) {
        rulesValueNext = false;
        boolean isRule = depth == itemDepth;
        depth++;
        int outerItemDepth = itemDepth;
        itemDepth = -1;
        Node node;
        try {
            node = super.composeMappingNode(anchor);
        } finally {
            itemDepth = outerItemDepth;
            depth--;
        }
        if (!isRule) {
            return node;
        }
        rules.accept((MappingNode) node);
        return placeholder;
    }

    private static boolean isRulesKey(Node key) {
        // The same test YamlMap applies to keys, so this list is the one the parser reads as 'rules'.
        return key instanceof ScalarNode scalar && Tag.STR.equals(scalar.getTag()) && RULES.equals(scalar.getValue());
    }
}

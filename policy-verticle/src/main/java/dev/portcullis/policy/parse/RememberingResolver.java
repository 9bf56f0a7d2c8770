package dev.portcullis.policy.parse;

import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

import java.util.HashMap;
import java.util.Map;

/**
 * SnakeYAML's resolver, remembering the tag it found for each short plain scalar. Each plain scalar costs up to a
 * few regular expressions (bool, null, int, float, timestamp, and the empty-value check on every short one), and a
 * policy repeats few short values many times: its keys, {@code allow}, {@code deny}, ports. The tag is a function
 * of the value alone, so the answers are the resolver's.
 */
final class RememberingResolver extends Resolver {

    /** Bounds the memory a file of many distinct short values takes; the first values of a file are its usual. */
    private static final int MAX_ENTRIES = 4096;
    private static final int MAX_LENGTH = 32;

    private final Map<String, Tag> tags = new HashMap<>();

    @Override
    public Tag resolve(NodeId kind, String value, boolean implicit) {
        if (kind != NodeId.scalar || !implicit || value.length() > MAX_LENGTH) {
            return super.resolve(kind, value, implicit);
        }
        Tag tag = tags.get(value);
        if (tag == null) {
            tag = super.resolve(kind, value, implicit);
            if (tags.size() < MAX_ENTRIES) {
                tags.put(value, tag);
            }
        }
        return tag;
    }
}

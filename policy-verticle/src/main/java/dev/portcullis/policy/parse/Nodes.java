package dev.portcullis.policy.parse;

import dev.portcullis.api.config.Durations;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Typed reads of composed YAML nodes for one file. Every failure is a {@link PolicyException} at the line of the
 * offending node, naming what was expected and what was found.
 */
final class Nodes {

    /** Each enum's constants as written in the file, in declaration order: read for every rule, built once. */
    private static final ClassValue<List<String>> WIRE_NAMES = new ClassValue<>() {
        @Override
        protected List<String> computeValue(Class<?> type) {
            List<String> names = new ArrayList<>();
            for (Object constant : type.getEnumConstants()) {
                names.add(((Enum<?>) constant).name().toLowerCase(Locale.ROOT).replace('_', '-'));
            }
            return List.copyOf(names);
        }
    };

    private final String file;

    Nodes(String file) {
        this.file = file;
    }

    String file() {
        return file;
    }

    /** The 1-based line a node starts on. */
    static int line(Node node) {
        return node.getStartMark().getLine() + 1;
    }

    PolicyException error(Node node, String reason) {
        return new PolicyException(file, line(node), reason);
    }

    /** Reads a mapping, refusing non-string and duplicate keys (SnakeYAML's composer lets both through). */
    YamlMap map(Node node, String what) throws PolicyException {
        if (!(node instanceof MappingNode mapping)) {
            throw error(node, what + " must be a mapping, was " + describe(node));
        }
        return YamlMap.of(this, mapping);
    }

    List<Node> list(Node node, String what) throws PolicyException {
        if (!(node instanceof SequenceNode sequence)) {
            throw error(node, what + " must be a list, was " + describe(node));
        }
        return sequence.getValue();
    }

    /** A list with at least one item: an empty list would otherwise read as "any", widening access. */
    List<Node> nonEmptyList(Node node, String what) throws PolicyException {
        List<Node> items = list(node, what);
        if (items.isEmpty()) {
            throw error(node, what + " must not be empty (leave the key out instead)");
        }
        return items;
    }

    /** A non-empty string; numbers, booleans and nulls are refused so that YAML's guessing cannot slip in. */
    String string(Node node, String what) throws PolicyException {
        if (!(node instanceof ScalarNode scalar) || !Tag.STR.equals(scalar.getTag())) {
            throw error(node, what + " must be a string, was " + describe(node));
        }
        if (scalar.getValue().isEmpty()) {
            throw error(node, what + " must not be empty");
        }
        return scalar.getValue();
    }

    List<String> strings(Node node, String what) throws PolicyException {
        List<String> out = new ArrayList<>();
        for (Node item : list(node, what)) {
            out.add(string(item, what + " entry"));
        }
        return out;
    }

    /** The text of any non-null scalar: for values such as ports and durations that may be written bare or quoted. */
    String scalarText(Node node, String what) throws PolicyException {
        if (!(node instanceof ScalarNode scalar) || Tag.NULL.equals(scalar.getTag())) {
            throw error(node, what + " must be a single value, was " + describe(node));
        }
        return scalar.getValue();
    }

    /**
     * {@code true} or {@code false}, spelled exactly so: YAML 1.1's {@code yes}, {@code off} and friends are
     * refused, so a switch reads the same to every reader of the file.
     */
    boolean bool(Node node, String what) throws PolicyException {
        String value = scalarText(node, what);
        if (value.equals("true") || value.equals("false")) {
            return Boolean.parseBoolean(value);
        }
        throw error(node, what + " must be true or false, was '" + value + "'");
    }

    /**
     * A duration: {@code 500ms}, {@code 5s}, {@code 1m}, or a bare number of milliseconds, as in every other
     * duration of the configuration.
     */
    Duration duration(Node node, String what) throws PolicyException {
        String text = scalarText(node, what);
        try {
            boolean millis = isInteger(node) && text.length() < 18 && text.chars().allMatch(Character::isDigit);
            return millis ? Durations.parse(what, Long.parseLong(text)) : Durations.parse(what, text);
        } catch (IllegalArgumentException e) {
            throw error(node, e.getMessage());
        }
    }

    /** A whole number in {@code [min, max]}, written bare. */
    int integer(Node node, String what, int min, int max) throws PolicyException {
        String text = scalarText(node, what);
        if (!isInteger(node) || text.length() > 9 || !text.chars().allMatch(Character::isDigit)
                || Integer.parseInt(text) < min || Integer.parseInt(text) > max) {
            throw error(node, what + " must be a number " + min + "-" + max + ", was '" + text + "'");
        }
        return Integer.parseInt(text);
    }

    boolean isInteger(Node node) {
        return node instanceof ScalarNode scalar && Tag.INT.equals(scalar.getTag());
    }

    /**
     * One of an enum's constants written as its lower-case wire name ({@code allow}, {@code non-tls}).
     * YAML 1.1 booleans such as {@code no} and {@code off} arrive here as text and are refused by name.
     */
    <E extends Enum<E>> E choice(Node node, String what, Class<E> type) throws PolicyException {
        String value = scalarText(node, what);
        List<String> names = WIRE_NAMES.get(type);
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equals(value)) {
                return type.getEnumConstants()[i];
            }
        }
        throw error(node, what + " must be one of " + String.join(", ", names) + ", was '" + value + "'");
    }

    /** How a node looks, for "must be X, was Y" messages. */
    static String describe(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        if (node instanceof ScalarNode scalar) {
            if (Tag.NULL.equals(scalar.getTag())) {
                return "empty";
            }
            return "'" + scalar.getValue() + "'";
        }
        return "an unreadable node";
    }
}

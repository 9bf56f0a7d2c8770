package dev.portcullis.policy.parse;

import dev.portcullis.api.policy.Verdict;
import dev.portcullis.policy.model.HttpRule;
import dev.portcullis.policy.model.PathGlob;
import dev.portcullis.policy.net.Cidr;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a rule's or a service's {@code http} list: {@code { methods: [GET], paths: ["/v1/**"], sources: [...],
 * headers: { x-team: [ops] }, action: allow }} entries.
 */
final class HttpRuleParser {

    private static final Set<String> KEYS = Set.of("methods", "paths", "sources", "headers", "action");
    /**
     * RFC 9110 §9.1: methods are case-sensitive tokens. Upper case is required because every standard method is
     * upper case, and {@code methods: [delete]} in a deny entry would otherwise never deny anything.
     */
    private static final Pattern METHOD = Pattern.compile("[A-Z0-9!#$%&'*+.^_`|~-]+");
    /** RFC 9110 §5.1: a field name is a token, compared case-insensitively. */
    private static final Pattern FIELD_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");

    private HttpRuleParser() {
    }

    static List<HttpRule> parse(Nodes nodes, Node listNode, String ruleWhere) throws PolicyException {
        List<HttpRule> out = new ArrayList<>();
        List<Node> items = nodes.nonEmptyList(listNode, "http");
        for (int i = 0; i < items.size(); i++) {
            out.add(parseEntry(nodes, items.get(i), "in http entry " + (i + 1) + " " + ruleWhere));
        }
        return out;
    }

    private static HttpRule parseEntry(Nodes nodes, Node node, String where) throws PolicyException {
        YamlMap map = nodes.map(node, "an http entry").allowOnly(KEYS, where);
        List<String> methods = new ArrayList<>();
        Node methodsNode = map.get("methods");
        if (methodsNode != null) {
            for (Node item : nodes.nonEmptyList(methodsNode, "methods")) {
                String method = nodes.string(item, "method");
                if (!METHOD.matcher(method).matches()) {
                    throw nodes.error(item, "method must be an upper-case HTTP token such as GET, was '" + method
                            + "'");
                }
                methods.add(method);
            }
        }
        List<PathGlob> paths = new ArrayList<>();
        Node pathsNode = map.get("paths");
        if (pathsNode != null) {
            for (Node item : nodes.nonEmptyList(pathsNode, "paths")) {
                try {
                    paths.add(PathGlob.parse(nodes.string(item, "path")));
                } catch (IllegalArgumentException e) {
                    throw nodes.error(item, e.getMessage());
                }
            }
        }
        List<Cidr> sources = map.get("sources") == null ? List.of()
                : RuleParser.cidrs(nodes, map.get("sources"), "sources", false);
        Map<String, List<String>> headers = map.get("headers") == null ? Map.of()
                : headers(nodes, map.get("headers"));
        Verdict verdict = nodes.choice(map.require("action", where), "action", Verdict.class);
        return new HttpRule(map.line(), methods, paths, sources, headers, verdict);
    }

    /** {@code { name: value }} or {@code { name: [values] }}; names are stored lower-case, each at most once. */
    private static Map<String, List<String>> headers(Nodes nodes, Node node) throws PolicyException {
        if (node instanceof MappingNode mapping && mapping.getValue().isEmpty()) {
            throw nodes.error(node, "headers must not be empty (leave the key out instead)");
        }
        YamlMap map = nodes.map(node, "headers");
        Map<String, List<String>> out = new LinkedHashMap<>();
        Map<String, String> spelling = new HashMap<>();
        for (String name : map.keys()) {
            Node keyNode = map.keyNode(name);
            if (!FIELD_NAME.matcher(name).matches()) {
                throw nodes.error(keyNode, "header name must be an HTTP token such as x-team, was '" + name + "'");
            }
            String lower = name.toLowerCase(Locale.ROOT);
            String previous = spelling.putIfAbsent(lower, name);
            if (previous != null) {
                // Names are case-insensitive: X-Team and x-team are one header, and two lists for it are a typo.
                throw nodes.error(keyNode, "header '" + name + "' is named twice (also as '" + previous + "')");
            }
            Node value = map.get(name);
            String what = "header '" + name + "' value";
            List<String> values = new ArrayList<>();
            if (value instanceof SequenceNode) {
                for (Node item : nodes.nonEmptyList(value, "header '" + name + "'")) {
                    values.add(nodes.string(item, what));
                }
            } else {
                values.add(nodes.string(value, what));
            }
            out.put(lower, values);
        }
        return out;
    }
}

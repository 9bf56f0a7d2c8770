package dev.portcullis.policy.parse;

import dev.portcullis.api.policy.Verdict;
import dev.portcullis.policy.model.HttpRule;
import dev.portcullis.policy.model.PathGlob;
import org.yaml.snakeyaml.nodes.Node;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads a rule's {@code http} list: {@code { methods: [GET], paths: ["/v1/**"], action: allow }} entries. */
final class HttpRuleParser {

    private static final Set<String> KEYS = Set.of("methods", "paths", "action");
    /**
     * RFC 9110 §9.1: methods are case-sensitive tokens. Upper case is required because every standard method is
     * upper case, and {@code methods: [delete]} in a deny entry would otherwise never deny anything.
     */
    private static final Pattern METHOD = Pattern.compile("[A-Z0-9!#$%&'*+.^_`|~-]+");

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
        Verdict verdict = nodes.choice(map.require("action", where), "action", Verdict.class);
        return new HttpRule(map.line(), methods, paths, verdict);
    }
}

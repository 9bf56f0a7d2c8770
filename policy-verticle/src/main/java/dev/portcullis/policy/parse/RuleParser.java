package dev.portcullis.policy.parse;

import dev.portcullis.api.policy.Service;
import dev.portcullis.policy.model.Action;
import dev.portcullis.policy.model.HostPattern;
import dev.portcullis.policy.model.HttpRule;
import dev.portcullis.policy.model.PortRange;
import dev.portcullis.policy.model.Rule;
import dev.portcullis.policy.net.Cidr;
import org.yaml.snakeyaml.nodes.Node;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the {@code rules} list, in file order, with unique names: either a whole list ({@link #parseAll}) or one
 * item at a time as the composer hands them over ({@link #add}, then {@link #rules}), with the same result.
 */
final class RuleParser {

    private static final Set<String> KEYS = Set.of("name", "hosts", "ports", "sources", ActionParser.ACTION,
            ActionParser.INSPECTION, ActionParser.NON_TLS, "destinations", "http", "sni-check");
    /** Opts a rule out of the check that a spliced CONNECT tunnel's SNI names the CONNECT host. */
    static final String SNI_CHECK = "sni-check";

    private final Nodes nodes;
    private final List<Rule> rules = new ArrayList<>();
    private final Map<String, Integer> firstLine = new HashMap<>();
    private PolicyException refused;

    RuleParser(Nodes nodes) {
        this.nodes = nodes;
    }

    /** Reads a whole {@code rules} list on a parser that has read nothing yet. */
    List<Rule> parseAll(Node rulesNode) throws PolicyException {
        for (Node item : nodes.list(rulesNode, "rules")) {
            add(item);
        }
        return rules();
    }

    /** Reads the next item of the list, unless an earlier one was refused: only the first problem is reported. */
    void add(Node item) {
        if (refused == null) {
            try {
                rules.add(parse(item, rules.size() + 1));
            } catch (PolicyException e) {
                refused = e;
            }
        }
    }

    /**
     * @return the rules read, in file order
     * @throws PolicyException the first item's refusal, if one was refused
     */
    List<Rule> rules() throws PolicyException {
        if (refused != null) {
            throw refused;
        }
        return rules;
    }

    private Rule parse(Node node, int position) throws PolicyException {
        YamlMap map = nodes.map(node, "rule " + position);
        Node nameNode = map.require("name", "in rule " + position);
        String name = nodes.string(nameNode, "rule name");
        Integer previous = firstLine.putIfAbsent(name, Nodes.line(nameNode));
        if (previous != null) {
            throw nodes.error(nameNode, "duplicate rule name '" + name + "' (first at line " + previous + ")");
        }
        if (name.equals(Rule.DEFAULT_NAME)) {
            throw nodes.error(nameNode, "rule name 'default' is reserved for the default action");
        }
        if (name.startsWith(Service.RULE_PREFIX)) {
            throw nodes.error(nameNode, "rule name '" + name + "' is reserved for services (names starting with '"
                    + Service.RULE_PREFIX + "' are how services' requests are decided)");
        }
        String where = "in rule '" + name + "'";
        map.allowOnly(KEYS, where);

        List<HostPattern> hosts = hosts(map.require("hosts", where));
        List<PortRange> ports = map.get("ports") == null ? List.of() : ports(map.get("ports"));
        List<Cidr> sources = map.get("sources") == null ? List.of() : cidrs(map.get("sources"), "sources");
        Action action = ActionParser.parse(nodes, map, where);
        List<Cidr> destinations = List.of();
        List<HttpRule> http = List.of();
        boolean sniCheck = true;
        if (!action.allows()) {
            ActionParser.refuseOnDeny(nodes, map, "destinations", where);
            ActionParser.refuseOnDeny(nodes, map, "http", where);
            ActionParser.refuseOnDeny(nodes, map, SNI_CHECK, where);
        } else {
            if (map.get(SNI_CHECK) != null) {
                sniCheck = nodes.bool(map.get(SNI_CHECK), SNI_CHECK);
            }
            if (map.get("destinations") != null) {
                destinations = cidrs(map.get("destinations"), "destinations");
            }
            if (map.get("http") != null) {
                http = HttpRuleParser.parse(nodes, map.get("http"), where);
            }
        }
        return new Rule(name, map.line(), hosts, ports, sources, action, destinations, http, sniCheck);
    }

    private List<HostPattern> hosts(Node node) throws PolicyException {
        List<HostPattern> out = new ArrayList<>();
        for (Node item : nodes.nonEmptyList(node, "hosts")) {
            String text = nodes.string(item, "host pattern");
            try {
                out.add(HostPattern.parse(text));
            } catch (IllegalArgumentException e) {
                throw nodes.error(item, e.getMessage());
            }
        }
        return out;
    }

    private List<PortRange> ports(Node node) throws PolicyException {
        List<PortRange> out = new ArrayList<>();
        for (Node item : nodes.nonEmptyList(node, "ports")) {
            String text = nodes.scalarText(item, "port");
            try {
                out.add(PortRange.parse(text));
            } catch (IllegalArgumentException e) {
                throw nodes.error(item, e.getMessage());
            }
        }
        return out;
    }

    /** A non-empty list of CIDRs or bare addresses; also used for the guard. */
    static List<Cidr> cidrs(Nodes nodes, Node node, String what, boolean mayBeEmpty) throws PolicyException {
        List<Node> items = mayBeEmpty ? nodes.list(node, what) : nodes.nonEmptyList(node, what);
        List<Cidr> out = new ArrayList<>(items.size());
        for (Node item : items) {
            String text = nodes.string(item, what + " entry");
            try {
                out.add(Cidr.parse(text));
            } catch (IllegalArgumentException e) {
                throw nodes.error(item, e.getMessage());
            }
        }
        return out;
    }

    private List<Cidr> cidrs(Node node, String what) throws PolicyException {
        return cidrs(nodes, node, what, false);
    }
}

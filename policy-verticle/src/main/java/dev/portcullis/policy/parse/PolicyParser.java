package dev.portcullis.policy.parse;

import dev.portcullis.api.policy.Verdict;
import dev.portcullis.policy.model.Action;
import dev.portcullis.policy.model.EchAction;
import dev.portcullis.policy.model.Policy;
import dev.portcullis.policy.model.PolicyService;
import dev.portcullis.policy.model.Rule;
import dev.portcullis.policy.net.Cidr;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.parser.Parser;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Reads a policy file into a validated {@link Policy}. Works on SnakeYAML's composed node tree rather than on
 * plain maps so that every error can name its line; unknown keys anywhere are errors, because a misspelt key
 * that is silently ignored can widen access.
 */
public final class PolicyParser {

    private static final Set<String> TOP_KEYS = Set.of("version", "default", "decision-cache-ttl", "no-sni", "ech",
            "guard", "rules", "services");
    private static final Set<String> DEFAULT_KEYS = Set.of(ActionParser.ACTION, ActionParser.INSPECTION,
            ActionParser.NON_TLS);
    private static final Set<String> GUARD_KEYS = Set.of("deny-cidrs");
    /** SnakeYAML's default of 3 MiB of text is too small for a 100k-rule file. */
    private static final int MAX_CODE_POINTS = 256 * 1024 * 1024;
    private static final String TOP = "at top level";

    private PolicyParser() {
    }

    /**
     * Parses and validates a policy.
     *
     * @param file    the file name used in error messages and nothing else
     * @param content the file's bytes, UTF-8; they also give the policy its {@link PolicyVersion}
     * @return the policy, never {@code null}
     * @throws PolicyException at the first problem, as {@code file:line: reason}
     */
    public static Policy parse(String file, byte[] content) throws PolicyException {
        String text = decode(file, content);
        Nodes nodes = new Nodes(file);
        // Rules are read while the file is composed (RulesComposer); their first refusal waits in streamedRules
        // until the checks above the rules have passed, so problems are reported in the same order as ever.
        RuleParser streamedRules = new RuleParser(nodes);
        RulesComposer composer = new RulesComposer(parser(text), new RememberingResolver(), loaderOptions(),
                streamedRules::add);
        Node root = compose(file, composer);
        YamlMap top = nodes.map(root, "the policy").allowOnly(TOP_KEYS, TOP);

        Node versionNode = top.require("version", TOP);
        if (!nodes.isInteger(versionNode) || !String.valueOf(Policy.SCHEMA_VERSION).equals(
                nodes.scalarText(versionNode, "version"))) {
            throw nodes.error(versionNode, "version must be " + Policy.SCHEMA_VERSION + ", was "
                    + Nodes.describe(versionNode));
        }
        Action defaultAction = ActionParser.parse(nodes,
                nodes.map(top.require("default", TOP), "default").allowOnly(DEFAULT_KEYS, "in default"),
                "in default");
        Duration ttl = duration(nodes, top.get("decision-cache-ttl"));
        Verdict noSni = top.get("no-sni") == null ? Policy.DEFAULT_NO_SNI
                : nodes.choice(top.get("no-sni"), "no-sni", Verdict.class);
        EchAction ech = top.get("ech") == null ? Policy.DEFAULT_ECH
                : nodes.choice(top.get("ech"), "ech", EchAction.class);
        List<Cidr> guard = guard(nodes, top.get("guard"));
        // A policy that only fronts services (README, "Reverse proxy") needs no forward rules; one that has neither
        // is a typo, refused for the missing rules as before.
        Node rulesNode = top.get("services") != null && top.get(RulesComposer.RULES) == null ? null
                : top.require(RulesComposer.RULES, TOP);
        List<Rule> rules;
        if (rulesNode == null) {
            rules = List.of();
        } else if (composer.streamedAll(rulesNode)) {
            rules = streamedRules.rules();
        } else if (composer.streamed(rulesNode)) {
            // An item that is not a mapping (a scalar, a list, an alias) sits between streamed rules: read the
            // list again, whole, so that every item is taken in file order.
            rules = new RuleParser(nodes).parseAll(composedRules(file, text, nodes));
        } else {
            rules = new RuleParser(nodes).parseAll(rulesNode);
        }
        List<PolicyService> services = top.get("services") == null ? List.of()
                : new ServiceParser(nodes).parseAll(top.get("services"));
        return new Policy(PolicyVersion.of(content), defaultAction, ttl, noSni, ech, guard, rules, services);
    }

    private static Duration duration(Nodes nodes, Node node) throws PolicyException {
        return node == null ? Policy.DEFAULT_DECISION_CACHE_TTL : nodes.duration(node, "decision-cache-ttl");
    }

    private static List<Cidr> guard(Nodes nodes, Node node) throws PolicyException {
        if (node == null) {
            return Policy.DEFAULT_GUARD_DENY;
        }
        YamlMap guard = nodes.map(node, "guard").allowOnly(GUARD_KEYS, "in guard");
        // An empty list is allowed here: it is the explicit way to switch the guard off.
        return RuleParser.cidrs(nodes, guard.require("deny-cidrs", "in guard"), "deny-cidrs", true);
    }

    private static String decode(String file, byte[] content) throws PolicyException {
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(content))
                    .toString();
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            throw new PolicyException(file, 0, "not valid UTF-8");
        }
    }

    /** The {@code rules} list of a file already known to compose and to pass the checks above the rules. */
    private static Node composedRules(String file, String text, Nodes nodes) throws PolicyException {
        Composer composer = new Composer(parser(text), new Resolver(), loaderOptions());
        return nodes.map(compose(file, composer), "the policy").require(RulesComposer.RULES, TOP);
    }

    private static LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_CODE_POINTS);
        return options;
    }

    /** The parser {@code Yaml.compose} would use. */
    private static Parser parser(String text) {
        return new ParserImpl(new StreamReader(new StringReader(text)), loaderOptions());
    }

    private static Node compose(String file, Composer composer) throws PolicyException {
        Node root;
        try {
            root = composer.getSingleNode();
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String reason = e.getContext() == null ? e.getProblem() : e.getContext() + ": " + e.getProblem();
            throw new PolicyException(file, mark == null ? 0 : mark.getLine() + 1, "invalid YAML: " + reason);
        } catch (YAMLException e) {
            throw new PolicyException(file, 0, "invalid YAML: " + e.getMessage());
        }
        if (root == null) {
            throw new PolicyException(file, 1,
                    "empty policy file (expected a mapping with version, default and rules)");
        }
        return root;
    }
}

package dev.portcullis.policy.match;

import dev.portcullis.api.host.HostName;
import dev.portcullis.api.policy.DecideRequest;
import dev.portcullis.api.policy.Decision;
import dev.portcullis.api.policy.DecisionReason;
import dev.portcullis.api.policy.HttpDecideRequest;
import dev.portcullis.api.policy.HttpDecision;
import dev.portcullis.api.policy.Inspection;
import dev.portcullis.api.policy.NonTlsAction;
import dev.portcullis.api.policy.Service;
import dev.portcullis.api.policy.Services;
import dev.portcullis.api.policy.Verdict;
import dev.portcullis.policy.model.HttpRule;
import dev.portcullis.policy.model.Action;
import dev.portcullis.policy.model.EchAction;
import dev.portcullis.policy.model.HostPattern;
import dev.portcullis.policy.model.Policy;
import dev.portcullis.policy.model.PolicyService;
import dev.portcullis.policy.model.Rule;
import dev.portcullis.policy.net.Cidr;
import dev.portcullis.policy.net.IpLiteral;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.IntPredicate;
import java.util.regex.Pattern;

/**
 * A policy compiled for lookups: a pure, immutable, thread-safe decider with no Vert.x in sight.
 *
 * <p>Each host pattern goes where it can be found without scanning every rule: exact names and wildcards in a
 * {@link HostTrie}, regexes in a list, CIDRs in a list consulted only for IP-literal destinations, {@code "*"} in
 * a list of its own. A lookup asks each place for its lowest-indexed candidate that also matches port and client,
 * and the lowest of those wins: first match in file order, exactly as if the rules were tried one by one.
 */
public final class CompiledPolicy {

    private final Policy policy;
    private final Rule[] rules;
    private final RuleFilter[] filters;
    /** Each rule's decision, built once: a decision is immutable, and building one copied the guard list. */
    private final Decision[] decisions;
    private final List<String> guardDeny;
    private final long cacheTtlMs;
    private final HostTrie names = new HostTrie();
    private final RuleIds anyHost = new RuleIds();
    private final List<RegexEntry> regexes = new ArrayList<>();
    private final List<AddressEntry> addresses = new ArrayList<>();
    private final Decision defaultDecision;
    private final Decision ipLiteralDecision;
    private final Decision noSniDenied;
    private final Decision echDenied;
    private final Map<String, Rule> rulesByName;
    /** Each service's entries by its rule name {@code service:<name>}, which no rule may take. */
    private final Map<String, PolicyService> servicesByRule;
    private final Services services;

    private record RegexEntry(int rule, Pattern pattern) {
    }

    private record AddressEntry(int rule, Cidr cidr) {
    }

    private CompiledPolicy(Policy policy) {
        this.policy = policy;
        this.rules = policy.rules().toArray(Rule[]::new);
        this.filters = new RuleFilter[rules.length];
        this.decisions = new Decision[rules.length];
        this.rulesByName = new HashMap<>(rules.length * 4 / 3 + 1);
        // List.copyOf gives the one list form that Decision keeps as it is: every rule's decision shares this one.
        this.guardDeny = List.copyOf(policy.guardDeny().stream().map(Cidr::toString).toList());
        this.cacheTtlMs = policy.decisionCacheTtl().toMillis();
        for (int i = 0; i < rules.length; i++) {
            Rule rule = rules[i];
            filters[i] = RuleFilter.of(rule);
            rulesByName.put(rule.name(), rule);
            decisions[i] = ruleDecision(rule);
            for (HostPattern pattern : rule.hosts()) {
                index(pattern, i);
            }
        }
        names.trim();
        anyHost.trim();
        this.servicesByRule = new HashMap<>();
        List<Service> answered = new ArrayList<>(policy.services().size());
        for (PolicyService service : policy.services()) {
            servicesByRule.put(service.ruleName(), service);
            answered.add(new Service(service.name(), service.hostNames(), service.mode(), service.tls(),
                    service.backends(), service.backendTls(), service.balance(), service.health(),
                    service.forwarded(), serviceDecision(service)));
        }
        this.services = new Services(policy.version(), answered);
        this.defaultDecision = defaultDecision(DecisionReason.DEFAULT);
        this.ipLiteralDecision = defaultDecision(DecisionReason.IP_LITERAL);
        this.noSniDenied = settingDenies("no-sni", DecisionReason.NO_SNI);
        this.echDenied = settingDenies("ech", DecisionReason.ECH);
    }

    /**
     * Compiles a validated policy. Linear in the number of host patterns; 100,000 rules take well under a second.
     *
     * @return the compiled policy, never {@code null}
     */
    public static CompiledPolicy compile(Policy policy) {
        return new CompiledPolicy(policy);
    }

    /**
     * Decides one connection: the first rule in file order whose hosts, ports and sources all match, else the
     * default action (reason {@code IP_LITERAL} instead of {@code DEFAULT} when the destination is an IP literal).
     * Before any rule: a ClientHello with ECH meets the policy's {@code ech} setting, and transparent TLS without
     * SNI ({@link DecideRequest#lacksSni()}) its {@code no-sni} setting; when that setting is {@code deny} the
     * answer is a denial with rule {@code "ech"} / {@code "no-sni"} and reason {@code ECH} / {@code NO_SNI};
     * otherwise ({@code ech: outer-sni}, {@code no-sni: allow}) the rules decide as usual, on the outer SNI or on
     * the address the client aimed at. An ECH request whose outer SNI is not {@code host} (a tunnel to one name
     * whose hello names another) is denied with rule {@code "ech"} when the deciding rule checks SNI.
     *
     * @param request the connection; {@code host} must already be normalised with {@link HostName#parse}
     * @return the decision, never {@code null}
     * @throws IllegalArgumentException when {@code client} is not an IP address
     */
    public Decision decide(DecideRequest request) {
        byte[] client = IpLiteral.parse(request.client());
        if (client == null) {
            throw new IllegalArgumentException("client must be an IP address, was "
                    + HostName.printable(request.client()));
        }
        if (request.ech() && policy.ech() == EchAction.DENY) {
            return echDenied;
        }
        if (request.lacksSni() && policy.noSni() == Verdict.DENY) {
            return noSniDenied;
        }
        String host = request.host();
        byte[] ip = IpLiteral.parse(host);
        int port = request.port();
        IntPredicate accept = rule -> filters[rule].accepts(port, client);

        int best = anyHost.first(accept, rules.length);
        if (ip != null) {
            best = firstAddress(ip, accept, best);
        } else {
            best = names.first(host, accept, best);
            best = firstRegex(host, accept, best);
        }
        Decision decision = best < rules.length ? decisions[best] : ip != null ? ipLiteralDecision : defaultDecision;
        if (request.ech() && decision.allowed() && decision.sniCheck() && request.sni() != null
                && !request.sni().equals(host)) {
            // Names must agree (README): an outer SNI naming another host than the CONNECT target is a mismatch, and
            // an ECH extension must not let it pass as one. The proxy checks this itself before asking; this keeps
            // the answer closed for any caller that does not.
            return echDenied;
        }
        return decision;
    }

    /**
     * Decides one HTTP request by the {@code http} entries of the rule that allowed its connection, or of the
     * service whose rule ({@code service:<name>}) it names: the first entry matching method, path, client and
     * headers decides; a rule or service without entries allows every request; one with entries of which none
     * matches denies (an allow-list stays closed).
     *
     * @return the decision, never {@code null}; deny when the rule or service is not in this policy version
     */
    public HttpDecision decideHttp(HttpDecideRequest request) {
        List<HttpRule> entries;
        String what;
        Rule rule = rulesByName.get(request.rule());
        PolicyService service = rule == null ? servicesByRule.get(request.rule()) : null;
        if (rule != null) {
            entries = rule.http();
            what = "rule";
        } else if (service != null) {
            entries = service.http();
            what = "service";
        } else {
            return new HttpDecision(Verdict.DENY, request.rule(), "rule '" + request.rule()
                    + "' is not in policy " + version(), version());
        }
        if (entries.isEmpty()) {
            return new HttpDecision(Verdict.ALLOW, request.rule(), what + " has no http entries", version());
        }
        byte[] client = request.client() == null ? null : IpLiteral.parse(request.client());
        Map<String, List<String>> headers = lowerCase(request.headers());
        for (HttpRule entry : entries) {
            if (entry.matches(request.method(), request.path(), client, headers)) {
                return new HttpDecision(entry.verdict(), request.rule(), "http entry at line " + entry.line(),
                        version());
            }
        }
        String name = rule != null ? rule.name() : service.name();
        return new HttpDecision(Verdict.DENY, request.rule(), "no http entry of " + what + " '" + name
                + "' matched", version());
    }

    /**
     * The policy's {@code services:} as the reverse listeners take them, built at compile.
     *
     * @return never {@code null}; its list is empty when the policy has none
     */
    public Services services() {
        return services;
    }

    /** The policy this was compiled from. */
    public Policy policy() {
        return policy;
    }

    /** The policy's content-derived version. */
    public String version() {
        return policy.version();
    }

    public int ruleCount() {
        return rules.length;
    }

    public int serviceCount() {
        return services.services().size();
    }

    /** Names are lower case in the contract; a sender that did not comply is read as if it had. */
    private static Map<String, List<String>> lowerCase(Map<String, List<String>> headers) {
        if (headers.isEmpty()) {
            return headers;
        }
        Map<String, List<String>> out = new HashMap<>(headers.size() * 2);
        headers.forEach((name, values) -> out.merge(name.toLowerCase(Locale.ROOT), values, (a, b) -> {
            List<String> both = new ArrayList<>(a);
            both.addAll(b);
            return both;
        }));
        return out;
    }

    private void index(HostPattern pattern, int rule) {
        // Java 17 has no pattern-matching switch; the interface is sealed, so this chain is complete.
        if (pattern instanceof HostPattern.Exact exact) {
            names.addExact(exact.name(), rule);
        } else if (pattern instanceof HostPattern.Wildcard wildcard) {
            names.addWildcard(wildcard.suffix(), rule);
        } else if (pattern instanceof HostPattern.Regex regex) {
            regexes.add(new RegexEntry(rule, regex.pattern()));
        } else if (pattern instanceof HostPattern.Address address) {
            addresses.add(new AddressEntry(rule, address.cidr()));
        } else {
            anyHost.add(rule);
        }
    }

    private int firstRegex(String host, IntPredicate accept, int bound) {
        for (RegexEntry entry : regexes) {
            if (entry.rule >= bound) {
                return bound;
            }
            // Port and client first: far cheaper than running the expression.
            if (accept.test(entry.rule) && entry.pattern.matcher(host).matches()) {
                return entry.rule;
            }
        }
        return bound;
    }

    private int firstAddress(byte[] ip, IntPredicate accept, int bound) {
        for (AddressEntry entry : addresses) {
            if (entry.rule >= bound) {
                return bound;
            }
            if (entry.cidr.contains(ip) && accept.test(entry.rule)) {
                return entry.rule;
            }
        }
        return bound;
    }

    private Decision ruleDecision(Rule rule) {
        Action action = rule.action();
        List<String> guardAllow = rule.destinations().isEmpty()
                ? List.of()
                : rule.destinations().stream().map(Cidr::toString).toList();
        return new Decision(action.verdict(), action.inspection(), action.nonTls(), rule.name(), policy.version(),
                DecisionReason.RULE, cacheTtlMs, guardDeny, guardAllow, rule.sniCheck(), httpHeaders(rule.http()));
    }

    /**
     * What a service's requests are admitted under. The reverse listeners hold it for the version and drop it on
     * {@code portcullis.policy.changed}; its ttl is the policy's {@code decision-cache-ttl}, how long a proxy may
     * reuse the answer to one of its requests' http questions.
     */
    private Decision serviceDecision(PolicyService service) {
        Inspection inspection = service.mode() == Service.Mode.TERMINATE ? Inspection.DECRYPT : Inspection.SPLICE;
        List<String> guardAllow = service.destinations().stream().map(Cidr::toString).toList();
        return new Decision(Verdict.ALLOW, inspection, NonTlsAction.DENY, service.ruleName(), policy.version(),
                DecisionReason.RULE, cacheTtlMs, guardDeny, guardAllow, true, httpHeaders(service.http()));
    }

    /** The sorted, distinct header names the entries match on: the only headers a proxy sends to decide. */
    private static List<String> httpHeaders(List<HttpRule> entries) {
        if (entries.isEmpty()) {
            return List.of();
        }
        TreeSet<String> names = new TreeSet<>();
        for (HttpRule entry : entries) {
            names.addAll(entry.headers().keySet());
        }
        return names.isEmpty() ? List.of() : List.copyOf(names);
    }

    /** A denial by one of the policy-wide settings {@code no-sni} and {@code ech}, named after the setting. */
    private Decision settingDenies(String setting, DecisionReason reason) {
        Action deny = Action.DENY;
        return new Decision(deny.verdict(), deny.inspection(), deny.nonTls(), setting, policy.version(), reason,
                cacheTtlMs, guardDeny, List.of());
    }

    private Decision defaultDecision(DecisionReason reason) {
        Action action = policy.defaultAction();
        return new Decision(action.verdict(), action.inspection(), action.nonTls(), Rule.DEFAULT_NAME,
                policy.version(), reason, cacheTtlMs, guardDeny, List.of());
    }
}

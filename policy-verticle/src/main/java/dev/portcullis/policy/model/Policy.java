package dev.portcullis.policy.model;

import dev.portcullis.api.policy.Service;
import dev.portcullis.api.policy.Verdict;
import dev.portcullis.policy.net.Cidr;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A validated policy file.
 *
 * @param version          content-derived version, the same on every node reading the same bytes
 * @param defaultAction    what happens when no rule matches
 * @param decisionCacheTtl how long proxies may reuse a decision
 * @param noSni            what to do with transparent traffic that carries no SNI
 * @param ech              what to do with a ClientHello carrying {@code encrypted_client_hello}
 * @param guardDeny        destination ranges refused after resolution unless a rule exempts them
 * @param rules            in file order; the first that matches decides
 * @param services         the reverse listeners' services, in file order; empty when the file has none
 */
public record Policy(String version, Action defaultAction, Duration decisionCacheTtl, Verdict noSni, EchAction ech,
                     List<Cidr> guardDeny, List<Rule> rules, List<PolicyService> services) {

    /** The only schema version this code reads. */
    public static final int SCHEMA_VERSION = 1;
    /** How long proxies may reuse a decision when the file does not say: 5 seconds. */
    public static final Duration DEFAULT_DECISION_CACHE_TTL = Duration.ofSeconds(5);
    /** What happens to transparent traffic without SNI when the file does not say: deny. */
    public static final Verdict DEFAULT_NO_SNI = Verdict.DENY;
    /**
     * What happens to a ClientHello with {@code encrypted_client_hello} when the file does not say: the rules decide
     * on its outer SNI. Not {@code deny}: every Chromium hello carries a GREASE ECH extension, indistinguishable from
     * real ECH, so a denying default would refuse every Chromium-based browser.
     */
    public static final EchAction DEFAULT_ECH = EchAction.OUTER_SNI;
    /**
     * The guard when the file has no {@code guard} section: "this network", loopback, RFC 1918, CGNAT
     * (RFC 6598), link-local (which holds cloud metadata at 169.254.169.254), multicast, reserved, and their
     * IPv6 counterparts: unspecified, loopback, unique-local, link-local, multicast, and the NAT64 local-use
     * prefix 64:ff9b:1::/48 (RFC 8215: not globally reachable).
     */
    public static final List<Cidr> DEFAULT_GUARD_DENY = Stream.of(
                    "0.0.0.0/8", "127.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "172.16.0.0/12", "192.168.0.0/16",
                    "169.254.0.0/16", "224.0.0.0/4", "240.0.0.0/4",
                    "::/128", "::1/128", "64:ff9b:1::/48", "fc00::/7", "fe80::/10", "ff00::/8")
            .map(Cidr::parse)
            .toList();

    public Policy {
        if (version == null || version.isEmpty()) {
            throw new IllegalArgumentException("version is required");
        }
        if (defaultAction == null || noSni == null || ech == null) {
            throw new IllegalArgumentException("defaultAction, noSni and ech are required");
        }
        if (decisionCacheTtl == null || decisionCacheTtl.isNegative()) {
            throw new IllegalArgumentException("decisionCacheTtl must not be negative, was " + decisionCacheTtl);
        }
        guardDeny = List.copyOf(guardDeny);
        rules = List.copyOf(rules);
        services = services == null ? List.of() : List.copyOf(services);
        // Sized for all names at once: growing a set to 100,000 names rehashes it a dozen times.
        Set<String> names = new HashSet<>(rules.size() * 4 / 3 + 1);
        for (Rule rule : rules) {
            if (!names.add(rule.name())) {
                throw new IllegalArgumentException("duplicate rule name '" + rule.name() + "'");
            }
            if (rule.name().startsWith(Service.RULE_PREFIX)) {
                throw new IllegalArgumentException("rule name '" + rule.name() + "' is reserved for services");
            }
        }
        Set<String> serviceNames = new HashSet<>();
        for (PolicyService service : services) {
            if (!serviceNames.add(service.name())) {
                throw new IllegalArgumentException("duplicate service name '" + service.name() + "'");
            }
        }
    }

    /** A policy without services. */
    public Policy(String version, Action defaultAction, Duration decisionCacheTtl, Verdict noSni, EchAction ech,
                  List<Cidr> guardDeny, List<Rule> rules) {
        this(version, defaultAction, decisionCacheTtl, noSni, ech, guardDeny, rules, List.of());
    }

    /** A policy with the file defaults for everything but the default action and the rules. */
    public static Policy of(String version, Action defaultAction, List<Rule> rules) {
        return new Policy(version, defaultAction, DEFAULT_DECISION_CACHE_TTL, DEFAULT_NO_SNI, DEFAULT_ECH,
                DEFAULT_GUARD_DENY, rules);
    }
}

package dev.portcullis.api.bus;

import java.util.Set;

/**
 * Event-bus addresses of the Portcullis roles. Request/reply addresses carry a version suffix so that a
 * new contract can run beside the old one during a rolling upgrade.
 */
public final class Addresses {

    /** Request/reply: {@code DecideRequest} → {@code Decision}. Served by the policy role. */
    public static final String POLICY_DECIDE = "portcullis.policy.decide.v1";
    /** Request/reply: {@code {}} → {@code {policyVersion, rules, file, loadedAt, lastError?}}. Readiness probes and the admin API. */
    public static final String POLICY_INFO = "portcullis.policy.info.v1";
    /** Request/reply: {@code HttpDecideRequest} → {@code HttpDecision}, per request after decryption. */
    public static final String POLICY_HTTP = "portcullis.policy.http.v1";
    /** Request/reply: {@code {}} → {@code Services}: the policy's {@code services:}, for the reverse listeners. */
    public static final String POLICY_SERVICES = "portcullis.policy.services.v1";
    /** Publish: {@code PolicyChanged}; proxies drop their decision near-cache. */
    public static final String POLICY_CHANGED = "portcullis.policy.changed";
    /** Request/reply: {@code ResolveRequest} → {@code Resolution}. Served by the dns role. */
    public static final String DNS_RESOLVE = "portcullis.dns.resolve.v1";
    /** Request/reply: {@code {}} → {@code {servers[], cacheSize, staticNames}}. Readiness probes and the admin API. */
    public static final String DNS_INFO = "portcullis.dns.info.v1";
    /**
     * Request/reply: {@code RecentNamesRequest} → {@code RecentNames}: names the dns role, serving DNS to
     * workloads, recently answered to a client with a given address. Served by the dns role.
     */
    public static final String DNS_RECENT_NAMES = "portcullis.dns.recent-names.v1";
    /** Request/reply: {@code SignRequest} → {@code SignedChain}. Served by the ca role. */
    public static final String CA_SIGN = "portcullis.ca.sign.v1";
    /** Request/reply: {@code {}} → {@code CaRoot}. Served by the ca role. */
    public static final String CA_ROOT = "portcullis.ca.root.v1";
    /** Request/reply: {@code {}} → {@code {fingerprint, subject, notAfter, signed, cacheHits, ...}} of one ca instance. */
    public static final String CA_INFO = "portcullis.ca.info.v1";
    /** Publish: {@code CaRoot} of a CA that has just come into force; proxies drop every cached leaf. */
    public static final String CA_CHANGED = "portcullis.ca.changed";
    /** Publish: one access record per connection, for whoever wants to collect them. */
    public static final String ACCESS = "portcullis.access";
    /**
     * Published by a node to its own roles when it is told to reload (SIGHUP): the policy role reads its file
     * again now. Its consumers are local ones, so it never reaches another node.
     */
    public static final String NODE_RELOAD = "portcullis.node.reload";

    /**
     * The request/reply addresses of the roles, each answered by one instance the bus picks round robin: a node
     * enters their routing once it is up, and leaves it before its roles stop (README, "Drain and rolling
     * restarts"). The publish addresses are not among them: a starting node must hear every change at once.
     */
    public static final Set<String> ROLE_REQUESTS = Set.of(POLICY_DECIDE, POLICY_INFO, POLICY_HTTP, POLICY_SERVICES,
            DNS_RESOLVE, DNS_INFO, DNS_RECENT_NAMES, CA_SIGN, CA_ROOT, CA_INFO);

    private Addresses() {
    }
}

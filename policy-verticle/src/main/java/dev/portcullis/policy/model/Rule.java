package dev.portcullis.policy.model;

import dev.portcullis.policy.net.Cidr;

import java.util.List;

/**
 * One rule of the policy, as validated from the file.
 *
 * @param name         unique name, reported in decisions and access records
 * @param line         where the rule starts in the policy file (0 when built in memory)
 * @param hosts        destinations it applies to; never empty
 * @param ports        destination ports; empty means any port
 * @param sources      client ranges; empty means any client
 * @param action       what it does with a matching connection
 * @param destinations ranges this rule may reach although the destination guard refuses them
 * @param http         per-request rules after decryption; empty means none
 * @param sniCheck     whether a spliced CONNECT tunnel's SNI must name the CONNECT host ({@code sni-check}, default
 *                     true; off for tunnels whose TLS legitimately names another host, e.g. some VPN clients)
 */
public record Rule(String name, int line, List<HostPattern> hosts, List<PortRange> ports, List<Cidr> sources,
                   Action action, List<Cidr> destinations, List<HttpRule> http, boolean sniCheck) {

    /** The name decisions carry when no rule matched; no rule may take it. */
    public static final String DEFAULT_NAME = "default";

    public Rule {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("rule name is required");
        }
        if (name.equals(DEFAULT_NAME)) {
            throw new IllegalArgumentException("rule name 'default' is reserved for the default action");
        }
        if (hosts == null || hosts.isEmpty()) {
            throw new IllegalArgumentException("rule '" + name + "' needs at least one host");
        }
        if (action == null) {
            throw new IllegalArgumentException("rule '" + name + "' needs an action");
        }
        hosts = List.copyOf(hosts);
        ports = ports == null ? List.of() : List.copyOf(ports);
        sources = sources == null ? List.of() : List.copyOf(sources);
        destinations = destinations == null ? List.of() : List.copyOf(destinations);
        http = http == null ? List.of() : List.copyOf(http);
    }

    /** A rule with the SNI check on, as when the file does not say. */
    public Rule(String name, int line, List<HostPattern> hosts, List<PortRange> ports, List<Cidr> sources,
                Action action, List<Cidr> destinations, List<HttpRule> http) {
        this(name, line, hosts, ports, sources, action, destinations, http, true);
    }

    /** A rule with only hosts, optional ports and sources, and an action: the usual shape, handy in tests. */
    public Rule(String name, List<HostPattern> hosts, List<PortRange> ports, List<Cidr> sources, Action action) {
        this(name, 0, hosts, ports, sources, action, List.of(), List.of());
    }

    /**
     * Reference semantics of one rule, the oracle the compiled matcher is tested against.
     *
     * @param host   normalised destination
     * @param ip     destination address bytes when it is an IP literal, else {@code null}
     * @param port   destination port
     * @param client client address bytes
     */
    public boolean matches(String host, byte[] ip, int port, byte[] client) {
        // Plain loops rather than streams: tests run this oracle against 100,000 rules per request.
        boolean hostMatches = false;
        for (HostPattern pattern : hosts) {
            if (pattern.matches(host, ip)) {
                hostMatches = true;
                break;
            }
        }
        if (!hostMatches) {
            return false;
        }
        boolean portMatches = ports.isEmpty();
        for (PortRange range : ports) {
            portMatches |= range.contains(port);
        }
        boolean clientMatches = sources.isEmpty();
        for (Cidr cidr : sources) {
            clientMatches |= cidr.contains(client);
        }
        return portMatches && clientMatches;
    }
}

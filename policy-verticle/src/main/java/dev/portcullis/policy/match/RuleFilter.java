package dev.portcullis.policy.match;

import dev.portcullis.policy.model.PortRange;
import dev.portcullis.policy.model.Rule;
import dev.portcullis.policy.net.Cidr;

/** The part of a rule checked after its host matched: destination port and client address. */
final class RuleFilter {

    private static final RuleFilter ANY = new RuleFilter(null, null);

    /** {@code null} means any port. */
    private final PortRange[] ports;
    /** {@code null} means any client. */
    private final Cidr[] sources;

    private RuleFilter(PortRange[] ports, Cidr[] sources) {
        this.ports = ports;
        this.sources = sources;
    }

    static RuleFilter of(Rule rule) {
        if (rule.ports().isEmpty() && rule.sources().isEmpty()) {
            return ANY;
        }
        return new RuleFilter(
                rule.ports().isEmpty() ? null : rule.ports().toArray(PortRange[]::new),
                rule.sources().isEmpty() ? null : rule.sources().toArray(Cidr[]::new));
    }

    /** @param client 4 or 16 address bytes (IPv4-mapped IPv6 is compared as IPv4) */
    boolean accepts(int port, byte[] client) {
        return acceptsPort(port) && acceptsClient(client);
    }

    private boolean acceptsPort(int port) {
        if (ports == null) {
            return true;
        }
        for (PortRange range : ports) {
            if (range.contains(port)) {
                return true;
            }
        }
        return false;
    }

    private boolean acceptsClient(byte[] client) {
        if (sources == null) {
            return true;
        }
        for (Cidr cidr : sources) {
            if (cidr.contains(client)) {
                return true;
            }
        }
        return false;
    }
}

package dev.portcullis.policy.model;

import dev.portcullis.api.policy.Service;
import dev.portcullis.policy.net.Cidr;

import java.util.List;

/**
 * One entry of the policy's {@code services:} (README, "Policy reference"), as validated from the file. The parts
 * the proxy nodes act on are the contract's own types ({@link Service}); what the policy role decides on itself
 * (host patterns, guard exemptions, {@code http} entries) is kept in policy form.
 *
 * @param name         unique among services; its requests are decided as rule {@link #ruleName()}
 * @param line         where the service starts in the policy file (0 when built in memory)
 * @param hosts        exact names and wildcards only, never empty
 * @param mode         terminate or passthrough
 * @param tls          its certificate files; {@code null} exactly when passthrough
 * @param backends     never empty
 * @param backendTls   {@code null}: plain HTTP to the backends
 * @param balance      how a backend is picked
 * @param health       {@code null}: no active check
 * @param forwarded    how the client is told to the backends
 * @param destinations ranges its backends may reach although the destination guard refuses them
 * @param http         per-request entries; empty means every request is allowed
 */
public record PolicyService(String name, int line, List<HostPattern> hosts, Service.Mode mode, Service.Tls tls,
                            List<Service.Backend> backends, Service.BackendTls backendTls, Service.Balance balance,
                            Service.HealthCheck health, Service.Forwarded forwarded, List<Cidr> destinations,
                            List<HttpRule> http) {

    public PolicyService {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("service name is required");
        }
        if (hosts == null || hosts.isEmpty() || backends == null || backends.isEmpty()) {
            throw new IllegalArgumentException("service '" + name + "' needs hosts and backends");
        }
        for (HostPattern host : hosts) {
            if (!(host instanceof HostPattern.Exact) && !(host instanceof HostPattern.Wildcard)) {
                throw new IllegalArgumentException("service '" + name + "' hosts must be names or *.suffix, was '"
                        + host.text() + "'");
            }
        }
        if (mode == null || balance == null || forwarded == null) {
            throw new IllegalArgumentException("service '" + name + "' needs a mode, a balance and forwarded");
        }
        if ((mode == Service.Mode.TERMINATE) != (tls != null)) {
            throw new IllegalArgumentException("service '" + name + "': tls is required to terminate and refused "
                    + "in passthrough");
        }
        hosts = List.copyOf(hosts);
        backends = List.copyOf(backends);
        destinations = destinations == null ? List.of() : List.copyOf(destinations);
        http = http == null ? List.of() : List.copyOf(http);
    }

    /** The rule name its requests are decided under: {@code service:<name>}. */
    public String ruleName() {
        return Service.RULE_PREFIX + name;
    }

    /** Its hosts as the contract carries them: normalised names, wildcards as {@code *.suffix}. */
    public List<String> hostNames() {
        return hosts.stream()
                .map(host -> host instanceof HostPattern.Wildcard wildcard
                        ? HostPattern.WILDCARD_PREFIX + wildcard.suffix()
                        : ((HostPattern.Exact) host).name())
                .toList();
    }
}

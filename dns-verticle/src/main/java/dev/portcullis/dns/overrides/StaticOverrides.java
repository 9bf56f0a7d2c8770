package dev.portcullis.dns.overrides;

import dev.portcullis.api.dns.AddressFamily;
import dev.portcullis.api.dns.ResolutionSource;
import dev.portcullis.dns.lookup.Answer;
import dev.portcullis.dns.lookup.LookupResult;
import dev.portcullis.dns.lookup.LookupResult.Found;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Names whose addresses come from configuration instead of DNS (tests, air-gapped sites, pinning an internal
 * service). An overridden name is never sent to a resolver, not even for the family it has no address in.
 */
public final class StaticOverrides {

    private final Map<String, List<InetAddress>> hosts;
    private final Duration ttl;

    /**
     * @param hosts normalised names ({@link dev.portcullis.api.host.HostName}) to their addresses, any order
     * @param ttl   the TTL given with every answer
     */
    public StaticOverrides(Map<String, List<InetAddress>> hosts, Duration ttl) {
        this.hosts = Map.copyOf(new LinkedHashMap<>(hosts));
        this.ttl = ttl;
    }

    /**
     * Answers from the overrides.
     *
     * @param name a normalised DNS name
     * @return {@code null} when the name is not overridden; otherwise an answer with source
     * {@link ResolutionSource#STATIC}: its addresses of the family (IPv4 first for ANY), or a "no address" result
     * when it has none of that family
     */
    public Answer lookup(String name, AddressFamily family) {
        List<InetAddress> addresses = hosts.get(name);
        if (addresses == null) {
            return null;
        }
        List<InetAddress> chosen = new ArrayList<>();
        if (family != AddressFamily.IPV6) {
            chosen.addAll(Found.ofFamily(addresses, true));
        }
        if (family != AddressFamily.IPV4) {
            chosen.addAll(Found.ofFamily(addresses, false));
        }
        LookupResult result = chosen.isEmpty()
                ? new LookupResult.NotFound(LookupResult.Reason.NO_ADDRESS, name + " has a static override with no "
                        + (family == AddressFamily.IPV4 ? "IPv4" : "IPv6") + " address")
                : new Found(chosen, ttl);
        return new Answer(result, ttl.toMillis(), ResolutionSource.STATIC);
    }

    /** How many names are overridden. */
    public int size() {
        return hosts.size();
    }
}

package dev.portcullis.node.cluster;

import dev.portcullis.proxy.guard.OwnEndpoints;
import io.netty.util.NetUtil;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@link OwnEndpoints} entries for another member's registered endpoints (its admin API and listeners).
 *
 * <p>An endpoint bound to an IP address is refused on that address. A loopback one reaches the member only from
 * its own host, which this node may share; the guard matches a loopback entry on any of this host's addresses,
 * as it does for this node's own.
 *
 * <p>An endpoint bound to a wildcard ({@code 0.0.0.0}, {@code ::}) or to a name is reachable on addresses that
 * only the member could list, and not even it fully (NAT, load balancers). It is refused on the addresses the
 * cluster already knows for the member: the {@code cluster.host} in its registry entry and the address its
 * Hazelcast member advertises (its event bus advertises {@code cluster.host} too). The entry is also kept as it
 * is, so that the guard matches it on this host's addresses when the member shares this host. Another address
 * of a member with several interfaces is not known here: README, step 4 of "What happens to one connection".
 */
final class MemberEndpointEntries {

    private MemberEndpointEntries() {
    }

    /**
     * @param member          the member in words, for the refusal's reason ({@code "cluster member 1a2b3c4d's"})
     * @param endpoints       what its registry entry lists
     * @param memberAddresses what the cluster knows of its addresses; anything but a specific IP literal is ignored
     */
    static List<String> of(String member, List<RegisteredEndpoint> endpoints, Collection<String> memberAddresses) {
        Set<String> known = new LinkedHashSet<>();
        for (String address : memberAddresses) {
            if (address != null && isSpecificAddress(address)) {
                known.add(address);
            }
        }
        List<String> entries = new ArrayList<>();
        for (RegisteredEndpoint endpoint : endpoints) {
            String what = member + " " + endpoint.what();
            entries.add(OwnEndpoints.entry(endpoint.host(), endpoint.port(), what));
            if (!isSpecificAddress(endpoint.host())) {
                known.forEach(address -> entries.add(OwnEndpoints.entry(address, endpoint.port(), what)));
            }
        }
        return entries;
    }

    private static boolean isSpecificAddress(String host) {
        InetAddress address = NetUtil.createInetAddressFromIpAddressString(host);
        return address != null && !address.isAnyLocalAddress();
    }
}

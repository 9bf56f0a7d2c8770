package dev.portcullis.proxy.guard;

import io.netty.util.NetUtil;

import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gateway's own endpoints, which no tunnel may reach whatever a rule exempts (README, step 4 of "What
 * happens to one connection", and "Built-in guard list"):
 * every address and port this node listens on (admin API, Hazelcast, event bus, the dns role's workload DNS
 * server, the proxy's listeners) and every cluster member's: its Hazelcast and event-bus endpoints, and the admin
 * API and listeners it lists in the member registry.
 *
 * <p>The set is live and fed from two local shared maps of this Vert.x instance, so that the proxy role learns it
 * without depending on the node module:
 * <ul>
 *   <li>{@value #MAP_NAME}: id → {@link #entry(String, int, String)}, written by the node (its own admin and
 *       cluster ports, and the members' cluster, admin and listener endpoints, kept current as members join and
 *       leave);</li>
 *   <li>{@value #LISTENERS_MAP}: listener name → {@code "host:port"}, where the roles publish what they bound
 *       ({@code "explicit"}, transparent listeners, {@code "dns"} for the workload DNS server).</li>
 * </ul>
 *
 * <p>An endpoint whose host is this host's (loopback, unspecified, i.e. a wildcard bind, or one of its interface
 * addresses) is matched by any of this host's addresses on that port, since all of them reach it; any other host
 * (another member) is matched by that address on that port. IPv6 forms embedding an IPv4 address are matched by
 * that IPv4 address ({@link AddressClassifier#embeddedIpv4}).
 */
public final class OwnEndpoints {

    /** {@value}: local shared map of the node's own and its cluster members' endpoints, id → entry. */
    public static final String MAP_NAME = "portcullis.own-endpoints";

    /** {@value}: local shared map of bound listeners, name → "host:port" (the proxy's and the dns role's). */
    public static final String LISTENERS_MAP = "portcullis.listeners";

    /** Parsed entries kept at most; a fleet has a few per member. */
    private static final int MAX_PARSED = 4096;
    /** The listener name the dns role publishes its workload DNS server under. */
    private static final String DNS_LISTENER = "dns";

    private final Map<String, String> endpoints;
    private final Map<String, String> listeners;
    private final AddressClassifier classifier;
    private final Map<String, Optional<Endpoint>> parsed = new ConcurrentHashMap<>();

    /**
     * @param endpoints the {@value #MAP_NAME} map (or any live map of the same form)
     * @param listeners the {@value #LISTENERS_MAP} map
     */
    public OwnEndpoints(Map<String, String> endpoints, Map<String, String> listeners, AddressClassifier classifier) {
        this.endpoints = endpoints;
        this.listeners = listeners;
        this.classifier = classifier;
    }

    /** No endpoints at all (unit tests of other stages). */
    public static OwnEndpoints none(AddressClassifier classifier) {
        return new OwnEndpoints(Map.of(), Map.of(), classifier);
    }

    /**
     * An entry of {@value #MAP_NAME}: {@code "host port what"}, what being words such as
     * {@code "this gateway's admin API"}.
     */
    public static String entry(String host, int port, String what) {
        return host + " " + port + " " + what;
    }

    /**
     * What a listener of {@value #LISTENERS_MAP} is, in words: {@code "workload DNS server"} for the dns role's,
     * {@code "explicit listener"} and so on for the proxy's. The node says the same of another member's listeners.
     */
    public static String listenerWhat(String name) {
        return DNS_LISTENER.equals(name) ? "workload DNS server" : name + " listener";
    }

    /**
     * One endpoint, parsed once: what it is in words, its port, its address ({@code null} for a listener bound by
     * name) and whether that address is this host's.
     */
    private record Endpoint(InetAddress host, boolean thisHost, int port, String what) {
    }

    /**
     * What the destination is, when it is one of the gateway's own endpoints.
     *
     * @param destination the resolved address
     * @param port        the destination port
     */
    public Optional<String> match(InetAddress destination, int port) {
        InetAddress effective = AddressClassifier.embeddedIpv4(destination);
        boolean destinationIsThisHost = isThisHost(destination);
        for (String entry : endpoints.values()) {
            Optional<String> what = match(parsed(entry, null), effective, destinationIsThisHost, port);
            if (what.isPresent()) {
                return what;
            }
        }
        for (Map.Entry<String, String> listener : listeners.entrySet()) {
            Optional<String> what = match(parsed(listener.getValue(), listener.getKey()), effective,
                    destinationIsThisHost, port);
            if (what.isPresent()) {
                return what;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> match(Optional<Endpoint> parsed, InetAddress effective,
                                          boolean destinationIsThisHost, int port) {
        if (parsed.isEmpty() || parsed.get().port() != port) {
            return Optional.empty();
        }
        Endpoint endpoint = parsed.get();
        if (endpoint.host() == null) {
            // A listener bound by name (e.g. "localhost"): only this host's addresses can reach it.
            return destinationIsThisHost ? Optional.of(endpoint.what()) : Optional.empty();
        }
        if (AddressClassifier.embeddedIpv4(endpoint.host()).equals(effective)
                || (destinationIsThisHost && endpoint.thisHost())) {
            return Optional.of(endpoint.what());
        }
        return Optional.empty();
    }

    private boolean isThisHost(InetAddress address) {
        AddressClass addressClass = classifier.classify(address);
        return addressClass == AddressClass.SELF || addressClass == AddressClass.LOOPBACK
                || addressClass == AddressClass.UNSPECIFIED;
    }

    /**
     * An entry parsed once and remembered: the guard asks on every connection, the maps change only when a
     * listener binds or a member comes or goes.
     *
     * @param listenerName the listener's name for an entry of {@value #LISTENERS_MAP}, {@code null} for one of
     *                     {@value #MAP_NAME}
     */
    private Optional<Endpoint> parsed(String value, String listenerName) {
        String key = listenerName == null ? value : listenerName + '\u0000' + value;
        Optional<Endpoint> known = parsed.get(key);
        if (known == null) {
            if (parsed.size() >= MAX_PARSED) {
                parsed.clear();    // departed members' entries; what is current is parsed again
            }
            known = listenerName == null ? parseEntry(value) : parseListener(listenerName, value);
            parsed.put(key, known);
        }
        return known;
    }

    private Optional<Endpoint> parseEntry(String value) {
        String[] parts = value.split(" ", 3);
        Integer port = parts.length == 3 ? ListenerAddress.port(parts[1]) : null;
        return port == null ? Optional.empty() : Optional.of(endpoint(parts[0], port, parts[2]));
    }

    private Optional<Endpoint> parseListener(String name, String where) {
        return ListenerAddress.parse(where)
                .map(bound -> endpoint(bound.host(), bound.port(), "this gateway's " + listenerWhat(name)));
    }

    private Endpoint endpoint(String host, int port, String what) {
        InetAddress address = NetUtil.createInetAddressFromIpAddressString(host);
        return new Endpoint(address, address != null && isThisHost(address), port, what);
    }
}

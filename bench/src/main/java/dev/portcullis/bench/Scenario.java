package dev.portcullis.bench;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** What one measurement does, repeated for its duration. */
public enum Scenario {

    /** A new connection per iteration: {@code CONNECT} to the plain origin port, one small {@code GET}, close. */
    TUNNEL_PLAIN("tunnel-plain", false, false, false, false),

    /** As {@link #TUNNEL_PLAIN}, with a full TLS handshake (no resumption) inside the tunnel. */
    TUNNEL_TLS("tunnel-tls", true, false, false, false),

    /** One tunnel per repetition carrying one large {@code GET} over plain HTTP; measures MB/s. */
    BULK("bulk", false, true, false, false),

    /** As {@link #BULK}, inside TLS. */
    BULK_TLS("bulk-tls", true, true, false, false),

    /**
     * Plain HTTP forward proxying without {@code CONNECT}: each client connection to the proxy carries many {@code GET
     * http://host:port/small} (absolute-form, RFC 9112 §3.2.2), so that the proxy's reading, deciding and forwarding
     * of one request is measured. {@code direct} sends the same in origin-form to the origin; a transparent target's
     * plain listener gets origin-form too.
     */
    FORWARD_KEEPALIVE("forward-keepalive", false, false, false, false),

    /**
     * Many tunnels opened at once to an origin that holds them, one small exchange each, then left idle; measures the
     * proxy's heap and RSS per open tunnel rather than time.
     */
    IDLE_TUNNELS("idle-tunnels", false, false, true, false),

    /**
     * To a reverse proxy (no CONNECT): HTTPS with the reverse site's SNI and Host, each connection kept for many
     * {@code GET}s, so that the proxying itself is measured. {@code direct} is a backend over plain HTTP.
     */
    REVERSE_KEEPALIVE("reverse-keepalive", true, false, false, true),

    /** As {@link #REVERSE_KEEPALIVE}, one {@code GET} per connection: a full TLS handshake and the proxying. */
    REVERSE_NEW("reverse-new", true, false, false, true);

    /** The scenarios run when {@code --scenarios} is not given: the four timed ones. */
    public static final List<Scenario> DEFAULT = List.of(TUNNEL_PLAIN, TUNNEL_TLS, BULK, BULK_TLS);

    /** The name in {@code --scenarios} that stands for both reverse-proxy scenarios. */
    public static final String REVERSE = "reverse";

    /** What {@value #REVERSE} stands for, in table order. */
    public static final List<Scenario> REVERSE_BOTH = List.of(REVERSE_KEEPALIVE, REVERSE_NEW);

    private final String cliName;
    private final boolean tls;
    private final boolean bulk;
    private final boolean idle;
    private final boolean reverse;

    Scenario(String cliName, boolean tls, boolean bulk, boolean idle, boolean reverse) {
        this.cliName = cliName;
        this.tls = tls;
        this.bulk = bulk;
        this.idle = idle;
        this.reverse = reverse;
    }

    /** The name used on the command line, in tables and in JSON. */
    public String cliName() {
        return cliName;
    }

    /** Whether the origin is reached over TLS inside the tunnel. */
    public boolean tls() {
        return tls;
    }

    /** Whether this measures throughput of one large response rather than a rate of small ones. */
    public boolean bulk() {
        return bulk;
    }

    /** Whether this measures the memory of open idle tunnels rather than a rate or a throughput. */
    public boolean idle() {
        return idle;
    }

    /**
     * Whether the target is a reverse proxy reached without {@code CONNECT}, rather than the peers' origin through a
     * forward proxy.
     */
    public boolean reverse() {
        return reverse;
    }

    /** Whether each client connection carries many requests rather than one. */
    public boolean keepAlive() {
        return this == REVERSE_KEEPALIVE || this == FORWARD_KEEPALIVE;
    }

    /** Whether requests go to a forward proxy in absolute-form rather than through a tunnel. */
    public boolean forward() {
        return this == FORWARD_KEEPALIVE;
    }

    /**
     * Finds a scenario by its command-line name.
     *
     * @throws IllegalArgumentException listing the known names
     */
    public static Scenario parse(String name) {
        for (Scenario s : values()) {
            if (s.cliName.equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown scenario '" + name + "', known: "
                + Arrays.stream(values()).map(Scenario::cliName).collect(Collectors.joining(", ")) + ", " + REVERSE
                + " (both reverse ones)");
    }
}

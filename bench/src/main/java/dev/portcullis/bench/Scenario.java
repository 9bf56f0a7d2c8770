package dev.portcullis.bench;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** What one measurement does, repeated for its duration. */
public enum Scenario {

    /** A new connection per iteration: {@code CONNECT} to the plain origin port, one small {@code GET}, close. */
    TUNNEL_PLAIN("tunnel-plain", false, false, false),

    /** As {@link #TUNNEL_PLAIN}, with a full TLS handshake (no resumption) inside the tunnel. */
    TUNNEL_TLS("tunnel-tls", true, false, false),

    /** One tunnel per repetition carrying one large {@code GET} over plain HTTP; measures MB/s. */
    BULK("bulk", false, true, false),

    /** As {@link #BULK}, inside TLS. */
    BULK_TLS("bulk-tls", true, true, false),

    /**
     * Many tunnels opened at once to an origin that holds them, one small exchange each, then left idle; measures the
     * proxy's heap and RSS per open tunnel rather than time.
     */
    IDLE_TUNNELS("idle-tunnels", false, false, true);

    /** The scenarios run when {@code --scenarios} is not given: the four timed ones. */
    public static final List<Scenario> DEFAULT = List.of(TUNNEL_PLAIN, TUNNEL_TLS, BULK, BULK_TLS);

    private final String cliName;
    private final boolean tls;
    private final boolean bulk;
    private final boolean idle;

    Scenario(String cliName, boolean tls, boolean bulk, boolean idle) {
        this.cliName = cliName;
        this.tls = tls;
        this.bulk = bulk;
        this.idle = idle;
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
                + Arrays.stream(values()).map(Scenario::cliName).collect(Collectors.joining(", ")));
    }
}

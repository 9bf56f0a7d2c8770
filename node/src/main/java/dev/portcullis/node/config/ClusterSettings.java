package dev.portcullis.node.config;

import dev.portcullis.api.config.ConfigSchema;
import dev.portcullis.api.config.ConfigView;
import dev.portcullis.api.host.HostName;
import dev.portcullis.api.host.InvalidHostException;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code cluster} section: how this node finds and joins the others (Hazelcast TCP-IP member list;
 * multicast is never used).
 *
 * @param name    the cluster name; nodes with another name never join (also the isolation key in tests)
 * @param host    the IP address this node's Hazelcast and event bus bind to and advertise
 * @param port    the Hazelcast port; if taken, the next free one of the following nine is used
 * @param members the {@code host:port} of the members to contact when joining; this node may be among them
 * @param tls     this node's event-bus TLS credentials ({@code cluster.tls})
 */
public record ClusterSettings(String name, String host, int port, List<String> members, ClusterTlsSettings tls) {

    /** {@value}: the cluster name when none is configured. */
    public static final String DEFAULT_NAME = "portcullis";
    /** {@value}: loopback, so a default node never exposes its cluster port. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** {@value}: Hazelcast's usual member port. */
    public static final int DEFAULT_PORT = 5701;
    /** The keys of the {@code cluster} section (README.md, Configuration; docs/configuration.md lists them all). */
    public static final ConfigSchema SCHEMA = ConfigSchema.builder()
            .string("name").string("host").integer("port").strings("members")
            .section("tls", ClusterTlsSettings.SCHEMA).build();

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Pattern MEMBER_PORT = Pattern.compile("\\d{1,5}");

    public ClusterSettings {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new ConfigException("cluster.name must be 1-100 letters, digits, '.', '_' or '-', was '"
                    + name + "'");
        }
        requireIp("cluster.host", host);
        if (port < 1 || port > 65535) {
            throw new ConfigException("cluster.port must be 1-65535, was " + port);
        }
        members = List.copyOf(members == null || members.isEmpty() ? List.of(host + ":" + port) : members);
        for (String member : members) {
            checkMember(member);
        }
        tls = tls == null ? ClusterTlsSettings.GENERATED : tls;
    }

    /** Settings with the generated fleet credentials of the data directory. */
    public ClusterSettings(String name, String host, int port, List<String> members) {
        this(name, host, port, members, ClusterTlsSettings.GENERATED);
    }

    /** Reads the {@code cluster} section its {@link #SCHEMA} has checked; absent keys take the defaults. */
    static ClusterSettings from(ConfigView section) {
        return new ClusterSettings(section.string("name", DEFAULT_NAME), section.string("host", DEFAULT_HOST),
                section.integer("port", DEFAULT_PORT), section.strings("members"),
                ClusterTlsSettings.from(section.section("tls")));
    }

    private static void requireIp(String key, String value) {
        try {
            if (value != null && HostName.parse(value).isIp()) {
                return;
            }
        } catch (InvalidHostException e) {
            // Falls through to the message below, which says what is expected.
        }
        throw new ConfigException(key + " must be an IP address (the interface to bind), was '" + value + "'");
    }

    private static void checkMember(String member) {
        int colon = member.lastIndexOf(':');
        if (colon <= 0 || member.indexOf(':') != colon) {
            throw new ConfigException("cluster.members entries must be host:port, was '" + member + "'");
        }
        String port = member.substring(colon + 1);
        // Hazelcast would accept "host:5701-5710" in a config file but fails on it at join time
        // (README.md, Configuration: "one host:port per member"), so each member is listed with one port.
        if (!MEMBER_PORT.matcher(port).matches() || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
            throw new ConfigException("cluster.members entry '" + member
                    + "' must end in one port 1-65535 (list each member, no ranges)");
        }
    }
}

package dev.portcullis.node.config;

import dev.portcullis.api.config.ConfigSchema;
import dev.portcullis.api.config.ConfigView;
import dev.portcullis.api.config.Durations;
import dev.portcullis.api.host.HostName;
import dev.portcullis.api.host.InvalidHostException;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The {@code cluster} section: how this node finds and joins the others, by the Hazelcast TCP-IP member list or
 * by a DNS name that lists every member (a Kubernetes headless Service); multicast is never used.
 *
 * @param name              the cluster name; nodes with another name never join (also the isolation key in tests)
 * @param host              the IP address this node's Hazelcast and event bus bind to and advertise
 * @param port              the Hazelcast port; with {@link Discovery#MEMBERS}, if taken, the next free one of the
 *                          following nine is used; with {@link Discovery#KUBERNETES_DNS} every member uses exactly
 *                          this port, the only one the DNS name's addresses are tried on
 * @param members           the {@code host:port} of the members to contact when joining; this node may be among
 *                          them; only read with {@link Discovery#MEMBERS}
 * @param tls               this node's event-bus TLS credentials ({@code cluster.tls})
 * @param discovery         how the other members are found
 * @param serviceDns        with {@link Discovery#KUBERNETES_DNS}: the name whose A/AAAA records are the members
 *                          ({@code null} otherwise)
 * @param serviceDnsTimeout how long one lookup of {@code serviceDns} may take, whole seconds
 * @param eventBusPort      the event bus's TCP port; {@code 0} picks a free one (a firewall or a Kubernetes
 *                          NetworkPolicy needs a fixed one)
 */
public record ClusterSettings(String name, String host, int port, List<String> members, ClusterTlsSettings tls,
                              Discovery discovery, String serviceDns, Duration serviceDnsTimeout, int eventBusPort) {

    /** How a node finds the other members ({@code cluster.discovery}). */
    public enum Discovery {
        /** {@code members}: the {@code cluster.members} list (Hazelcast TCP-IP join). */
        MEMBERS("members"),
        /**
         * {@code kubernetes-dns}: every address {@code cluster.service-dns} resolves to, on {@code cluster.port}
         * (Hazelcast's Kubernetes discovery in DNS lookup mode; no access to the Kubernetes API).
         */
        KUBERNETES_DNS("kubernetes-dns");

        private final String value;

        Discovery(String value) {
            this.value = value;
        }

        /** The value as written in the configuration. */
        public String value() {
            return value;
        }

        static Discovery parse(String value) {
            for (Discovery discovery : values()) {
                if (discovery.value.equals(value)) {
                    return discovery;
                }
            }
            throw new ConfigException("cluster.discovery must be one of " + Arrays.stream(values())
                    .map(Discovery::value).collect(Collectors.joining(", ")) + ", was '" + value + "'");
        }
    }

    /** {@value}: the cluster name when none is configured. */
    public static final String DEFAULT_NAME = "portcullis";
    /** {@value}: loopback, so a default node never exposes its cluster port. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** {@value}: Hazelcast's usual member port. */
    public static final int DEFAULT_PORT = 5701;
    /** {@code members}: today's explicit list, so an existing configuration keeps its meaning. */
    public static final Discovery DEFAULT_DISCOVERY = Discovery.MEMBERS;
    /** 5 seconds: Hazelcast's own default for one lookup of the service name. */
    public static final Duration DEFAULT_SERVICE_DNS_TIMEOUT = Duration.ofSeconds(5);
    /** {@value}: the event bus takes a free port; its members learn it from the cluster. */
    public static final int DEFAULT_EVENT_BUS_PORT = 0;
    /** {@value}: with a member list, Hazelcast ports tried from {@code cluster.port} upward when it is taken. */
    public static final int PORT_RANGE = 10;
    /** The keys of the {@code cluster} section (README.md, Configuration; docs/configuration.md lists them all). */
    public static final ConfigSchema SCHEMA = ConfigSchema.builder()
            .string("name").string("host").integer("port").strings("members")
            .string("discovery").string("service-dns").duration("service-dns-timeout").integer("event-bus-port")
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
        discovery = discovery == null ? DEFAULT_DISCOVERY : discovery;
        serviceDnsTimeout = serviceDnsTimeout == null ? DEFAULT_SERVICE_DNS_TIMEOUT : serviceDnsTimeout;
        if (discovery == Discovery.KUBERNETES_DNS) {
            // Members come from DNS: a list besides would be silently ignored, so it is refused.
            if (members != null && !members.isEmpty()) {
                throw new ConfigException("cluster.members must not be set with cluster.discovery: kubernetes-dns "
                        + "(the members are the addresses cluster.service-dns resolves to)");
            }
            requireDnsName(serviceDns);
            // Hazelcast's service-dns-timeout property is a number of seconds.
            if (serviceDnsTimeout.isNegative() || serviceDnsTimeout.isZero() || serviceDnsTimeout.toNanos()
                    % 1_000_000_000L != 0) {
                throw new ConfigException("cluster.service-dns-timeout must be a positive whole number of seconds, "
                        + "was " + Durations.format(serviceDnsTimeout));
            }
            members = List.of();
        } else {
            if (serviceDns != null) {
                throw new ConfigException("cluster.service-dns is only read with cluster.discovery: kubernetes-dns "
                        + "(cluster.discovery is members)");
            }
            members = List.copyOf(members == null || members.isEmpty() ? List.of(host + ":" + port) : members);
            for (String member : members) {
                checkMember(member);
            }
        }
        if (eventBusPort < 0 || eventBusPort > 65535) {
            throw new ConfigException("cluster.event-bus-port must be 0-65535 (0 picks a free port), was "
                    + eventBusPort);
        }
        int lastHazelcastPort = discovery == Discovery.KUBERNETES_DNS ? port : port + PORT_RANGE - 1;
        if (eventBusPort >= port && eventBusPort <= lastHazelcastPort) {
            throw new ConfigException("cluster.event-bus-port " + eventBusPort + " clashes with the Hazelcast port"
                    + (lastHazelcastPort == port ? " " + port : "s " + port + "-" + lastHazelcastPort));
        }
        tls = tls == null ? ClusterTlsSettings.GENERATED : tls;
    }

    /** Member-list settings with the generated fleet credentials of the data directory. */
    public ClusterSettings(String name, String host, int port, List<String> members) {
        this(name, host, port, members, ClusterTlsSettings.GENERATED);
    }

    /** Member-list settings, event bus on a free port. */
    public ClusterSettings(String name, String host, int port, List<String> members, ClusterTlsSettings tls) {
        this(name, host, port, members, tls, Discovery.MEMBERS, null, DEFAULT_SERVICE_DNS_TIMEOUT,
                DEFAULT_EVENT_BUS_PORT);
    }

    /** Reads the {@code cluster} section its {@link #SCHEMA} has checked; absent keys take the defaults. */
    static ClusterSettings from(ConfigView section) {
        return new ClusterSettings(section.string("name", DEFAULT_NAME), section.string("host", DEFAULT_HOST),
                section.integer("port", DEFAULT_PORT), section.strings("members"),
                ClusterTlsSettings.from(section.section("tls")),
                Discovery.parse(section.string("discovery", DEFAULT_DISCOVERY.value())),
                section.string("service-dns", null),
                section.duration("service-dns-timeout", DEFAULT_SERVICE_DNS_TIMEOUT),
                section.integer("event-bus-port", DEFAULT_EVENT_BUS_PORT));
    }

    private static void requireDnsName(String value) {
        if (value == null || value.isBlank()) {
            throw new ConfigException("cluster.service-dns is required with cluster.discovery: kubernetes-dns "
                    + "(e.g. portcullis-hz.portcullis.svc.cluster.local, a headless Service)");
        }
        try {
            if (!HostName.parse(value).isIp()) {
                return;
            }
        } catch (InvalidHostException e) {
            throw new ConfigException("cluster.service-dns must be a DNS name, was '" + value + "': "
                    + e.getMessage());
        }
        throw new ConfigException("cluster.service-dns must be a DNS name listing the members, was the address '"
                + value + "' (list addresses in cluster.members with cluster.discovery: members)");
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

package dev.portcullis.fleet.client;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.TcpIpConfig;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;

import java.util.List;

/**
 * The one Hazelcast configuration of a Portcullis fleet, for its nodes and for the services that join as lite
 * members ({@link FleetClient}), so that the two cannot drift. Starts from vertx-hazelcast's own config (it declares
 * the maps and multimaps the clustered event bus needs) and replaces its network part: bind only {@code host}, join
 * by the TCP-IP member list, never multicast or cloud auto-detection.
 *
 * <p>The member port this opens has no authentication (open-source Hazelcast): only the network keeps strangers
 * off it, while the event bus's mutual TLS keeps them from every request and answer (docs/fleet-security.md).
 */
public final class FleetHazelcastConfig {

    /** {@value}: ports tried from the configured port upward when it is taken. */
    public static final int PORT_COUNT = 10;

    private FleetHazelcastConfig() {
    }

    /**
     * The Hazelcast config of one member.
     *
     * @param name       the cluster name (not a secret: the isolation key between fleets)
     * @param host       the IP address to bind and advertise
     * @param port       the first member port to try
     * @param members    {@code host:port} of the members to contact when joining, one port each
     * @param liteMember whether this member holds no partitions (a service asking the fleet, never a node)
     */
    public static Config create(String name, String host, int port, List<String> members, boolean liteMember) {
        Config config = ConfigUtil.loadConfig();
        config.setClusterName(name);
        // A lite member owns no partition of any map: it can leave at any time without migrations, and the
        // fleet's shared maps (subscriptions, member registry) never live only on a service's JVM.
        config.setLiteMember(liteMember);
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.setProperty("hazelcast.phone.home.enabled", "false");
        // Bind the configured interface only, never the wildcard address.
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.setProperty("hazelcast.local.localAddress", host);
        // The defaults wait 5-10 s before and while joining; with an explicit member list there is nothing to
        // wait for, and every node start (and test) would pay for it.
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        config.setProperty("hazelcast.max.wait.seconds.before.join", "0");
        // The node's own shutdown hook undeploys the roles and then leaves the cluster; Hazelcast's hook would
        // race it and shut the member down under the still-running event bus.
        config.setProperty("hazelcast.shutdownhook.enabled", "false");

        NetworkConfig network = config.getNetworkConfig();
        network.setPort(port).setPortAutoIncrement(true).setPortCount(PORT_COUNT);
        network.getInterfaces().clear().setEnabled(true).addInterface(host);

        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getKubernetesConfig().setEnabled(false);
        join.getAwsConfig().setEnabled(false);
        join.getGcpConfig().setEnabled(false);
        join.getAzureConfig().setEnabled(false);
        join.getEurekaConfig().setEnabled(false);
        TcpIpConfig tcpIp = join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(1).clear();
        // One entry per member: Hazelcast reads "host:5701-5710" ranges but fails on them at join time.
        members.forEach(tcpIp::addMember);
        return config;
    }

    /**
     * Joins by the addresses a DNS name resolves to instead of a member list: Hazelcast's Kubernetes discovery in
     * DNS lookup mode (a headless Service; no Kubernetes API, no service account). Hazelcast resolves the name with
     * {@code InetAddress.getAllByName} (the JVM's resolver, hosts file included) and pairs every address with
     * {@code port}, so each member binds exactly that port and fails to start rather than move to one nobody tries.
     *
     * @param mergeDelaySeconds the first and later split-brain merge checks: members that start together may each
     *                          form a cluster before their addresses are in DNS, and find each other at the next
     */
    public static Config joinByDns(Config config, String serviceDns, int timeoutSeconds, int port,
                                   int mergeDelaySeconds) {
        NetworkConfig network = config.getNetworkConfig();
        network.setPort(port).setPortAutoIncrement(false);
        JoinConfig join = network.getJoin();
        join.getTcpIpConfig().setEnabled(false).clear();
        join.getKubernetesConfig().setEnabled(true)
                .setProperty("service-dns", serviceDns)
                .setProperty("service-dns-timeout", String.valueOf(timeoutSeconds))
                .setProperty("service-port", String.valueOf(port));
        config.setProperty("hazelcast.merge.first.run.delay.seconds", String.valueOf(mergeDelaySeconds));
        config.setProperty("hazelcast.merge.next.run.delay.seconds", String.valueOf(mergeDelaySeconds));
        return config;
    }
}

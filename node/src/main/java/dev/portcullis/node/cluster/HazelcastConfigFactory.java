package dev.portcullis.node.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.TcpIpConfig;
import dev.portcullis.node.config.ClusterSettings;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;

/**
 * Builds the Hazelcast configuration from the {@code cluster} section. Starts from vertx-hazelcast's own config
 * (it declares the maps and multimaps the clustered event bus needs) and replaces its network part: bind only
 * {@code cluster.host}, join by the TCP-IP member list, never multicast or cloud auto-detection.
 * {@code deploy/hazelcast.yaml} shows the result for the defaults, as a reference.
 *
 * <p>The member port this opens has no authentication (open-source Hazelcast): only the network keeps strangers
 * off it, while the event bus's mutual TLS keeps them from every request and answer (docs/fleet-security.md).
 */
public final class HazelcastConfigFactory {

    /** {@value}: ports tried from {@code cluster.port} upward when it is taken. */
    public static final int PORT_COUNT = 10;

    private HazelcastConfigFactory() {
    }

    /** The Hazelcast config for one member of the cluster described by {@code settings}. */
    public static Config create(ClusterSettings settings) {
        Config config = ConfigUtil.loadConfig();
        config.setClusterName(settings.name());
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.setProperty("hazelcast.phone.home.enabled", "false");
        // Bind the configured interface only, never the wildcard address.
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.setProperty("hazelcast.local.localAddress", settings.host());
        // The defaults wait 5-10 s before and while joining; with an explicit member list there is nothing to
        // wait for, and every node start (and test) would pay for it.
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        config.setProperty("hazelcast.max.wait.seconds.before.join", "0");
        // The node's own shutdown hook undeploys the roles and then leaves the cluster; Hazelcast's hook would
        // race it and shut the member down under the still-running event bus.
        config.setProperty("hazelcast.shutdownhook.enabled", "false");

        NetworkConfig network = config.getNetworkConfig();
        network.setPort(settings.port()).setPortAutoIncrement(true).setPortCount(PORT_COUNT);
        network.getInterfaces().clear().setEnabled(true).addInterface(settings.host());

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
        settings.members().forEach(tcpIp::addMember);
        return config;
    }
}

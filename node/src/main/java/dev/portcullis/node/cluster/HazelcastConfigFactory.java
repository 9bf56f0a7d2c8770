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
 * {@code cluster.host}, join by the TCP-IP member list ({@code cluster.discovery: members}) or by the addresses a
 * DNS name resolves to ({@code kubernetes-dns}: Hazelcast's Kubernetes discovery in DNS lookup mode, which reads
 * no Kubernetes API and needs no service account), never multicast or cloud auto-detection.
 * {@code deploy/hazelcast.yaml} shows the result for the defaults, as a reference.
 *
 * <p>The member port this opens has no authentication (open-source Hazelcast): only the network keeps strangers
 * off it, while the event bus's mutual TLS keeps them from every request and answer (docs/fleet-security.md).
 */
public final class HazelcastConfigFactory {

    /** {@value}: with a member list, ports tried from {@code cluster.port} upward when it is taken. */
    public static final int PORT_COUNT = ClusterSettings.PORT_RANGE;
    /**
     * {@value} s: in DNS mode, the first and later split-brain merge checks (Hazelcast's defaults are 300 s and
     * 120 s). Pods that start together may each form a cluster before their addresses are in DNS; they find each
     * other on the next lookup, and this bounds how long the fleet stays split.
     */
    public static final int DNS_MERGE_DELAY_SECONDS = 15;

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
        network.getInterfaces().clear().setEnabled(true).addInterface(settings.host());

        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getKubernetesConfig().setEnabled(false);
        join.getAwsConfig().setEnabled(false);
        join.getGcpConfig().setEnabled(false);
        join.getAzureConfig().setEnabled(false);
        join.getEurekaConfig().setEnabled(false);
        TcpIpConfig tcpIp = join.getTcpIpConfig().setConnectionTimeoutSeconds(1).clear();
        if (settings.discovery() == ClusterSettings.Discovery.KUBERNETES_DNS) {
            // DNS gives addresses only; every member is tried on service-port, so each binds exactly that port
            // and fails to start rather than move to another one nobody would try.
            network.setPort(settings.port()).setPortAutoIncrement(false);
            tcpIp.setEnabled(false);
            // DnsEndpointResolver resolves service-dns with InetAddress.getAllByName (the JVM's resolver, hosts
            // file included) and pairs every address with service-port.
            join.getKubernetesConfig().setEnabled(true)
                    .setProperty("service-dns", settings.serviceDns())
                    .setProperty("service-dns-timeout", String.valueOf(settings.serviceDnsTimeout().toSeconds()))
                    .setProperty("service-port", String.valueOf(settings.port()));
            config.setProperty("hazelcast.merge.first.run.delay.seconds", String.valueOf(DNS_MERGE_DELAY_SECONDS));
            config.setProperty("hazelcast.merge.next.run.delay.seconds", String.valueOf(DNS_MERGE_DELAY_SECONDS));
        } else {
            network.setPort(settings.port()).setPortAutoIncrement(true).setPortCount(PORT_COUNT);
            tcpIp.setEnabled(true);
            // One entry per member: Hazelcast reads "host:5701-5710" ranges but fails on them at join time.
            settings.members().forEach(tcpIp::addMember);
        }
        return config;
    }
}

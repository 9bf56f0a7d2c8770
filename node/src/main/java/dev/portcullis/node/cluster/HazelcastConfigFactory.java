package dev.portcullis.node.cluster;

import com.hazelcast.config.Config;
import dev.portcullis.fleet.client.FleetHazelcastConfig;
import dev.portcullis.node.config.ClusterSettings;

import java.util.List;

/**
 * Builds the Hazelcast configuration from the {@code cluster} section, with the fleet's one
 * {@link FleetHazelcastConfig} (shared with services that join as lite members through
 * {@link dev.portcullis.fleet.client.FleetClient}, so the two cannot drift): bind only {@code cluster.host}, join by
 * the TCP-IP member list ({@code cluster.discovery: members}) or by the addresses a DNS name resolves to
 * ({@code kubernetes-dns}: Hazelcast's Kubernetes discovery in DNS lookup mode, which reads no Kubernetes API and
 * needs no service account), never multicast or cloud auto-detection. {@code deploy/hazelcast.yaml} shows the
 * result for the defaults, as a reference.
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

    /** The Hazelcast config for one member of the cluster described by {@code settings}; a full (data) member. */
    public static Config create(ClusterSettings settings) {
        Config config = FleetHazelcastConfig.create(settings.name(), settings.host(), settings.port(),
                settings.discovery() == ClusterSettings.Discovery.KUBERNETES_DNS ? List.of() : settings.members(),
                false);
        if (settings.discovery() == ClusterSettings.Discovery.KUBERNETES_DNS) {
            FleetHazelcastConfig.joinByDns(config, settings.serviceDns(),
                    (int) settings.serviceDnsTimeout().toSeconds(), settings.port(), DNS_MERGE_DELAY_SECONDS);
        }
        return config;
    }
}

package dev.portcullis.node.cluster;

import com.hazelcast.config.Config;
import dev.portcullis.fleet.client.FleetHazelcastConfig;
import dev.portcullis.node.config.ClusterSettings;

/**
 * Builds the Hazelcast configuration from the {@code cluster} section, with the fleet's one
 * {@link FleetHazelcastConfig} (shared with services that join as lite members through
 * {@link dev.portcullis.fleet.client.FleetClient}, so the two cannot drift): bind only {@code cluster.host}, join by
 * the TCP-IP member list, never multicast or cloud auto-detection. {@code deploy/hazelcast.yaml} shows the result
 * for the defaults, as a reference.
 *
 * <p>The member port this opens has no authentication (open-source Hazelcast): only the network keeps strangers
 * off it, while the event bus's mutual TLS keeps them from every request and answer (docs/fleet-security.md).
 */
public final class HazelcastConfigFactory {

    /** {@value}: ports tried from {@code cluster.port} upward when it is taken. */
    public static final int PORT_COUNT = FleetHazelcastConfig.PORT_COUNT;

    private HazelcastConfigFactory() {
    }

    /** The Hazelcast config for one member of the cluster described by {@code settings}; a full (data) member. */
    public static Config create(ClusterSettings settings) {
        return FleetHazelcastConfig.create(settings.name(), settings.host(), settings.port(), settings.members(),
                false);
    }
}

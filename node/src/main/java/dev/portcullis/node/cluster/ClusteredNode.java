package dev.portcullis.node.cluster;

import dev.portcullis.node.config.ClusterSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.util.List;

/**
 * A clustered Vert.x instance and the Hazelcast cluster manager it joined with. Every node is clustered, the
 * single-node default too, so the same code path runs everywhere.
 *
 * @param vertx   the clustered Vert.x
 * @param manager its cluster manager, for this node's id and the live member list
 */
public record ClusteredNode(Vertx vertx, HazelcastClusterManager manager) {

    /**
     * Joins (or forms) the cluster: Hazelcast per {@link HazelcastConfigFactory}, the event bus on
     * {@code cluster.host} and an ephemeral port, advertised as {@code cluster.host}.
     *
     * @return a future completed once this member has joined, or failed when Hazelcast cannot start
     * (port range taken, bad interface)
     */
    public static Future<ClusteredNode> join(ClusterSettings settings) {
        HazelcastClusterManager manager = new HazelcastClusterManager(HazelcastConfigFactory.create(settings));
        VertxOptions options = new VertxOptions().setPreferNativeTransport(true);
        options.getEventBusOptions()
                .setHost(settings.host())
                .setPort(0)
                .setClusterPublicHost(settings.host());
        return Vertx.builder()
                .with(options)
                .withClusterManager(manager)
                .buildClustered()
                .map(vertx -> new ClusteredNode(vertx, manager));
    }

    /** This node's id in the cluster (a UUID). */
    public String nodeId() {
        return manager.getNodeId();
    }

    /** The ids of the nodes currently in the cluster, this one included. */
    public List<String> liveNodes() {
        return manager.getNodes();
    }
}

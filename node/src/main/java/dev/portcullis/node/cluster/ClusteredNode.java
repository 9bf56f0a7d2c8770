package dev.portcullis.node.cluster;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import dev.portcullis.api.bus.Addresses;
import dev.portcullis.node.config.ClusterSettings;
import dev.portcullis.node.fleet.FleetCredentials;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

import java.util.List;

/**
 * A clustered Vert.x instance and the Hazelcast cluster manager it joined with. Every node is clustered, the
 * single-node default too, so the same code path runs everywhere.
 *
 * @param vertx   the clustered Vert.x
 * @param manager its cluster manager, for this node's id and the live member list
 * @param metrics this node's Prometheus registry: Vert.x's own meters, and (through Micrometer's global registry,
 *                which it joins) the roles' meters such as {@code portcullis_connections_total}
 * @param jvmMeters the JVM's meters (memory, GC, threads, ...) bound to {@code metrics}, closed with it
 */
public record ClusteredNode(Vertx vertx, RoutingClusterManager manager, PrometheusMeterRegistry metrics,
                            JvmMeters jvmMeters) {

    /**
     * Joins (or forms) the cluster: Hazelcast per {@link HazelcastConfigFactory}, the event bus on
     * {@code cluster.host} and {@code cluster.event-bus-port} (by default an ephemeral port), advertised as {@code cluster.host}, with mutual TLS: only
     * holders of a certificate from the fleet CA can send to or receive from this node's event bus
     * (docs/fleet-security.md).
     *
     * @param credentials this node's event-bus key, certificate and trusted fleet CA
     * @return a future completed once this member has joined, or failed when Hazelcast cannot start
     * (port range taken, bad interface) or the credentials cannot be loaded
     */
    public static Future<ClusteredNode> join(ClusterSettings settings, FleetCredentials credentials) {
        RoutingClusterManager manager = new RoutingClusterManager(HazelcastConfigFactory.create(settings),
                Addresses.ROLE_REQUESTS);
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Metrics.addRegistry(metrics);
        // Bound to this node's registry, not the global one: a JVM running several nodes (tests) would otherwise
        // bind them once per node into the same meters, and GC listeners could not be removed with their node.
        JvmMeters jvmMeters = JvmMeters.bindTo(metrics);
        VertxOptions options = new VertxOptions().setPreferNativeTransport(true)
                // vertx-micrometer keeps registries by name: one name per node, or nodes sharing a JVM (tests) would
                // all report into the first node's registry.
                .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
                        .setRegistryName("portcullis-" + java.util.UUID.randomUUID()));
        credentials.applyTo(options.getEventBusOptions()
                .setHost(settings.host())
                .setPort(settings.eventBusPort())
                .setClusterPublicHost(settings.host()));
        return Vertx.builder()
                .with(options)
                .withClusterManager(manager)
                .withMetrics(new MicrometerMetricsFactory(metrics))
                .buildClustered()
                .map(vertx -> {
                    RuntimeInfo.report(vertx, metrics);
                    return new ClusteredNode(vertx, manager, metrics, jvmMeters);
                })
                .onFailure(failed -> {
                    jvmMeters.close();
                    Metrics.removeRegistry(metrics);
                });
    }

    /** Leaves Micrometer's global registry; called once the node's Vert.x is closed. */
    public void releaseMetrics() {
        jvmMeters.close();
        Metrics.removeRegistry(metrics);
        metrics.close();
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

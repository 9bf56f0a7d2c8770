package dev.portcullis.node.cluster;

import dev.portcullis.node.config.ClusterSettings;
import dev.portcullis.node.fleet.FleetCredentials;
import dev.portcullis.node.testkit.FreePorts;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An attacker's clustered Vert.x: it knows the cluster name and a member address (all Hazelcast asks for) and
 * joins with the production Hazelcast config, but its event bus has no fleet credentials, or another fleet's.
 */
final class Rogue implements AutoCloseable {

    private final Vertx vertx;
    private final HazelcastClusterManager manager;

    private Rogue(Vertx vertx, HazelcastClusterManager manager) {
        this.vertx = vertx;
        this.manager = manager;
    }

    /**
     * Joins the cluster {@code name} through {@code members} on a free port of 127.0.0.1.
     *
     * @param credentials the event-bus credentials to use, or {@code null} for a plain (no TLS) event bus
     */
    static Rogue join(String name, List<String> members, FleetCredentials credentials) throws Exception {
        ClusterSettings settings = new ClusterSettings(name, "127.0.0.1", FreePorts.one(), members);
        HazelcastClusterManager manager = new HazelcastClusterManager(HazelcastConfigFactory.create(settings));
        VertxOptions options = new VertxOptions();
        options.getEventBusOptions().setHost("127.0.0.1").setPort(0).setClusterPublicHost("127.0.0.1");
        if (credentials != null) {
            credentials.applyTo(options.getEventBusOptions());
        }
        Vertx vertx = Vertx.builder().with(options).withClusterManager(manager).buildClustered()
                .await(60, TimeUnit.SECONDS);
        return new Rogue(vertx, manager);
    }

    Vertx vertx() {
        return vertx;
    }

    String nodeId() {
        return manager.getNodeId();
    }

    int clusterSize() {
        return manager.getNodes().size();
    }

    /** The consumers of {@code address} as {@code vertx}'s cluster manager sees them (node ids included). */
    static List<RegistrationInfo> registrations(Vertx vertx, String address) throws Exception {
        Promise<List<RegistrationInfo>> registrations = Promise.promise();
        ((VertxInternal) vertx).clusterManager().getRegistrations(address, registrations);
        return registrations.future().await(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        vertx.close().await(20, TimeUnit.SECONDS);
    }
}

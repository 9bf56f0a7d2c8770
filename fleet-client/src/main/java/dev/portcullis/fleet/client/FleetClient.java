package dev.portcullis.fleet.client;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Joins a Portcullis fleet from a JVM service, so that it can ask the roles over the clustered event bus with
 * gateway-api's clients:
 * <pre>{@code
 * Vertx vertx = FleetClient.join(new FleetClientOptions()
 *         .setName("portcullis").setHost("10.0.0.9").addMember("10.0.0.1:5701")
 *         .setCertFile("/etc/billing/fleet.pem").setKeyFile("/etc/billing/fleet.key")
 *         .setTrustFile("/etc/billing/fleet-ca.pem")).await();
 * Decision d = new PolicyClient(vertx).decide(new DecideRequest("api.payments.test", 443, "10.0.0.9",
 *         "billing", Mode.EXPLICIT, Protocol.TCP, null)).await();
 * }</pre>
 * The service becomes a Hazelcast <em>lite member</em>: it holds no partition of any map, so it can come and go
 * without moving data, and it runs no role, so nothing counts it as a policy or proxy node (the admin API lists it
 * with {@code "liteMember": true}). Its event bus uses the fleet's mutual TLS ({@link FleetEventBusTls}): without a
 * certificate from the fleet CA it gets no answer at all (docs/fleet-security.md). Its Hazelcast and event-bus
 * ports are, like every member's, refused by the proxies' destination guard.
 */
public final class FleetClient {

    private FleetClient() {
    }

    /**
     * Joins the fleet.
     *
     * @return a future completed with a clustered Vert.x once this service is a member (close it to leave), or
     * failed with an {@link IllegalArgumentException} naming a missing setting or unreadable file, or with the
     * cause of a failed join (no member reachable, ports taken)
     */
    public static Future<Vertx> join(FleetClientOptions options) {
        FleetClientOptions checked = new FleetClientOptions(options);
        try {
            checked.validate();
            readable("tls.cert-file", checked.getCertFile());
            readable("tls.key-file", checked.getKeyFile());
            readable("tls.trust-file", checked.getTrustFile());
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(e);
        }
        HazelcastClusterManager manager = new HazelcastClusterManager(FleetHazelcastConfig.create(checked.getName(),
                checked.getHost(), checked.getPort(), checked.getMembers(), true));
        VertxOptions vertxOptions = new VertxOptions();
        FleetEventBusTls.apply(vertxOptions.getEventBusOptions()
                        .setHost(checked.getHost())
                        .setPort(0)
                        .setClusterPublicHost(checked.getHost()),
                new PemKeyCertOptions().setCertPath(checked.getCertFile()).setKeyPath(checked.getKeyFile()),
                new PemTrustOptions().addCertPath(checked.getTrustFile()));
        return Vertx.builder().with(vertxOptions).withClusterManager(manager).buildClustered();
    }

    private static void readable(String key, String file) {
        Path path = Path.of(file);
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new IllegalArgumentException(key + " " + file + " is not a readable file");
        }
    }
}

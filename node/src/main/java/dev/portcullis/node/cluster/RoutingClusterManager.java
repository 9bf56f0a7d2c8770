package dev.portcullis.node.cluster;

import com.hazelcast.config.Config;
import io.vertx.core.Completable;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hazelcast's cluster manager, deciding when this node is in the event bus's routing for its roles' requests
 * (README, "Drain and rolling restarts"): from {@link #enterRouting()}, once the node is up, until
 * {@link #withdraw()}, before its roles stop.
 *
 * <p>A consumer registered while the node starts would otherwise be routed requests at once, while the node is
 * still deploying its other roles, on a JVM that is still loading and compiling its code: those requests are
 * answered late or not in time. Unregistering a consumer removes it here first and from the cluster's routing
 * after, and a message another node routed here in between finds no handler and is dropped without an answer
 * (Vert.x answers {@code NO_HANDLERS} only to a sender that finds no registration itself), so its sender waits
 * for its whole timeout; {@link #withdraw()} removes this node's registrations from the cluster while its
 * consumers still answer.
 */
public final class RoutingClusterManager extends HazelcastClusterManager {

    /** The addresses held out of the cluster until {@link #enterRouting()}; others are registered at once. */
    private final Set<String> routedOnceUp;
    /** This node's cluster-wide registrations, by address. */
    private final Map<String, Set<RegistrationInfo>> own = new ConcurrentHashMap<>();
    /** Registrations kept out of the cluster until {@link #enterRouting()}. Guarded by itself. */
    private final Map<RegistrationInfo, String> heldBack = new HashMap<>();
    /** Registrations already taken out of the cluster by {@link #withdraw()}. */
    private final Set<RegistrationInfo> withdrawn = ConcurrentHashMap.newKeySet();
    /** Guarded by {@link #heldBack}. */
    private boolean routed;

    /** @param routedOnceUp the addresses this node joins the routing of only at {@link #enterRouting()} */
    public RoutingClusterManager(Config config, Set<String> routedOnceUp) {
        super(config);
        this.routedOnceUp = Set.copyOf(routedOnceUp);
    }

    @Override
    public void addRegistration(String address, RegistrationInfo registration, Completable<Void> done) {
        if (!registration.localOnly()) {
            own.computeIfAbsent(address, ignored -> ConcurrentHashMap.newKeySet()).add(registration);
            if (routedOnceUp.contains(address)) {
                synchronized (heldBack) {
                    if (!routed) {
                        heldBack.put(registration, address);
                        done.succeed();
                        return;
                    }
                }
            }
        }
        super.addRegistration(address, registration, done);
    }

    @Override
    public void removeRegistration(String address, RegistrationInfo registration, Completable<Void> done) {
        Set<RegistrationInfo> registrations = own.get(address);
        if (registrations != null) {
            registrations.remove(registration);
        }
        boolean neverRouted;
        synchronized (heldBack) {
            neverRouted = heldBack.remove(registration) != null;
        }
        if (neverRouted || withdrawn.remove(registration)) {
            done.succeed();
            return;
        }
        super.removeRegistration(address, registration, done);
    }

    /**
     * Puts the registrations held back since the start into the cluster: other nodes route requests here as their
     * routing learns of it. Registrations made later go to the cluster at once.
     *
     * @return a future completed once the cluster's map holds them
     */
    public Future<Void> enterRouting() {
        Map<RegistrationInfo, String> entering;
        synchronized (heldBack) {
            routed = true;
            entering = Map.copyOf(heldBack);
            heldBack.clear();
        }
        List<Future<Void>> additions = new ArrayList<>();
        entering.forEach((registration, address) -> {
            Promise<Void> added = Promise.promise();
            super.addRegistration(address, registration, added);
            additions.add(added.future());
        });
        return Future.join(additions).mapEmpty();
    }

    /** The addresses this node has cluster-wide registrations for, in the routing or not. */
    public Set<String> ownAddresses() {
        return Set.copyOf(own.keySet());
    }

    /**
     * Removes every registration of this node from the cluster's routing, leaving its consumers in place: other
     * nodes stop sending here as their routing learns of it, and what they sent meanwhile is still answered.
     *
     * @return a future completed once the cluster's map has dropped them
     */
    public Future<Void> withdraw() {
        List<Future<Void>> removals = new ArrayList<>();
        own.forEach((address, registrations) -> registrations.forEach(registration -> {
            boolean inCluster;
            synchronized (heldBack) {
                inCluster = !heldBack.containsKey(registration);
            }
            if (inCluster && withdrawn.add(registration)) {
                Promise<Void> removed = Promise.promise();
                super.removeRegistration(address, registration, removed);
                removals.add(removed.future());
            }
        }));
        return Future.join(removals).mapEmpty();
    }
}

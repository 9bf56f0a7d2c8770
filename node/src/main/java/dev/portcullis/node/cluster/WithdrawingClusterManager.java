package dev.portcullis.node.cluster;

import com.hazelcast.config.Config;
import io.vertx.core.Completable;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hazelcast's cluster manager, able to take this node out of the event bus's routing before its consumers go
 * (README, "Drain and rolling restarts"). Unregistering a consumer removes it here first and from the cluster's
 * routing after, and a message another node routed here in between finds no handler and is dropped without an
 * answer (Vert.x answers {@code NO_HANDLERS} only to a sender that finds no registration itself), so its sender
 * waits for its whole timeout. {@link #withdraw()} removes this node's registrations from the cluster while its
 * consumers still answer; the consumers are undeployed once the others have stopped routing here.
 */
public final class WithdrawingClusterManager extends HazelcastClusterManager {

    /** This node's cluster-wide registrations, by address. */
    private final Map<String, Set<RegistrationInfo>> own = new ConcurrentHashMap<>();
    /** Registrations already taken out of the cluster by {@link #withdraw()}. */
    private final Set<RegistrationInfo> withdrawn = ConcurrentHashMap.newKeySet();

    public WithdrawingClusterManager(Config config) {
        super(config);
    }

    @Override
    public void addRegistration(String address, RegistrationInfo registration, Completable<Void> done) {
        if (!registration.localOnly()) {
            own.computeIfAbsent(address, ignored -> ConcurrentHashMap.newKeySet()).add(registration);
        }
        super.addRegistration(address, registration, done);
    }

    @Override
    public void removeRegistration(String address, RegistrationInfo registration, Completable<Void> done) {
        Set<RegistrationInfo> registrations = own.get(address);
        if (registrations != null) {
            registrations.remove(registration);
        }
        if (withdrawn.remove(registration)) {
            done.succeed();
            return;
        }
        super.removeRegistration(address, registration, done);
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
            if (withdrawn.add(registration)) {
                Promise<Void> removed = Promise.promise();
                super.removeRegistration(address, registration, removed);
                removals.add(removed.future());
            }
        }));
        return Future.join(removals).mapEmpty();
    }
}

package dev.portcullis.proxy.reverse;

import dev.portcullis.api.policy.PolicyClient;
import dev.portcullis.api.policy.Service;
import dev.portcullis.api.policy.Services;
import dev.portcullis.proxy.admit.Admission;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The services this proxy instance fronts, as the policy role last answered them ({@code policy.services}):
 * asked at start, again on every {@code portcullis.policy.changed}, and every few seconds while no answer has come
 * (fail closed: until then every reverse connection is refused with the reason). A service whose definition is
 * unchanged keeps its state (health, certificate); the certificate files are checked for changes every second.
 * Used on the verticle's event loop; the blocking reads run on a worker.
 */
public final class ServiceCatalog {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceCatalog.class);
    private static final Duration RETRY = Duration.ofSeconds(2);
    private static final Duration CERTIFICATE_CHECK = Duration.ofSeconds(1);

    private final Vertx vertx;
    private final PolicyClient policy;
    private final Admission admission;
    private Map<String, ServiceState> byName = Map.of();
    private List<ServiceState> inOrder = List.of();
    private Map<Service, String> unreadable = Map.of();
    private String version;
    private String unavailable = "no answer from the policy role yet";
    private long retryTimer = -1;
    private long certificateTimer = -1;
    private boolean refreshing;
    private boolean refreshAgain;
    private boolean stopped;

    public ServiceCatalog(Vertx vertx, PolicyClient policy, Admission admission) {
        this.vertx = vertx;
        this.policy = policy;
        this.admission = admission;
    }

    /** Asks for the services; the returned future completes once asked, answered or not (the listener opens). */
    public Future<Void> start() {
        certificateTimer = vertx.setPeriodic(CERTIFICATE_CHECK.toMillis(), id -> reloadCertificates());
        return refresh();
    }

    /** The policy changed: ask again (one question at a time; a change during one asks once more after it). */
    public Future<Void> refresh() {
        if (refreshing) {
            refreshAgain = true;
            return Future.succeededFuture();
        }
        refreshing = true;
        return policy.services()
                .compose(this::apply)
                .recover(failure -> {
                    String why = "policy role did not answer for the services: " + failure.getMessage();
                    if (version == null) {
                        unavailable = why;
                    }
                    LOG.warn("{}; {}", why, version == null ? "reverse connections are refused until it does"
                            : "services of " + version + " stay in force");
                    scheduleRetry();
                    return Future.succeededFuture();
                })
                .onComplete(done -> {
                    refreshing = false;
                    if (refreshAgain && !stopped) {
                        refreshAgain = false;
                        refresh();
                    }
                });
    }

    private void scheduleRetry() {
        if (retryTimer < 0 && !stopped) {
            retryTimer = vertx.setTimer(RETRY.toMillis(), id -> {
                retryTimer = -1;
                refresh();
            });
        }
    }

    private Future<Void> apply(Services services) {
        Map<String, ServiceState> previous = byName;
        return vertx.executeBlocking(() -> build(services, previous), false).map(built -> {
            if (stopped) {
                built.states().values().forEach(ServiceState::stop);
                return null;
            }
            previous.forEach((name, state) -> {
                if (built.states().get(name) == null || !built.kept().contains(name)) {
                    state.stop();
                }
            });
            built.states().forEach((name, state) -> {
                if (!built.kept().contains(name)) {
                    state.start();
                }
            });
            byName = built.states();
            inOrder = services.services().stream().map(service -> built.states().get(service.name()))
                    .filter(java.util.Objects::nonNull).toList();
            unreadable = built.unreadable();
            version = services.policyVersion();
            unavailable = null;
            LOG.info("reverse services of {}: {}", version, services.services().stream().map(Service::name)
                    .toList());
            return null;
        });
    }

    private record Built(Map<String, ServiceState> states, java.util.Set<String> kept, Map<Service, String> unreadable) {
    }

    /** Blocking: reads the certificate files of new and changed services. */
    private Built build(Services services, Map<String, ServiceState> previous) {
        Map<String, ServiceState> states = new HashMap<>();
        java.util.Set<String> kept = new java.util.HashSet<>();
        Map<Service, String> unreadable = new java.util.LinkedHashMap<>();
        for (Service service : services.services()) {
            ServiceState old = previous.get(service.name());
            if (old != null && sameShape(old.service(), service)) {
                states.put(service.name(), old.under(service));
                kept.add(service.name());
                continue;
            }
            try {
                states.put(service.name(), new ServiceState(vertx, admission, service));
            } catch (IllegalArgumentException e) {
                LOG.error("service '{}' cannot be served on this node: {}", service.name(), e.getMessage());
                unreadable.put(service, e.getMessage());
            }
        }
        return new Built(states, kept, unreadable);
    }

    /** Equal but for the policy version that carried it. */
    private static boolean sameShape(Service a, Service b) {
        JsonObject left = a.toJson();
        JsonObject right = b.toJson();
        left.getJsonObject("decision").remove("policyVersion");
        right.getJsonObject("decision").remove("policyVersion");
        return left.equals(right);
    }

    private void reloadCertificates() {
        List<ServiceState> states = inOrder;
        if (states.isEmpty()) {
            return;
        }
        vertx.executeBlocking(() -> {
            for (ServiceState state : states) {
                try {
                    if (state.reloadCertificate()) {
                        LOG.info("service '{}': certificate files changed, new connections get the new one",
                                state.service().name());
                    }
                } catch (IllegalArgumentException e) {
                    LOG.error("service '{}': changed certificate files cannot be read, the one in force stays: {}",
                            state.service().name(), e.getMessage());
                }
            }
            return null;
        }, false);
    }

    /** What a reverse connection naming {@code host} is served by. */
    sealed interface Lookup permits Found, NotServed, Unavailable {
    }

    record Found(ServiceState state) implements Lookup {
    }

    /** No service answers the name, or its certificate cannot be read here. */
    record NotServed(String why) implements Lookup {
    }

    /** No answer from the policy role yet: fail closed. */
    record Unavailable(String why) implements Lookup {
    }

    Lookup lookup(String host) {
        if (unavailable != null) {
            return new Unavailable(unavailable);
        }
        for (ServiceState state : inOrder) {
            if (state.service().answers(host)) {
                return new Found(state);
            }
        }
        for (Map.Entry<Service, String> broken : unreadable.entrySet()) {
            if (broken.getKey().answers(host)) {
                return new NotServed("service '" + broken.getKey().name() + "' answers " + host
                        + " but cannot be served on this node: " + broken.getValue());
            }
        }
        return new NotServed("no service of " + version + " answers " + host);
    }

    public void stop() {
        stopped = true;
        vertx.cancelTimer(certificateTimer);
        if (retryTimer >= 0) {
            vertx.cancelTimer(retryTimer);
        }
        byName.values().forEach(ServiceState::stop);
    }
}

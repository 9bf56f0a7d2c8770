package dev.portcullis.proxy;

import dev.portcullis.api.bus.Addresses;
import dev.portcullis.api.config.Durations;
import dev.portcullis.api.ca.CaClient;
import dev.portcullis.api.dns.ResolveClient;
import dev.portcullis.api.policy.PolicyChanged;
import dev.portcullis.api.policy.PolicyClient;
import dev.portcullis.proxy.access.AccessLog;
import dev.portcullis.proxy.admit.Admission;
import dev.portcullis.proxy.connection.ConnectionLimits;
import dev.portcullis.proxy.connection.OpenConnections;
import dev.portcullis.proxy.decide.Decider;
import dev.portcullis.proxy.decide.HttpRules;
import dev.portcullis.proxy.dial.Dialer;
import dev.portcullis.proxy.explicit.ExplicitListener;
import dev.portcullis.proxy.guard.AddressClassifier;
import dev.portcullis.proxy.guard.GuardCache;
import dev.portcullis.proxy.guard.OwnEndpoints;
import dev.portcullis.proxy.intercept.Interception;
import dev.portcullis.proxy.intercept.LeafMinter;
import dev.portcullis.proxy.intercept.TlsEngine;
import dev.portcullis.proxy.intercept.UpstreamTrust;
import dev.portcullis.proxy.metrics.RuleTags;
import dev.portcullis.proxy.resolve.DestinationResolver;
import dev.portcullis.proxy.reverse.ReverseListener;
import dev.portcullis.proxy.reverse.ServiceCatalog;
import dev.portcullis.proxy.revoke.RevokeOnChange;
import dev.portcullis.proxy.transparent.TransparentListener;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The proxy role: opens the listeners and wires the stages of a connection to the policy and dns roles on the
 * event bus. Configured by the {@code proxy} section of the node configuration ({@link ProxyOptions}).
 *
 * <p>Before {@link #start()} completes, each bound listener is put into the local map
 * {@value #LISTENERS_MAP} as name → "host:port", so the launcher can say where it listens.
 */
public class ProxyVerticle extends VerticleBase {

    /** Local shared map of bound listeners: name → "host:port". */
    public static final String LISTENERS_MAP = OwnEndpoints.LISTENERS_MAP;

    private static final Logger LOG = LoggerFactory.getLogger(ProxyVerticle.class);

    /** How much later than the drain Vert.x closes what is left, so that the drain's reason is the one recorded. */
    private static final Duration DRAIN_GRACE = Duration.ofSeconds(5);

    private ProxyOptions options;
    private OpenConnections open;
    private ExplicitListener explicit;
    private final List<TransparentListener> transparent = new ArrayList<>();
    private final List<ReverseListener> reverse = new ArrayList<>();
    private ServiceCatalog services;
    private AccessLog accessLog;
    private MessageConsumer<Object> policyChanges;
    private MessageConsumer<JsonObject> caChanges;
    private String caFingerprint;
    /** A minted context is reused this long (leaves live 7 days; a CA change clears them at once). */
    private static final Duration LEAF_KEEP = Duration.ofHours(12);

    @Override
    public Future<?> start() {
        try {
            options = new ProxyOptions(config());
        } catch (IllegalArgumentException e) {
            return Future.failedFuture("invalid proxy configuration: " + e.getMessage());
        }
        RuleTags.setMax(options.getMaxRuleTags());
        return vertx.executeBlocking(() -> AccessLog.open(options.getAccessLog()))
                .compose(log -> {
                    accessLog = log;
                    return startListener(options);
                });
    }

    private Future<?> startListener(ProxyOptions options) {
        int maxPending = options.getLimits().getMaxPendingBusRequests();
        PolicyClient policy = new PolicyClient(vertx, options.getPolicyTimeout(), maxPending);
        Decider decider = new Decider(policy, options.getDecisionCacheSize());
        HttpRules httpRules = new HttpRules(policy, options.getDecisionCacheSize());
        RevokeOnChange revocation = options.isRevokeOnChange() ? RevokeOnChange.on(decider) : RevokeOnChange.off();
        policyChanges = vertx.eventBus().consumer(Addresses.POLICY_CHANGED, message -> {
            decider.clear();
            httpRules.clear();
            if (services != null) {
                services.refresh();
            }
            if (revocation.enabled()) {
                revocation.policyChanged(announcedVersion(message.body()));
            }
        });
        ResolveClient dns = new ResolveClient(vertx, options.getDnsTimeout(), maxPending);
        DestinationResolver resolver = new DestinationResolver(dns, options.getDecisionCacheSize(),
                options.getDnsServeStale());
        NetClientOptions clientOptions = new NetClientOptions()
                .setConnectTimeout((int) options.getConnectTimeout().toMillis())
                .setIdleTimeout((int) options.getIdleTimeout().toMillis())
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                .setTcpNoDelay(true)
                .setSslEngineOptions(TlsEngine.vertxEngine());
        LOG.info("TLS for intercepted connections: {}", TlsEngine.describe());
        Dialer dialer = new Dialer(vertx.createNetClient(clientOptions));
        AddressClassifier classifier = AddressClassifier.forThisHost();
        // Live views: the node adds its own and the members' endpoints, the listeners appear as they bind.
        OwnEndpoints ownEndpoints = new OwnEndpoints(vertx.sharedData().getLocalMap(OwnEndpoints.MAP_NAME),
                vertx.sharedData().getLocalMap(LISTENERS_MAP), classifier);
        GuardCache guards = new GuardCache(classifier, ownEndpoints);
        LeafMinter minter = new LeafMinter(vertx, new CaClient(vertx, options.getCaTimeout(), maxPending),
                options.getLeafCacheSize(), LEAF_KEEP);
        caChanges = vertx.eventBus().<JsonObject>consumer(Addresses.CA_CHANGED, message -> {
            // Every ca instance announces its CA when it starts; only a different CA makes our leaves stale.
            String fingerprint = message.body().getString("fingerprintSha256");
            if (fingerprint != null && !fingerprint.equals(caFingerprint)) {
                if (caFingerprint != null) {
                    LOG.info("CA changed to {}: dropping cached leaves", fingerprint);
                }
                caFingerprint = fingerprint;
                minter.clear();
            }
        });
        Interception.Tools interception = new Interception.Tools(UpstreamTrust.create(options.getUpstreamCaFile()),
                minter, httpRules, accessLog, options.getMaxRequestLine(), options.getMaxHeaders(),
                options.getH2MaxConcurrentStreams());
        Admission admission = new Admission(decider, httpRules, resolver, guards, dialer, revocation);
        open = new OpenConnections();
        Stages stages = new Stages(vertx, options, admission, dns, accessLog, interception,
                ConnectionLimits.of(vertx, options.getLimits()), open);
        explicit = new ExplicitListener(vertx, options, stages);
        for (TransparentListenerOptions listener : options.getTransparent()) {
            transparent.add(new TransparentListener(vertx, options, listener, stages));
        }
        if (!options.getReverse().isEmpty()) {
            services = new ServiceCatalog(vertx, policy, admission);
            for (ReverseListenerOptions listener : options.getReverse()) {
                reverse.add(new ReverseListener(vertx, options, listener, stages, services));
            }
        }
        return Future.all(policyChanges.completion(), caChanges.completion())
                .compose(registered -> explicit.listen())
                .compose(port -> {
                    announce(ExplicitListener.NAME, options.getExplicitHost(), port);
                    return Future.all(transparent.stream().map(listener -> listener.listen()
                            .onSuccess(bound -> announce(listener.name(), listener.host(), bound)))
                            .toList());
                })
                // Asked before the reverse listeners open, so a policy role that is up is heard from first.
                .compose(listening -> services == null ? Future.succeededFuture() : services.start())
                .compose(asked -> Future.all(reverse.stream().map(listener -> listener.listen()
                        .onSuccess(bound -> announce(listener.name(), listener.host(), bound))).toList()));
    }

    /** The version a {@code policy.changed} announces; a malformed notice still clears and re-decides. */
    private static String announcedVersion(Object body) {
        try {
            return PolicyChanged.fromJson((JsonObject) body).policyVersion();
        } catch (RuntimeException e) {
            LOG.warn("malformed policy.changed notice: {}", e.getMessage());
            return "unknown";
        }
    }

    /** Also makes the listener one of the gateway's own endpoints, refused by the guard ({@link OwnEndpoints}). */
    private void announce(String name, String host, int port) {
        String where = host + ":" + port;
        vertx.sharedData().<String, String>getLocalMap(LISTENERS_MAP).put(name, where);
        LOG.info("{} listening on {}", name, where);
    }

    /**
     * Drains (README, "Drain and rolling restarts"): the listeners go on accepting for {@code drain-delay} while
     * the node reports itself unready, then stop accepting; the connections open then go on until they end, at
     * most {@code drain-timeout}, and those left are closed with reason {@value OpenConnections#DRAIN}.
     */
    @Override
    public Future<?> stop() {
        if (options == null || open == null) {
            return closeListeners();
        }
        Duration delay = options.getDrainDelay();
        Duration timeout = options.getDrainTimeout();
        Future<Void> delayed = delay.isZero() ? Future.succeededFuture()
                : Future.future(waited -> vertx.setTimer(delay.toMillis(), id -> waited.complete()));
        return delayed.compose(ignored -> {
            // Vert.x's own deadline for what is left is later than the drain's, so the drain closes them first,
            // with its reason in their records.
            Duration grace = timeout.plus(DRAIN_GRACE);
            if (explicit != null) {
                explicit.stopAccepting(grace);
            }
            transparent.forEach(listener -> listener.stopAccepting(grace));
            reverse.forEach(listener -> listener.stopAccepting(grace));
            int draining = open.size();
            if (draining > 0) {
                LOG.info("draining: listeners closed, waiting up to {} for {} open connections",
                        Durations.format(timeout), draining);
            }
            return open.drain(vertx, timeout).onSuccess(closed -> {
                if (draining > 0) {
                    LOG.info("drained: {} of {} connections ended by themselves, {} closed after {} (reason {})",
                            draining - closed, draining, closed, Durations.format(timeout),
                            OpenConnections.DRAIN);
                }
            });
        }).transform(ignored -> closeListeners());
    }

    private Future<Void> closeListeners() {
        List<Future<Void>> closing = new ArrayList<>();
        if (explicit != null) {
            closing.add(explicit.close());
        }
        transparent.forEach(listener -> closing.add(listener.close()));
        reverse.forEach(listener -> closing.add(listener.close()));
        if (services != null) {
            services.stop();
        }
        // Closing the log writes what is still queued: blocking, so not on the event loop.
        return Future.join(closing).<Void>mapEmpty().eventually(() -> accessLog == null ? Future.succeededFuture()
                : vertx.executeBlocking(() -> {
                    accessLog.close();
                    return null;
                }));
    }
}

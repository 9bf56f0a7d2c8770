package dev.portcullis.policy;

import dev.portcullis.api.bus.Addresses;
import dev.portcullis.api.bus.Replies;
import dev.portcullis.api.policy.DecideRequest;
import dev.portcullis.api.policy.HttpDecideRequest;
import dev.portcullis.api.policy.PolicyChanged;
import dev.portcullis.policy.load.Change;
import dev.portcullis.policy.load.LoadedPolicy;
import dev.portcullis.policy.load.PolicyWatcher;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.function.Function;

/**
 * The policy role. Loads the policy file, answers {@link Addresses#POLICY_DECIDE}, {@link Addresses#POLICY_INFO},
 * {@link Addresses#POLICY_HTTP} and {@link Addresses#POLICY_SERVICES},
 * publishes {@link Addresses#POLICY_CHANGED} whenever a new version comes into force, and looks at the file every
 * {@code reload-interval} for changes. A broken or missing file never replaces a good policy.
 *
 * <p>Configured by {@link PolicyVerticleOptions} ({@code file}, {@code reload-interval}). Any number of instances
 * may run on a node or across the cluster: each reads the file itself, and since the version is derived from the
 * bytes they all name the same version for the same file.
 */
public class PolicyVerticle extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyVerticle.class);

    private PolicyVerticleOptions options;
    private PolicyWatcher watcher;
    // Both fields are only touched on this verticle's event loop: handlers, timer and executeBlocking results all
    // run on its context, so the swap on reload is a single reference write that no reader can see half-done.
    private LoadedPolicy current;
    private String lastError;
    private long timerId = -1;
    private boolean stopped;

    public PolicyVerticle() {
    }

    /**
     * Reads and compiles the file off the event loop, registers the consumers and publishes the first version.
     *
     * @return a future completed once its consumers are registered (cluster-wide when clustered); failed with a
     * {@code PolicyException} reading {@code file:line: reason} when the file is invalid, or with an
     * {@code IllegalArgumentException} naming the key when the configuration is
     */
    @Override
    public Future<?> start() {
        try {
            options = new PolicyVerticleOptions(config()).validate();
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(e);
        }
        watcher = new PolicyWatcher(Path.of(options.getFile()));
        return vertx.executeBlocking(watcher::load)
                .compose(loaded -> {
                    current = loaded;
                    logLoaded(loaded);
                    MessageConsumer<Object> decide = vertx.eventBus().consumer(Addresses.POLICY_DECIDE, this::decide);
                    MessageConsumer<Object> info = vertx.eventBus().consumer(Addresses.POLICY_INFO, this::info);
                    MessageConsumer<Object> http = vertx.eventBus().consumer(Addresses.POLICY_HTTP, this::decideHttp);
                    MessageConsumer<Object> services = vertx.eventBus().consumer(Addresses.POLICY_SERVICES,
                            this::services);
                    vertx.eventBus().localConsumer(Addresses.NODE_RELOAD, message -> reload());
                    return Future.all(decide.completion(), info.completion(), http.completion(),
                            services.completion());
                })
                .onSuccess(ignored -> {
                    publishChanged();
                    scheduleCheck();
                });
    }

    /** Stops looking at the file; the consumers go with the deployment. */
    @Override
    public Future<?> stop() {
        stopped = true;
        vertx.cancelTimer(timerId);
        return Future.succeededFuture();
    }

    private void decide(Message<Object> message) {
        answer(message, "decide", body -> current.policy().decide(DecideRequest.fromJson(body)).toJson());
    }

    private void decideHttp(Message<Object> message) {
        answer(message, "http decide", body -> current.policy().decideHttp(HttpDecideRequest.fromJson(body)).toJson());
    }

    private void services(Message<Object> message) {
        // The request carries nothing ({}): every caller gets the whole list of the version in force.
        answer(message, "services", body -> current.policy().services().toJson());
    }

    /** Replies with {@code handler}'s answer; a malformed request gets BAD_REQUEST, never a crash. */
    private static void answer(Message<Object> message, String what, Function<JsonObject, JsonObject> handler) {
        try {
            if (!(message.body() instanceof JsonObject body)) {
                throw new IllegalArgumentException("a " + what + " request must be a JSON object");
            }
            message.reply(handler.apply(body));
        } catch (IllegalArgumentException e) {
            Replies.fail(message, e);
        } catch (RuntimeException e) {
            // Not the caller's fault: a bug here. Answer (the caller fails closed) and keep serving.
            LOG.error("policy {} failed", what, e);
            Replies.fail(message, e);
        }
    }

    private void info(Message<Object> message) {
        JsonObject reply = new JsonObject()
                .put("policyVersion", current.version())
                .put("rules", current.rules())
                .put("file", current.file())
                .put("loadedAt", current.loadedAt().toString());
        if (lastError != null) {
            reply.put("lastError", lastError);
        }
        message.reply(reply);
    }

    private void scheduleCheck() {
        if (!stopped) {
            // A one-shot timer re-armed after each look, so looks never overlap however slow a large file is.
            timerId = vertx.setTimer(options.getReloadInterval().toMillis(), id -> check());
        }
    }

    private void check() {
        vertx.executeBlocking(watcher::check).onComplete(result -> {
            if (stopped) {
                return;
            }
            if (result.succeeded()) {
                apply(result.result());
            } else {
                LOG.warn("policy check of {} failed, keeping version {}", options.getFile(), current.version(),
                        result.cause());
            }
            scheduleCheck();
        });
    }

    /** The node was told to reload (SIGHUP): read the file now, even if its stamp did not move. */
    private void reload() {
        LOG.info("reload requested: reading {}", options.getFile());
        vertx.executeBlocking(watcher::reread).onComplete(result -> {
            if (stopped) {
                return;
            }
            if (result.failed()) {
                LOG.warn("policy reload of {} failed, keeping version {}", options.getFile(), current.version(),
                        result.cause());
            } else if (result.result() == Change.UNCHANGED) {
                LOG.info("policy {} unchanged, version {} stays in force", options.getFile(), current.version());
            } else {
                apply(result.result());
            }
        });
    }

    private void apply(Change change) {
        if (change instanceof Change.Changed changed) {
            LoadedPolicy previous = current;
            current = changed.loaded();
            lastError = null;
            if (!previous.version().equals(current.version())) {
                logLoaded(current);
                publishChanged();
            } else {
                LOG.info("policy file {} is valid again, version {} stays in force", current.file(),
                        current.version());
            }
        } else if (change instanceof Change.Refused refused) {
            lastError = refused.error().getMessage();
            LOG.warn("policy reload refused: {}; keeping version {}", lastError, current.version());
        } else if (change instanceof Change.Unreadable unreadable) {
            lastError = unreadable.reason();
            LOG.warn("policy reload impossible: {}; keeping version {}", lastError, current.version());
        }
    }

    private void publishChanged() {
        vertx.eventBus().publish(Addresses.POLICY_CHANGED,
                new PolicyChanged(current.version(), current.rules()).toJson());
    }

    private static void logLoaded(LoadedPolicy loaded) {
        LOG.info("policy loaded: version={} rules={} file={}", loaded.version(), loaded.rules(), loaded.file());
    }
}

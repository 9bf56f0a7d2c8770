package dev.portcullis.node.admin;

import dev.portcullis.api.bus.Addresses;
import dev.portcullis.api.bus.ErrorCode;
import dev.portcullis.api.bus.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether this node can serve traffic: it is ready when the roles a proxy depends on answer it over the event
 * bus in time, wherever in the cluster they run. Asks {@link Addresses#POLICY_INFO} and
 * {@link Addresses#DNS_INFO} in parallel.
 */
public final class Readiness {

    /** {@value} ms: how long each role may take to answer a readiness probe. */
    public static final long DEFAULT_TIMEOUT_MS = 1000;

    private static final Map<String, Dependency> DEPENDENCIES = dependencies();

    private final Vertx vertx;
    private final DeliveryOptions delivery;

    public Readiness(Vertx vertx, Duration timeout) {
        this.vertx = vertx;
        this.delivery = new DeliveryOptions().setSendTimeout(timeout.toMillis());
    }

    private record Dependency(String address, ErrorCode unavailable) {
    }

    private static Map<String, Dependency> dependencies() {
        Map<String, Dependency> dependencies = new LinkedHashMap<>();
        dependencies.put("policy", new Dependency(Addresses.POLICY_INFO, ErrorCode.POLICY_UNAVAILABLE));
        dependencies.put("dns", new Dependency(Addresses.DNS_INFO, ErrorCode.DNS_UNAVAILABLE));
        return dependencies;
    }

    /**
     * Probes every dependency.
     *
     * @return a future (never failed) with {@code {ready, missing: [role...], <role>: info-reply or
     * {error: reason}}}
     */
    public Future<JsonObject> probe() {
        Map<String, Future<JsonObject>> answers = new LinkedHashMap<>();
        DEPENDENCIES.forEach((role, dependency) -> answers.put(role, ask(role, dependency)));
        return Future.join(List.copyOf(answers.values())).transform(ignored -> {
            JsonObject result = new JsonObject();
            JsonArray missing = new JsonArray();
            answers.forEach((role, answer) -> {
                if (answer.succeeded()) {
                    result.put(role, answer.result());
                } else {
                    missing.add(role);
                    result.put(role, new JsonObject().put("error", answer.cause().getMessage()));
                }
            });
            return Future.succeededFuture(result.put("ready", missing.isEmpty()).put("missing", missing));
        });
    }

    private Future<JsonObject> ask(String role, Dependency dependency) {
        return vertx.eventBus().<JsonObject>request(dependency.address(), new JsonObject(), delivery)
                .map(reply -> reply.body())
                .recover(failure -> Future.failedFuture(
                        GatewayException.fromBus(failure, dependency.unavailable(), role)));
    }
}

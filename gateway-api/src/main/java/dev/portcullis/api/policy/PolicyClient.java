package dev.portcullis.api.policy;

import dev.portcullis.api.bus.Addresses;
import dev.portcullis.api.bus.ErrorCode;
import dev.portcullis.api.bus.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

import java.time.Duration;

/**
 * Asks the policy role over the (clustered) event bus. This is how other services on the cluster query the
 * policy; the proxy role uses it too.
 */
public final class PolicyClient {

    /** Default time to wait for a decision: long enough for a busy cluster, short enough to fail closed fast. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    private final Vertx vertx;
    private final DeliveryOptions delivery;

    public PolicyClient(Vertx vertx) {
        this(vertx, DEFAULT_TIMEOUT);
    }

    public PolicyClient(Vertx vertx, Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        this.vertx = vertx;
        this.delivery = new DeliveryOptions().setSendTimeout(timeout.toMillis());
    }

    /**
     * Asks for a decision.
     *
     * @return a future completed with the decision, or failed with a {@link GatewayException} whose code is
     * {@link ErrorCode#POLICY_UNAVAILABLE} when no policy role answered (callers fail closed) or
     * {@link ErrorCode#BAD_REQUEST} when the role refused the request
     */
    public Future<Decision> decide(DecideRequest request) {
        return vertx.eventBus().<JsonObject>request(Addresses.POLICY_DECIDE, request.toJson(), delivery)
                .recover(failure -> Future.failedFuture(
                        GatewayException.fromBus(failure, ErrorCode.POLICY_UNAVAILABLE, "policy")))
                .map(reply -> Decision.fromJson(reply.body()));
    }

    /**
     * Asks whether one request inside a decrypted connection may pass.
     *
     * @return the decision, or a failed future with {@link ErrorCode#POLICY_UNAVAILABLE} (callers fail closed)
     */
    public Future<HttpDecision> decideHttp(HttpDecideRequest request) {
        return vertx.eventBus().<JsonObject>request(Addresses.POLICY_HTTP, request.toJson(), delivery)
                .recover(failure -> Future.failedFuture(
                        GatewayException.fromBus(failure, ErrorCode.POLICY_UNAVAILABLE, "policy")))
                .map(reply -> HttpDecision.fromJson(reply.body()));
    }
}

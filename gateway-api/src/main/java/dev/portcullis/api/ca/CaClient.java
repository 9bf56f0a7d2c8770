package dev.portcullis.api.ca;

import dev.portcullis.api.bus.Addresses;
import dev.portcullis.api.bus.ErrorCode;
import dev.portcullis.api.bus.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

import java.time.Duration;

/** Asks the ca role over the event bus for leaves and for the root. */
public final class CaClient {

    /** Default time to wait: signing is milliseconds; a missing role should fail the connection fast. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);

    private final Vertx vertx;
    private final DeliveryOptions delivery;

    public CaClient(Vertx vertx) {
        this(vertx, DEFAULT_TIMEOUT);
    }

    public CaClient(Vertx vertx, Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        this.vertx = vertx;
        this.delivery = new DeliveryOptions().setSendTimeout(timeout.toMillis());
    }

    /**
     * @return the signed chain, or a failed future with a {@link GatewayException}:
     * {@link ErrorCode#CA_UNAVAILABLE} when no ca role answered, {@link ErrorCode#BAD_REQUEST} for a refused request
     */
    public Future<SignedChain> sign(SignRequest request) {
        return vertx.eventBus().<JsonObject>request(Addresses.CA_SIGN, request.toJson(), delivery)
                .recover(failure -> Future.failedFuture(GatewayException.fromBus(failure, ErrorCode.CA_UNAVAILABLE, "ca")))
                .map(reply -> SignedChain.fromJson(reply.body()));
    }

    /** @return the root, or a failed future with {@link ErrorCode#CA_UNAVAILABLE} */
    public Future<CaRoot> root() {
        return vertx.eventBus().<JsonObject>request(Addresses.CA_ROOT, new JsonObject(), delivery)
                .recover(failure -> Future.failedFuture(GatewayException.fromBus(failure, ErrorCode.CA_UNAVAILABLE, "ca")))
                .map(reply -> CaRoot.fromJson(reply.body()));
    }
}

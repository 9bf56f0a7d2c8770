package dev.portcullis.api.ca;

import dev.portcullis.api.bus.Addresses;
import dev.portcullis.api.bus.ErrorCode;
import dev.portcullis.api.bus.GatewayException;
import dev.portcullis.api.bus.RoleRequests;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.time.Duration;

/** Asks the ca role over the event bus for leaves and for the root. */
public final class CaClient {

    /** Default time to wait: signing is milliseconds; a missing role should fail the connection fast. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);

    private final RoleRequests requests;

    public CaClient(Vertx vertx) {
        this(vertx, DEFAULT_TIMEOUT);
    }

    public CaClient(Vertx vertx, Duration timeout) {
        this(vertx, timeout, RoleRequests.UNBOUNDED);
    }

    /** @param maxPending how many requests may wait at once; past it they fail at once ({@link RoleRequests}) */
    public CaClient(Vertx vertx, Duration timeout, int maxPending) {
        this.requests = new RoleRequests(vertx, "ca", ErrorCode.CA_UNAVAILABLE, timeout, maxPending);
    }

    /**
     * @return the signed chain, or a failed future with a {@link GatewayException}:
     * {@link ErrorCode#CA_UNAVAILABLE} when no ca role answered, {@link ErrorCode#BAD_REQUEST} for a refused request
     */
    public Future<SignedChain> sign(SignRequest request) {
        return requests.request(Addresses.CA_SIGN, request.toJson()).map(SignedChain::fromJson);
    }

    /** @return the root, or a failed future with {@link ErrorCode#CA_UNAVAILABLE} */
    public Future<CaRoot> root() {
        return requests.request(Addresses.CA_ROOT, new JsonObject()).map(CaRoot::fromJson);
    }
}

package dev.portcullis.api.policy;

import dev.portcullis.api.bus.Addresses;
import dev.portcullis.api.bus.ErrorCode;
import dev.portcullis.api.bus.GatewayException;
import dev.portcullis.api.bus.RoleRequests;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.core.Vertx;

import java.time.Duration;

/**
 * Asks the policy role over the (clustered) event bus. This is how other services on the cluster query the
 * policy; the proxy role uses it too.
 */
public final class PolicyClient {

    /** Default time to wait for a decision: long enough for a busy cluster, short enough to fail closed fast. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    private final RoleRequests requests;

    public PolicyClient(Vertx vertx) {
        this(vertx, DEFAULT_TIMEOUT);
    }

    public PolicyClient(Vertx vertx, Duration timeout) {
        this(vertx, timeout, RoleRequests.UNBOUNDED);
    }

    /** @param maxPending how many requests may wait at once; past it they fail at once ({@link RoleRequests}) */
    public PolicyClient(Vertx vertx, Duration timeout, int maxPending) {
        this.requests = new RoleRequests(vertx, "policy", ErrorCode.POLICY_UNAVAILABLE, timeout, maxPending);
    }

    /**
     * Asks for a decision.
     *
     * @return a future completed with the decision, or failed with a {@link GatewayException} whose code is
     * {@link ErrorCode#POLICY_UNAVAILABLE} when no policy role answered (callers fail closed) or
     * {@link ErrorCode#BAD_REQUEST} when the role refused the request
     */
    public Future<Decision> decide(DecideRequest request) {
        return requests.request(Addresses.POLICY_DECIDE, request.toJson()).map(Decision::fromJson);
    }

    /**
     * Asks whether one request inside a decrypted connection may pass.
     *
     * @return the decision, or a failed future with {@link ErrorCode#POLICY_UNAVAILABLE} (callers fail closed)
     */
    public Future<HttpDecision> decideHttp(HttpDecideRequest request) {
        return requests.request(Addresses.POLICY_HTTP, request.toJson()).map(HttpDecision::fromJson);
    }

    /**
     * Asks for the policy's {@code services:} (the reverse listeners' services).
     *
     * @return them, or a failed future with {@link ErrorCode#POLICY_UNAVAILABLE}
     */
    public Future<Services> services() {
        return requests.request(Addresses.POLICY_SERVICES, new JsonObject()).map(Services::fromJson);
    }
}

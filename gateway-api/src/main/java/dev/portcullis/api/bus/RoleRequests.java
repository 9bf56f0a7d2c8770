package dev.portcullis.api.bus;

import dev.portcullis.api.log.ThrottledLog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Requests to one role over the event bus, the one place where they are sent: each waits at most the timeout,
 * every failure becomes a {@link GatewayException} (the role's "unavailable" code when nobody answered), and at
 * most {@code maxPending} wait at once. A role that has stopped answering without leaving the cluster (a frozen
 * process) would otherwise collect every new connection's request for its whole timeout; past the bound they
 * fail at once with the same "unavailable" code, so the caller fails closed fast (README, "Limits").
 *
 * <p>A request whose target instance has gone is sent once more: the clustered event bus picks an instance per
 * message (round robin over the nodes that registered the address), and while a node leaves, or after it died,
 * others may still pick it for a moment. Its answer then says that nobody there handles the address
 * ({@code NO_HANDLERS}): nothing was decided, so asking again, most likely another instance, is safe. A timeout
 * is never repeated: the target may be busy answering, and a second wait would double the client's. A node that
 * died shows only as timeouts (the bus does not fail a request whose connection broke), until the cluster drops
 * it. (README, "Drain and rolling restarts".)
 * Thread-safe.
 */
public final class RoleRequests {

    /** No bound on pending requests (callers that are not on a connection's path). */
    public static final int UNBOUNDED = Integer.MAX_VALUE;

    private static final ThrottledLog FAIL_FAST_LOG = new ThrottledLog(LoggerFactory.getLogger(RoleRequests.class),
            Duration.ofSeconds(10));

    private final Vertx vertx;
    private final String role;
    private final ErrorCode unavailable;
    private final DeliveryOptions delivery;
    private final int maxPending;
    private final AtomicInteger pending = new AtomicInteger();

    /**
     * @param role        the role's name, for messages ("policy", "dns", "ca")
     * @param unavailable the code when nobody answered or too many wait
     * @param timeout     how long one request waits for its answer
     * @param maxPending  how many may wait at once, at least 1
     */
    public RoleRequests(Vertx vertx, String role, ErrorCode unavailable, Duration timeout, int maxPending) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        if (maxPending < 1) {
            throw new IllegalArgumentException("maxPending must be at least 1, was " + maxPending);
        }
        this.vertx = vertx;
        this.role = role;
        this.unavailable = unavailable;
        this.delivery = new DeliveryOptions().setSendTimeout(timeout.toMillis());
        this.maxPending = maxPending;
    }

    /** @return the answer's body, or a failed future with a {@link GatewayException} */
    public Future<JsonObject> request(String address, JsonObject body) {
        if (pending.incrementAndGet() > maxPending) {
            pending.decrementAndGet();
            String reason = role + " unavailable: " + maxPending + " requests already wait for it, failing fast";
            FAIL_FAST_LOG.warn(role, reason);
            return Future.failedFuture(new GatewayException(unavailable, reason));
        }
        return send(address, body)
                .recover(failure -> targetGone(failure) ? send(address, body) : Future.failedFuture(failure))
                .andThen(done -> pending.decrementAndGet())
                .recover(failure -> Future.failedFuture(GatewayException.fromBus(failure, unavailable, role)))
                .map(Message::body);
    }

    private Future<Message<JsonObject>> send(String address, JsonObject body) {
        return vertx.eventBus().request(address, body, delivery);
    }

    /**
     * Whether a failure means the instance picked for the request is gone rather than that it answered or is slow:
     * it has no handler for the address any more (it left, or its role stopped).
     */
    static boolean targetGone(Throwable failure) {
        return failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS;
    }

    /** How many requests wait for an answer now. */
    public int pending() {
        return pending.get();
    }
}

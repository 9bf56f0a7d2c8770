package dev.portcullis.api.bus;

import dev.portcullis.api.log.ThrottledLog;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
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
 * ({@code NO_HANDLERS}): nothing was decided, so asking again, most likely another instance, is safe.
 *
 * <p>A request not answered within half its timeout is asked once more, in parallel (a hedged request), and the
 * first answer wins; the second waits only what is left of the timeout, so the caller never waits longer than
 * before. The instance picked first may be starting (a JVM that has just joined loads and compiles the code it
 * answers with), paused for a collection, overloaded, or dead without the cluster knowing yet: each shows only as
 * a missing answer, and the round robin most likely sends the second request elsewhere. Every request here only
 * reads or derives (a decision, a resolution, a certificate for a name), so asking twice is safe. (README, "Drain
 * and rolling restarts".)
 * Thread-safe.
 */
public final class RoleRequests {

    /** No bound on pending requests (callers that are not on a connection's path). */
    public static final int UNBOUNDED = Integer.MAX_VALUE;

    /** One line per role and kind (failing fast, hedging) every 10 s at most. */
    private static final ThrottledLog LOG = new ThrottledLog(LoggerFactory.getLogger(RoleRequests.class),
            Duration.ofSeconds(10));

    private final Vertx vertx;
    private final String role;
    private final ErrorCode unavailable;
    private final DeliveryOptions delivery;
    /** When an unanswered request is asked again, and how long that second request waits. */
    private final long hedgeAfterMs;
    private final DeliveryOptions hedgeDelivery;
    private final int maxPending;
    private final AtomicInteger pending = new AtomicInteger();

    /**
     * @param role        the role's name, for messages ("policy", "dns", "ca")
     * @param unavailable the code when nobody answered or too many wait
     * @param timeout     how long one request waits for its answer, its hedge included
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
        this.hedgeAfterMs = Math.max(1, timeout.toMillis() / 2);
        this.hedgeDelivery = new DeliveryOptions().setSendTimeout(Math.max(1, timeout.toMillis() - hedgeAfterMs));
        this.maxPending = maxPending;
    }

    /** @return the answer's body, or a failed future with a {@link GatewayException} */
    public Future<JsonObject> request(String address, JsonObject body) {
        if (pending.incrementAndGet() > maxPending) {
            pending.decrementAndGet();
            String reason = role + " unavailable: " + maxPending + " requests already wait for it, failing fast";
            LOG.warn(role, reason);
            return Future.failedFuture(new GatewayException(unavailable, reason));
        }
        return hedged(address, body)
                .andThen(done -> pending.decrementAndGet())
                .recover(failure -> Future.failedFuture(GatewayException.fromBus(failure, unavailable, role)))
                .map(Message::body);
    }

    /** The first answer of the request and, when it is late, of its hedge; the failure once both failed. */
    private Future<Message<JsonObject>> hedged(String address, JsonObject body) {
        Promise<Message<JsonObject>> answer = Promise.promise();
        AtomicInteger asked = new AtomicInteger(1);
        sendOrResend(address, body, delivery).onComplete(result -> settle(answer, result, asked));
        long hedge = vertx.setTimer(hedgeAfterMs, id -> {
            if (!answer.future().isComplete()) {
                asked.incrementAndGet();
                LOG.warn(role + " hedge", role + ": no answer within " + hedgeAfterMs + " ms on " + address
                        + ", asking again (most likely another instance)");
                sendOrResend(address, body, hedgeDelivery).onComplete(result -> settle(answer, result, asked));
            }
        });
        return answer.future().andThen(done -> vertx.cancelTimer(hedge));
    }

    /**
     * An answer wins at once, and so does a failure that the role itself answered; a missing answer (a timeout,
     * or no instance) fails the request only once the other one has failed too.
     */
    private static void settle(Promise<Message<JsonObject>> answer, AsyncResult<Message<JsonObject>> result,
                               AtomicInteger asked) {
        if (result.succeeded()) {
            answer.tryComplete(result.result());
        } else if (answeredFailure(result.cause()) || asked.decrementAndGet() == 0) {
            answer.tryFail(result.cause());
        }
    }

    private static boolean answeredFailure(Throwable failure) {
        return failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE;
    }

    private Future<Message<JsonObject>> sendOrResend(String address, JsonObject body, DeliveryOptions options) {
        return send(address, body, options)
                .recover(failure -> targetGone(failure) ? send(address, body, options) : Future.failedFuture(failure));
    }

    private Future<Message<JsonObject>> send(String address, JsonObject body, DeliveryOptions options) {
        return vertx.eventBus().request(address, body, options);
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

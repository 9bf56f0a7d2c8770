package dev.portcullis.node.cluster;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;

import java.time.Duration;
import java.util.Set;

/**
 * Watches, while a node leaves the bus's routing, the requests that still arrive for its roles' addresses, so that
 * the roles stop only once the other members have stopped sending here (README, "Drain and rolling restarts"). How
 * soon each member's routing learns of the withdrawal depends on its load; a fixed wait either holds every shutdown
 * longer than needed or, on a loaded fleet, stops a consumer that requests still reach, which Vert.x then drops
 * without an answer. Only point-to-point sends count: they are what the bus routes round robin to a role.
 */
public final class LeavingArrivals {

    private final Vertx vertx;
    private final Set<String> addresses;
    private final Handler<DeliveryContext<Object>> interceptor = this::seen;
    private volatile long lastArrivalNanos;

    private LeavingArrivals(Vertx vertx, Set<String> addresses) {
        this.vertx = vertx;
        this.addresses = Set.copyOf(addresses);
        this.lastArrivalNanos = System.nanoTime();
    }

    /** Starts watching the sends that arrive for {@code addresses}. */
    public static LeavingArrivals watch(Vertx vertx, Set<String> addresses) {
        LeavingArrivals arrivals = new LeavingArrivals(vertx, addresses);
        vertx.eventBus().addInboundInterceptor(arrivals.interceptor);
        return arrivals;
    }

    private void seen(DeliveryContext<Object> delivery) {
        if (delivery.send() && addresses.contains(delivery.message().address())) {
            lastArrivalNanos = System.nanoTime();
        }
        delivery.next();
    }

    /**
     * Completes once at least {@code atLeast} has passed and no send has arrived for {@code quiet}, or once
     * {@code atMost} has passed, whichever is first; then stops watching.
     *
     * @return a future with whether the arrivals went quiet ({@code false}: {@code atMost} ran out first)
     */
    public Future<Boolean> awaitQuiet(Duration atLeast, Duration quiet, Duration atMost) {
        long startNanos = System.nanoTime();
        Promise<Boolean> done = Promise.promise();
        long checkEveryMs = Math.max(10, quiet.toMillis() / 5);
        vertx.setPeriodic(atLeast.toMillis(), checkEveryMs, timer -> {
            long now = System.nanoTime();
            boolean wentQuiet = now - lastArrivalNanos >= quiet.toNanos();
            if (wentQuiet || now - startNanos >= atMost.toNanos()) {
                vertx.cancelTimer(timer);
                vertx.eventBus().removeInboundInterceptor(interceptor);
                done.complete(wentQuiet);
            }
        });
        return done.future();
    }
}

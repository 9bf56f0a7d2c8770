package dev.portcullis.proxy.connection;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The connections of one proxy instance that have not finished yet, whatever their state, so that a drain can
 * wait for them and close the ones left (README, "Drain and rolling restarts"). A connection leaves when its
 * record is written ({@link ClientConnection#onFinish}), the moment every path passes through. Not thread-safe:
 * used on the proxy instance's event loop, where its connections run.
 */
public final class OpenConnections {

    /** {@value}: the reason in the record of a connection still open when the drain timeout passed. */
    public static final String DRAIN = "drain";

    private final Set<ClientConnection> open = new LinkedHashSet<>();
    private Runnable onEmpty;

    /** Holds {@code connection} until it finishes. */
    public void add(ClientConnection connection) {
        if (open.add(connection)) {
            connection.onFinish(() -> {
                open.remove(connection);
                if (open.isEmpty() && onEmpty != null) {
                    Runnable notify = onEmpty;
                    onEmpty = null;
                    notify.run();
                }
            });
        }
    }

    /** How many are open now. */
    public int size() {
        return open.size();
    }

    /**
     * Tells every open connection that the node drains ({@link ClientConnection#drain}: a keep-alive HTTP connection
     * closes after the request in hand), waits until each has finished, at most {@code timeout}; then closes those
     * left with reason {@value #DRAIN} and waits for their records. Call it once the listeners stopped accepting, on
     * the instance's event loop.
     *
     * @return a future completed with how many were closed by the drain (0 when all finished in time)
     */
    public Future<Integer> drain(Vertx vertx, Duration timeout) {
        Promise<Integer> drained = Promise.promise();
        new ArrayList<>(open).forEach(ClientConnection::drain);
        if (open.isEmpty()) {
            drained.complete(0);
            return drained.future();
        }
        long timer = vertx.setTimer(Math.max(1, timeout.toMillis()), id -> {
            int left = open.size();
            onEmpty = () -> drained.tryComplete(left);
            // A copy: each close writes a record, which removes its connection from the set.
            new ArrayList<>(open).forEach(connection -> connection.close(DRAIN));
        });
        onEmpty = () -> {
            vertx.cancelTimer(timer);
            drained.tryComplete(0);
        };
        return drained.future();
    }
}

package dev.portcullis.proxy.connection;

import dev.portcullis.proxy.LimitOptions;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the connections each client address holds open on this node, and those still without a whole request
 * head or ClientHello, against {@link LimitOptions} (README, "Limits"). One instance per Vert.x node, shared by
 * every proxy instance and listener on it through a local map, because the fds and heap it protects are the
 * node's. Thread-safe: listeners on several event loops take and give back slots at once.
 */
public final class ConnectionLimits implements Shareable {

    private static final String MAP_NAME = "portcullis.connection-limits";
    private static final String KEY = "limits";

    private final LimitOptions options;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger unfinishedHeads = new AtomicInteger();
    /** Client address → its counts; an entry leaves the map when the client holds nothing. */
    private final ConcurrentMap<String, ClientCounts> clients = new ConcurrentHashMap<>();

    public ConnectionLimits(LimitOptions options) {
        this.options = new LimitOptions(options.toJson());
    }

    /** The node's limits: made by the first proxy instance to start, shared by the others. */
    public static ConnectionLimits of(Vertx vertx, LimitOptions options) {
        LocalMap<String, ConnectionLimits> map = vertx.sharedData().getLocalMap(MAP_NAME);
        ConnectionLimits made = new ConnectionLimits(options);
        ConnectionLimits existing = map.putIfAbsent(KEY, made);
        return existing != null ? existing : made;
    }

    /**
     * Takes a slot for a connection just accepted from {@code client}, which counts as an unfinished head until
     * {@link #headFinished} is called.
     *
     * @return empty when taken (give it back with {@link #release}), else the limit it would exceed
     */
    public Optional<LimitExceededException> tryAccept(String client) {
        if (connections.incrementAndGet() > options.getMaxConnections()) {
            connections.decrementAndGet();
            return Optional.of(new LimitExceededException(503, "the gateway node holds its limit of "
                    + options.getMaxConnections() + " connections (proxy.limits.max-connections)"));
        }
        if (unfinishedHeads.incrementAndGet() > options.getMaxUnfinishedHeads()) {
            unfinishedHeads.decrementAndGet();
            connections.decrementAndGet();
            return Optional.of(new LimitExceededException(503, "the gateway node holds its limit of "
                    + options.getMaxUnfinishedHeads()
                    + " connections without a whole request yet (proxy.limits.max-unfinished-heads)"));
        }
        LimitExceededException[] exceeded = new LimitExceededException[1];
        clients.compute(client, (address, counts) -> {
            ClientCounts next = counts != null ? counts : new ClientCounts();
            if (next.connections >= options.getMaxConnectionsPerClient()) {
                exceeded[0] = new LimitExceededException(429, "client " + client + " holds its limit of "
                        + options.getMaxConnectionsPerClient()
                        + " connections (proxy.limits.max-connections-per-client)");
            } else if (next.unfinishedHeads >= options.getMaxUnfinishedHeadsPerClient()) {
                exceeded[0] = new LimitExceededException(429, "client " + client + " holds its limit of "
                        + options.getMaxUnfinishedHeadsPerClient()
                        + " connections without a whole request yet (proxy.limits.max-unfinished-heads-per-client)");
            } else {
                next.connections++;
                next.unfinishedHeads++;
            }
            return next.connections == 0 ? null : next;
        });
        if (exceeded[0] != null) {
            unfinishedHeads.decrementAndGet();
            connections.decrementAndGet();
            return Optional.of(exceeded[0]);
        }
        return Optional.empty();
    }

    /** The connection has sent its whole request head or ClientHello (or was decided without one). */
    public void headFinished(String client) {
        unfinishedHeads.decrementAndGet();
        clients.computeIfPresent(client, (address, counts) -> {
            counts.unfinishedHeads--;
            return counts;
        });
    }

    /** Gives back a slot taken by {@link #tryAccept}; {@code headFinished} tells whether the head was counted off. */
    public void release(String client, boolean headFinished) {
        connections.decrementAndGet();
        if (!headFinished) {
            unfinishedHeads.decrementAndGet();
        }
        clients.computeIfPresent(client, (address, counts) -> {
            counts.connections--;
            if (!headFinished) {
                counts.unfinishedHeads--;
            }
            return counts.connections == 0 ? null : counts;
        });
    }

    /** Connections open now on this node. */
    public int connections() {
        return connections.get();
    }

    /** Connections open now without a whole request head or ClientHello. */
    public int unfinishedHeads() {
        return unfinishedHeads.get();
    }

    /** How many client addresses hold a connection now. */
    public int clients() {
        return clients.size();
    }

    /** Guarded by the map's per-key lock ({@link ConcurrentMap#compute}). */
    private static final class ClientCounts {
        private int connections;
        private int unfinishedHeads;
    }
}

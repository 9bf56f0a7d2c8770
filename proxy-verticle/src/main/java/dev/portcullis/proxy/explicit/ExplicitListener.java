package dev.portcullis.proxy.explicit;

import dev.portcullis.proxy.ProxyOptions;
import dev.portcullis.proxy.Stages;
import dev.portcullis.proxy.connection.Sockets;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The explicit forward-proxy listener (default 127.0.0.1:3128): accepts and hands each connection on. */
public final class ExplicitListener {

    /** The listener's name in decisions, access records and the listener registry. */
    public static final String NAME = "explicit";

    private final NetServer server;

    public ExplicitListener(Vertx vertx, ProxyOptions options, Stages stages) {
        this.server = vertx.createNetServer(Sockets.listening(options.getExplicitHost(), options.getExplicitPort(),
                        options.getIdleTimeout()))
                .connectHandler(socket -> new ExplicitConnection(socket, stages, NAME).start());
    }

    /** @return the port actually bound */
    public Future<Integer> listen() {
        return server.listen().map(NetServer::actualPort);
    }

    /**
     * Stops accepting, and leaves the connections already accepted to the drain: Vert.x's graceful shutdown unbinds
     * at once and closes what is left only after {@code grace}, which the drain outlasts by closing them first.
     */
    public void stopAccepting(Duration grace) {
        server.shutdown(grace.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops accepting and closes every connection it accepted that is still open. */
    public Future<Void> close() {
        return server.close();
    }
}

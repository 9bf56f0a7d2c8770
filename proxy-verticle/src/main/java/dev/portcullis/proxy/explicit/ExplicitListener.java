package dev.portcullis.proxy.explicit;

import dev.portcullis.proxy.ProxyOptions;
import dev.portcullis.proxy.Stages;
import dev.portcullis.proxy.connection.Sockets;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;

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

    public Future<Void> close() {
        return server.close();
    }
}

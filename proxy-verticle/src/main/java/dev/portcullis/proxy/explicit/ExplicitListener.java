package dev.portcullis.proxy.explicit;

import dev.portcullis.proxy.ProxyOptions;
import dev.portcullis.proxy.Stages;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;

import java.util.concurrent.TimeUnit;

/** The explicit forward-proxy listener (default 127.0.0.1:3128): accepts and hands each connection on. */
public final class ExplicitListener {

    /** The listener's name in decisions, access records and the listener registry. */
    public static final String NAME = "explicit";

    private final NetServer server;

    public ExplicitListener(Vertx vertx, ProxyOptions options, Stages stages) {
        NetServerOptions serverOptions = new NetServerOptions()
                .setHost(options.getExplicitHost())
                .setPort(options.getExplicitPort())
                .setTcpNoDelay(true)
                .setIdleTimeout((int) options.getIdleTimeout().toMillis())
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                .setAcceptBacklog(4096);
        this.server = vertx.createNetServer(serverOptions)
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

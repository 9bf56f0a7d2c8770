package dev.portcullis.proxy.reverse;

import dev.portcullis.proxy.ProxyOptions;
import dev.portcullis.proxy.ReverseListenerOptions;
import dev.portcullis.proxy.Stages;
import dev.portcullis.proxy.connection.Sockets;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** One reverse listener ({@code proxy.reverse}): accepts the clients of the services and hands each on. */
public final class ReverseListener {

    private final NetServer server;
    private final ReverseListenerOptions options;

    public ReverseListener(Vertx vertx, ProxyOptions proxyOptions, ReverseListenerOptions options, Stages stages,
                           ServiceCatalog catalog) {
        this.options = options;
        this.server = vertx.createNetServer(Sockets.listening(options.getHost(), options.getPort(),
                        proxyOptions.getIdleTimeout()))
                .connectHandler(socket -> new ReverseConnection(socket, stages, catalog, options).start());
    }

    /** The listener's name in access records and the listener registry. */
    public String name() {
        return options.getName();
    }

    public String host() {
        return options.getHost();
    }

    /** @return the port actually bound */
    public Future<Integer> listen() {
        return server.listen().map(bound -> bound.actualPort());
    }

    /** Stops accepting; the connections already accepted are left to the drain. */
    public void stopAccepting(Duration grace) {
        server.shutdown(grace.toMillis(), TimeUnit.MILLISECONDS);
    }

    public Future<Void> close() {
        return server.close();
    }
}

package dev.portcullis.proxy.transparent;

import dev.portcullis.proxy.ProxyOptions;
import dev.portcullis.proxy.Stages;
import dev.portcullis.proxy.TransparentListenerOptions;
import dev.portcullis.proxy.connection.Sockets;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One transparent listener (default 127.0.0.1:8443 standing for port 443): accepts connections that a REDIRECT
 * or TPROXY rule sent here and hands each on.
 */
public final class TransparentListener {

    private final NetServer server;
    private final TransparentListenerOptions options;
    private int boundPort;

    public TransparentListener(Vertx vertx, ProxyOptions proxyOptions, TransparentListenerOptions options,
                               Stages stages) {
        this.options = options;
        // Known before binding unless it is 0 (tests): connections cannot arrive before the bind anyway.
        this.boundPort = options.getPort();
        this.server = vertx.createNetServer(Sockets.listening(options.getHost(), options.getPort(),
                        proxyOptions.getIdleTimeout()))
                .connectHandler(socket -> new TransparentConnection(socket, stages, options, boundPort).start());
    }

    /** The listener's name in decisions, access records and the listener registry. */
    public String name() {
        return options.getName();
    }

    /** The configured host. */
    public String host() {
        return options.getHost();
    }

    /** @return the port actually bound */
    public Future<Integer> listen() {
        return server.listen().map(bound -> {
            boundPort = bound.actualPort();
            return boundPort;
        });
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

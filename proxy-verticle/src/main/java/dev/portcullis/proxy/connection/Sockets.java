package dev.portcullis.proxy.connection;

import io.netty.channel.Channel;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The one place the proxy reaches below Vert.x's {@code NetSocket}: the stages work on the Netty pipeline
 * (ClientHello peek, relay with half-close, TLS termination), which the public {@code NetSocket} does not expose.
 */
public final class Sockets {

    private Sockets() {
    }

    /**
     * Server options every listener uses: no Nagle (a relay must not hold small TLS records), the idle timeout
     * that ends forgotten connections, and a backlog for bursts of new tunnels.
     */
    public static NetServerOptions listening(String host, int port, Duration idleTimeout) {
        return new NetServerOptions()
                .setHost(host)
                .setPort(port)
                .setTcpNoDelay(true)
                .setIdleTimeout((int) idleTimeout.toMillis())
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                .setAcceptBacklog(4096);
    }

    /**
     * {@value}: the name of Vert.x's own handler, last in the pipeline of every socket Vert.x accepted or opened;
     * the proxy's handlers go before it.
     */
    public static final String VERTX_HANDLER = "handler";

    /** The socket's Netty channel; its pipeline ends in Vert.x's handler, {@link #VERTX_HANDLER}. */
    public static Channel channel(NetSocket socket) {
        return ((NetSocketInternal) socket).channelHandlerContext().channel();
    }
}

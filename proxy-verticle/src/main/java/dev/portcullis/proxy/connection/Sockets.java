package dev.portcullis.proxy.connection;

import io.netty.channel.Channel;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;

/**
 * The one place the proxy reaches below Vert.x's {@code NetSocket}: the stages work on the Netty pipeline
 * (ClientHello peek, relay with half-close, TLS termination), which the public {@code NetSocket} does not expose.
 */
public final class Sockets {

    private Sockets() {
    }

    /** The socket's Netty channel; its pipeline ends in Vert.x's handler, named {@code "handler"}. */
    public static Channel channel(NetSocket socket) {
        return ((NetSocketInternal) socket).channelHandlerContext().channel();
    }
}

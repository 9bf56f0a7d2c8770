package dev.portcullis.proxy.splice;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * One direction of a splice, installed in the pipeline of the socket it reads from, writing to its peer.
 *
 * <p>Written at the Netty level because Vert.x's {@code NetSocket.end()} closes the whole socket: a client
 * that half-closes (sends FIN after its request) would lose the response. Here end-of-input shuts down only the
 * peer's output once everything read before it is flushed (TCP half-close). Back-pressure follows Netty's
 * writability: reading stops while the peer's outbound buffer is above its high-water mark.
 */
final class RelayHandler extends ChannelDuplexHandler {

    private final Splice splice;
    private final boolean fromClient;
    private Channel peer;
    private boolean closed;

    RelayHandler(Splice splice, boolean fromClient) {
        this.splice = splice;
        this.fromClient = fromClient;
    }

    void peer(Channel peer) {
        this.peer = peer;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf data)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        splice.count(fromClient, data.readableBytes());
        peer.write(data, peer.voidPromise());
        if (!peer.isWritable()) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        peer.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // Our outbound buffer drained below the low-water mark: the peer may read again.
        if (ctx.channel().isWritable() && peer.isActive() && !splice.inputEnded(!fromClient)) {
            peer.config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            // The first FIN says who ended the tunnel: the record's reason is "client" or "upstream".
            splice.closedBy(fromClient ? "client" : "upstream");
            splice.inputEnded(fromClient, true);
            peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) written -> {
                if (peer instanceof DuplexChannel duplex && peer.isActive() && !splice.inputEnded(!fromClient)) {
                    // The peer's own FIN, when it comes, ends the last direction: let it close the peer at once
                    // (and this side after it, onClosed). Left half-closable, the peer's socket would be shut
                    // for reading after both FINs, which the kernel refuses (ENOTCONN) and Netty reports by
                    // throwing.
                    peer.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, false);
                    duplex.shutdownOutput();
                } else {
                    peer.close();
                    ctx.close();
                }
            });
            return;
        }
        if (evt instanceof IdleStateEvent) {
            splice.closedBy("idle-timeout");
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        onClosed();
        ctx.fireChannelInactive();
    }

    /** Our socket is closed: close the peer once what was read from us is written. Idempotent. */
    void onClosed() {
        if (closed) {
            return;
        }
        closed = true;
        splice.closedBy(fromClient ? "client" : "upstream");
        if (peer.isActive()) {
            peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
        splice.channelClosed();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        splice.closedBy("error: " + cause.getMessage());
        ctx.close();
    }
}

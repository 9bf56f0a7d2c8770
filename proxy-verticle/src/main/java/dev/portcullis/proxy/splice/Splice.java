package dev.portcullis.proxy.splice;

import dev.portcullis.proxy.connection.Sockets;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.vertx.core.Future;
import io.vertx.core.Promise;

/**
 * Joins a client socket and an upstream socket so that bytes pass untouched both ways until both sides are
 * done. The relay handlers sit just before Vert.x's own handler, so Vert.x still sees the close and the idle
 * timeout (which closes both sides) but no data.
 */
public final class Splice {

    private static final String RELAY = "portcullis-relay";

    private final Promise<SpliceResult> done = Promise.promise();
    private long bytesUp;
    private long bytesDown;
    private boolean clientInputEnded;
    private boolean upstreamInputEnded;
    private int closedChannels;
    private String close;
    private Channel clientChannel;
    private Channel upstreamChannel;
    private RelayHandler fromUpstream;

    private Splice() {
    }

    /**
     * Starts relaying between two channels whose pipelines end in Vert.x's handler ({@link Sockets#VERTX_HANDLER}).
     *
     * @param firstUpstream bytes that go upstream before anything else, or {@code null}
     */
    public static Future<SpliceResult> join(Channel clientChannel, Channel upstreamChannel, ByteBuf firstUpstream) {
        return openDownstream(clientChannel, upstreamChannel).joinClient(firstUpstream);
    }

    /**
     * Relays upstream → client now; the client → upstream direction follows with {@link #joinClient}. This is
     * how a server-first protocol (SSH) gets its banner to the client while the client's first bytes are still
     * being examined.
     */
    public static Splice openDownstream(Channel clientChannel, Channel upstreamChannel) {
        Splice splice = new Splice();
        splice.clientChannel = clientChannel;
        splice.upstreamChannel = upstreamChannel;
        splice.fromUpstream = new RelayHandler(splice, false);
        splice.fromUpstream.peer(clientChannel);
        install(upstreamChannel, splice.fromUpstream);
        return splice;
    }

    /**
     * Adds the client → upstream direction.
     *
     * @param firstUpstream bytes that go upstream before anything else, or {@code null}
     * @return completed when both sockets are closed, with byte counts and who closed first
     */
    public Future<SpliceResult> joinClient(ByteBuf firstUpstream) {
        RelayHandler fromClient = new RelayHandler(this, true);
        fromClient.peer(upstreamChannel);
        if (firstUpstream != null) {
            upstreamChannel.writeAndFlush(firstUpstream);
        }
        install(clientChannel, fromClient);
        return done.future();
    }

    /** Bytes relayed from the upstream to the client so far. */
    public long bytesDown() {
        return bytesDown;
    }

    /**
     * Takes the upstream → client relay out again, before TLS to the upstream begins; the splice is then
     * abandoned and its future never completes.
     */
    public void withdraw() {
        upstreamChannel.pipeline().remove(fromUpstream);
    }

    private static void install(Channel channel, RelayHandler relay) {
        channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addBefore(Sockets.VERTX_HANDLER, RELAY, relay);
        channel.config().setAutoRead(true);
        if (!channel.isActive()) {
            // Closed before the relay was in place: its channelInactive has already passed.
            relay.onClosed();
        } else if (channel instanceof DuplexChannel duplex && duplex.isInputShutdown()) {
            // Half-closed before the relay was in place: pass the FIN on as if the relay had seen it.
            relay.userEventTriggered(pipeline.context(relay), ChannelInputShutdownEvent.INSTANCE);
        }
    }

    void count(boolean fromClient, int bytes) {
        if (fromClient) {
            bytesUp += bytes;
        } else {
            bytesDown += bytes;
        }
    }

    void inputEnded(boolean fromClient, boolean ended) {
        if (fromClient) {
            clientInputEnded = ended;
        } else {
            upstreamInputEnded = ended;
        }
    }

    boolean inputEnded(boolean fromClient) {
        return fromClient ? clientInputEnded : upstreamInputEnded;
    }

    void closedBy(String reason) {
        if (close == null) {
            close = reason;
        }
    }

    void channelClosed() {
        closedChannels++;
        if (closedChannels == 2) {
            done.tryComplete(new SpliceResult(bytesUp, bytesDown, close));
        }
    }
}

package dev.portcullis.proxy.intercept;

import dev.portcullis.proxy.access.AccessRecord;
import dev.portcullis.proxy.connection.Sockets;
import dev.portcullis.proxy.exchange.Route;
import dev.portcullis.proxy.exchange.h2.Http2Codecs;
import dev.portcullis.proxy.exchange.h2.StreamExchanges;
import dev.portcullis.proxy.exchange.h2.UpstreamStreams;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.vertx.core.json.JsonObject;

import java.util.function.Consumer;

/**
 * Inspects a decrypted connection on which client and server both chose {@code h2} (README, "Decrypt
 * inspection"): every client stream is one request with its own exchange ({@link StreamExchanges}) on its child
 * channel, decided by the same {@link RequestGate} before a byte of it goes upstream, and sent on a stream of its
 * own on the one upstream connection. A refused stream is answered on that stream alone; the other streams go
 * on. The two connections live and die together.
 */
final class Http2Inspection {

    private static final String UPSTREAM_FRAMES = "portcullis-h2-client";
    private static final String UPSTREAM_STREAMS = "portcullis-h2-client-streams";

    private Http2Inspection() {
    }

    /**
     * @param client     the client channel, TLS terminated by its handler named {@code "ssl"}
     * @param upstream   the verified upstream channel (Vert.x's), which negotiated {@code h2}
     * @param gate       decides each request
     * @param connection the connection's record, copied into each stream's
     */
    static void install(Channel client, Channel upstream, Http2Codecs.Limits limits, RequestGate gate,
                        AccessRecord connection, Consumer<JsonObject> accessLog) {
        upstream.pipeline().addBefore(Sockets.VERTX_HANDLER, UPSTREAM_FRAMES, Http2Codecs.client(limits));
        // Push is disabled in our SETTINGS; a server that pushes anyway gets its stream closed.
        upstream.pipeline().addBefore(Sockets.VERTX_HANDLER, UPSTREAM_STREAMS,
                new Http2MultiplexHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel pushed) {
                        pushed.close();
                    }
                }));
        UpstreamStreams streams = new UpstreamStreams(upstream);
        Route route = (request, record) -> gate.admit(request, record).compose(allowed -> streams.open());
        Http2Codecs.serveStreams(client, limits, new StreamExchanges(route, connection, accessLog));
        Http2Codecs.widenConnectionWindow(upstream);
        // As on the client side: the server's FIN closes the upstream connection, and with it the client's.
        upstream.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, false);
        // Closing a stream closes only that stream; the connections end together.
        ChannelFutureListener closeUpstream = closed -> upstream.close();
        client.closeFuture().addListener(closeUpstream);
        upstream.closeFuture().addListener(closed -> client.close());
    }
}

package dev.portcullis.proxy.exchange.h2;

import dev.portcullis.proxy.exchange.HttpExchange;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.vertx.core.Future;
import io.vertx.core.Promise;

/**
 * Opens one stream on an upstream HTTP/2 connection per allowed request: a child channel carrying Netty
 * {@code HttpObject}s (the frames converted by {@link Http2StreamFrameToHttpObjectCodec}), which an
 * {@link HttpExchange} takes as the request's upstream. The stream's HEADERS go out only when the exchange writes
 * the request, after its decision.
 */
public final class UpstreamStreams {

    private final Http2StreamChannelBootstrap bootstrap;

    /** @param connection an upstream channel with {@link Http2Codecs#client} and an {@code Http2MultiplexHandler} */
    public UpstreamStreams(Channel connection) {
        this.bootstrap = new Http2StreamChannelBootstrap(connection).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel stream) {
                stream.pipeline().addLast(HttpExchange.UPSTREAM_CODEC, new Http2StreamFrameToHttpObjectCodec(false));
            }
        });
    }

    /** @return a new stream's channel, or a failed future when the connection is gone */
    public Future<Channel> open() {
        Promise<Channel> opened = Promise.promise();
        bootstrap.open().addListener(done -> {
            if (done.isSuccess()) {
                opened.complete((Http2StreamChannel) done.getNow());
            } else {
                opened.fail(done.cause());
            }
        });
        return opened.future();
    }
}

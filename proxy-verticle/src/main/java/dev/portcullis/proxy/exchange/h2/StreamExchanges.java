package dev.portcullis.proxy.exchange.h2;

import dev.portcullis.proxy.access.AccessRecord;
import dev.portcullis.proxy.exchange.HttpExchange;
import dev.portcullis.proxy.exchange.Route;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.vertx.core.json.JsonObject;

import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The initializer of every client stream of a decrypted HTTP/2 connection (its {@code Http2MultiplexHandler}'s):
 * the stream's frames become Netty {@code HttpObject}s, and one {@link HttpExchange} serves its one request
 * (RFC 9113 §8.1), with the stream's child channel as the exchange's client. Closing that channel resets the
 * stream alone; connection-specific fields ({@code Connection}, {@code Keep-Alive}, {@code Transfer-Encoding}) of
 * what the exchange writes are dropped by Netty's conversion (RFC 9113 §8.2.2).
 */
public final class StreamExchanges extends ChannelInitializer<Http2StreamChannel> {

    private final Function<Channel, Route> routes;
    private final AccessRecord connection;
    private final Consumer<JsonObject> accessLog;

    /**
     * @param route      decides each stream's request and gives the channel it goes upstream on
     * @param connection the connection's record, copied into each stream's with its {@code stream} id
     */
    public StreamExchanges(Route route, AccessRecord connection, Consumer<JsonObject> accessLog) {
        this(stream -> route, connection, accessLog);
    }

    /** @param routes gives each stream (its child channel) a route of its own */
    public StreamExchanges(Function<Channel, Route> routes, AccessRecord connection, Consumer<JsonObject> accessLog) {
        this.routes = routes;
        this.connection = connection;
        this.accessLog = accessLog;
    }

    @Override
    protected void initChannel(Http2StreamChannel stream) {
        stream.pipeline().addLast(HttpExchange.CLIENT_CODEC, new Http2StreamFrameToHttpObjectCodec(true));
        int id = stream.stream().id();
        new HttpExchange(routes.apply(stream), () -> connection.copy().put(AccessRecord.STREAM, id), accessLog)
                .start(stream, HttpExchange.CLIENT_CODEC);
    }
}

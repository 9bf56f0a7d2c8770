package dev.portcullis.proxy.exchange;

import dev.portcullis.proxy.connection.Sockets;
import dev.portcullis.proxy.request.ClientHttpCodec;
import dev.portcullis.proxy.request.FramingCheck;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpServerCodec;

/**
 * The one place the HTTP/1.1 codecs of an {@link HttpExchange} are installed, for every path that reads HTTP
 * through them: requests inside a decrypted connection and plain requests on the explicit and transparent
 * listeners. Whatever must hold for every request the gateway reads (limits, framing) is added here once.
 */
public final class Http1Codecs {

    /** An upstream's status line and header block: what the gateway accepts from a server it forwards for. */
    private static final int UPSTREAM_MAX_LINE = 8192;
    private static final int UPSTREAM_MAX_HEADERS = 64 * 1024;

    private Http1Codecs() {
    }

    /**
     * Installs the client side's server codec ({@link HttpExchange#CLIENT_CODEC}).
     *
     * @param after          the handler the codec follows (the TLS handler of a decrypted connection), or
     *                       {@code null} for the pipeline's start (a plain connection's bytes as they arrive)
     * @param maxInitialLine the request line's limit ({@code proxy.max-request-line})
     * @param maxHeaders     the header block's limit ({@code proxy.max-headers})
     * @return the name of the last handler installed, which the exchange goes after
     */
    public static String installServer(Channel channel, String after, int maxInitialLine, int maxHeaders) {
        ChannelPipeline pipeline = channel.pipeline();
        HttpServerCodec codec = ClientHttpCodec.create(maxInitialLine, maxHeaders);
        if (after == null) {
            pipeline.addFirst(HttpExchange.CLIENT_CODEC, codec);
        } else {
            pipeline.addAfter(after, HttpExchange.CLIENT_CODEC, codec);
        }
        // Refuses what Netty's decoder lets through and another parser could frame differently (RFC 9112 §6.3;
        // README, "No smuggling"), as a failed decoder result the exchange answers with 400: on every path.
        pipeline.addAfter(HttpExchange.CLIENT_CODEC, HttpExchange.FRAMING_CHECK, new FramingCheck());
        return HttpExchange.FRAMING_CHECK;
    }

    /**
     * Installs an upstream's client codec ({@link HttpExchange#UPSTREAM_CODEC}) before Vert.x's handler of a
     * socket Vert.x connected.
     */
    public static void installClient(Channel channel) {
        channel.pipeline().addBefore(Sockets.VERTX_HANDLER, HttpExchange.UPSTREAM_CODEC,
                new HttpClientCodec(UPSTREAM_MAX_LINE, UPSTREAM_MAX_HEADERS, ClientHttpCodec.MAX_CHUNK));
    }
}

package dev.portcullis.proxy.exchange;

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

    /** Bytes of a body chunk the codecs hand on at a time. */
    private static final int MAX_CHUNK = 8192;
    /** An upstream's status line and header block: what the gateway accepts from a server it forwards for. */
    private static final int UPSTREAM_MAX_LINE = 8192;
    private static final int UPSTREAM_MAX_HEADERS = 64 * 1024;
    /** Vert.x's own handler, last in the pipeline of a socket Vert.x opened. */
    private static final String VERTX_HANDLER = "handler";

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
        HttpServerCodec codec = new HttpServerCodec(maxInitialLine, maxHeaders, MAX_CHUNK);
        if (after == null) {
            pipeline.addFirst(HttpExchange.CLIENT_CODEC, codec);
        } else {
            pipeline.addAfter(after, HttpExchange.CLIENT_CODEC, codec);
        }
        // The request-framing check (RFC 9112 §6.3: Content-Length with Transfer-Encoding, a Transfer-Encoding
        // other than chunked last, Connection naming a framing field) goes right here, after the codec and before
        // the exchange, so that it applies to every path; return its name then (and remove it on an upgrade).
        return HttpExchange.CLIENT_CODEC;
    }

    /**
     * Installs an upstream's client codec ({@link HttpExchange#UPSTREAM_CODEC}) before Vert.x's handler of a
     * socket Vert.x connected.
     */
    public static void installClient(Channel channel) {
        channel.pipeline().addBefore(VERTX_HANDLER, HttpExchange.UPSTREAM_CODEC,
                new HttpClientCodec(UPSTREAM_MAX_LINE, UPSTREAM_MAX_HEADERS, MAX_CHUNK));
    }
}

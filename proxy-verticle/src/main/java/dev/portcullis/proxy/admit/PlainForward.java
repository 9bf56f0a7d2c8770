package dev.portcullis.proxy.admit;

import dev.portcullis.api.policy.Mode;
import dev.portcullis.proxy.Stages;
import dev.portcullis.proxy.connection.ClientConnection;
import dev.portcullis.proxy.exchange.Http1Codecs;
import dev.portcullis.proxy.exchange.HttpExchange;
import dev.portcullis.proxy.request.HeadReader;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.vertx.core.buffer.Buffer;

/**
 * A plain-HTTP client connection from its first request on, on whichever listener read that request's head
 * (absolute-form on the explicit listener, origin-form on a transparent port): an HTTP/1.1 keep-alive connection
 * read by Netty's codec ({@link Http1Codecs}) and served by an {@link HttpExchange} whose {@link ForwardRoute}
 * admits each request on its own. Pipelined requests are answered in order; every request has its own access
 * record, so the connection writes none of its own ({@link ClientConnection#recordsPerRequest}). The head deadline
 * holds for every later request too ({@link NextRequestDeadline}).
 */
public final class PlainForward {

    private PlainForward() {
    }

    /**
     * @param reader   the reader that read the first head; that head and the bytes after it are read again by the
     *                 codec, so the first request is parsed like every later one
     * @param targets  how this listener reads where a request goes
     * @param listener the listener's name, for the decisions
     */
    public static void start(Stages stages, ClientConnection connection, HeadReader reader,
                             ForwardRoute.Targets targets, String listener, Mode mode) {
        Channel channel = connection.channel();
        // On the next turn of the loop: the stage that read the head may still be passing bytes on through a
        // handler on its way out (a transparent port's ClientHello peek). Bytes read meanwhile land in the reader.
        channel.eventLoop().execute(() -> {
            if (connection.closed() || connection.finished()) {
                return;
            }
            connection.recordsPerRequest();
            ForwardRoute route = new ForwardRoute(stages.admission(), connection, targets, listener, mode);
            HttpExchange exchange = new HttpExchange(route, connection.record()::copy, stages.accessLog()::write);
            exchange.start(channel, Http1Codecs.installServer(channel, null, stages.options().getMaxRequestLine(),
                    stages.options().getMaxHeaders()));
            connection.onRevoke(exchange::revokeUpstream);
            connection.onDrain(exchange::drain);
            exchange.onAwaitingRequest(new NextRequestDeadline(connection, stages.options().getRequestTimeout()));
            Buffer first = reader.takeHeadAndRest();
            channel.pipeline().fireChannelRead(Unpooled.wrappedBuffer(first.getBytes()));
            channel.pipeline().fireChannelReadComplete();
            connection.onInputShutdown(exchange::clientEnded);
        });
    }
}

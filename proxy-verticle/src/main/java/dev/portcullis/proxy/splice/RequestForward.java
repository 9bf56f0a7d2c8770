package dev.portcullis.proxy.splice;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * Forwards one plain-HTTP request (absolute-form on the explicit listener, origin-form on a transparent one):
 * its rewritten head and the body bytes already read go first, then at most the rest of the body, then the
 * response comes back until either side closes. The head says {@code Connection: close}, so one client
 * connection carries exactly one decided request.
 */
public final class RequestForward {

    private RequestForward() {
    }

    /**
     * @param forwardedHead the head to send upstream ({@code ForwardedRequest.head})
     * @param bodyLength    the request body's length ({@code ForwardedRequest.bodyLength})
     * @param early         bytes the client sent after its head; only the body's share of them goes upstream
     * @return completed when both sides are closed; {@code bytesUp} counts only bytes relayed after
     * {@code early}, which the caller adds
     */
    public static Future<SpliceResult> forward(Channel client, Channel upstream, Buffer forwardedHead,
                                               long bodyLength, Buffer early) {
        int bodyBytes = (int) Math.min(early.length(), bodyLength);
        ByteBuf first = Unpooled.wrappedBuffer(forwardedHead.getBytes(), early.getBytes(0, bodyBytes));
        return Splice.join(client, upstream, first, bodyLength - bodyBytes);
    }
}

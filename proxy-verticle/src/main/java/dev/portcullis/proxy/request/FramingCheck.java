package dev.portcullis.proxy.request;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Placed right after the client's {@link ClientHttpCodec}: reads each request's framing with {@link RequestFraming}
 * and marks a request it refuses as failed to decode ({@link BadRequestException}), as Netty marks the requests it
 * refuses itself, so the next handler answers both alike: 400 and close (README, "No smuggling").
 *
 * <p>Once a request failed, nothing after it on the connection is passed on: its body and any request pipelined
 * behind it are framed by headers the gateway does not trust, so they are released unread. (Netty's decoder
 * discards everything after its own failures already.)
 */
public final class FramingCheck extends ChannelInboundHandlerAdapter {

    private boolean failed;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (failed) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest request && request.decoderResult().isSuccess()) {
            try {
                RequestFraming.of(request.protocolVersion().text(), fields(request));
            } catch (BadRequestException e) {
                request.setDecoderResult(DecoderResult.failure(e));
            }
        }
        if (msg instanceof HttpObject http && http.decoderResult().isFailure()) {
            failed = true;
        }
        ctx.fireChannelRead(msg);
    }

    /** The fields as the client sent them: Netty's, with {@code Content-Length} as it was before Netty changed it. */
    private static List<Map.Entry<String, String>> fields(HttpRequest request) {
        List<Map.Entry<String, String>> fields = new ArrayList<>(request.headers().entries());
        if (request.headers() instanceof DecodedHeaders decoded && decoded.decodedContentLength() != null) {
            fields.removeIf(field -> field.getKey().equalsIgnoreCase("Content-Length"));
            for (String value : decoded.decodedContentLength()) {
                fields.add(new AbstractMap.SimpleImmutableEntry<>("Content-Length", value));
            }
        }
        return fields;
    }
}

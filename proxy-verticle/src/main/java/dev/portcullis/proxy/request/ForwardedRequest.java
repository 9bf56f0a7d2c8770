package dev.portcullis.proxy.request;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;

/**
 * A plain request as it is forwarded, exactly as it was decided (README, "One name, one path"): origin-form target
 * with the normalised path, the agreed name as its only {@code Host} (RFC 9112 §3.2.2), hop-by-hop fields removed
 * and {@code Via} added ({@link HopByHop}), in this proxy's own HTTP version (RFC 9110 §2.5). Keep-alive towards
 * the upstream is HTTP/1.1's default; the body is framed again by the upstream's codec.
 */
public final class ForwardedRequest {

    private ForwardedRequest() {
    }

    /** Rewrites {@code request} in place for the upstream {@code target} names. */
    public static void rewrite(HttpRequest request, RequestTarget target) {
        request.setUri(target.originForm());
        request.setProtocolVersion(HttpVersion.HTTP_1_1);
        HopByHop.forward(request.headers());
        request.headers().set(HttpHeaderNames.HOST, target.hostField());
    }
}

package dev.portcullis.proxy.request;

import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;

/**
 * An upstream's response as a forward proxy passes it to its client: hop-by-hop fields removed and {@code Via}
 * added ({@link HopByHop}), in this proxy's own HTTP version (RFC 9110 §2.5). Whether the client connection goes
 * on after it is the exchange's to say, not the upstream's {@code Connection} (RFC 9112 §9.6).
 */
public final class ForwardedResponse {

    private ForwardedResponse() {
    }

    public static void rewrite(HttpResponse response) {
        response.setProtocolVersion(HttpVersion.HTTP_1_1);
        HopByHop.forward(response.headers());
    }
}

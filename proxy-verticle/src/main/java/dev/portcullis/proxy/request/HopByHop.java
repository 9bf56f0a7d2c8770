package dev.portcullis.proxy.request;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a forward proxy does to the fields of every message it passes on, in either direction: the hop-by-hop
 * fields go (RFC 9110 §7.6.1) and it adds itself to {@code Via} (RFC 9110 §7.6.3).
 */
public final class HopByHop {

    /** This proxy in {@code Via}: the protocol it received the message with, and its pseudonym. */
    public static final String VIA = "1.1 portcullis";

    /**
     * Meant for one connection only (RFC 9110 §7.6.1), plus {@code Proxy-Authorization} and
     * {@code Proxy-Authenticate}, which are for this proxy and must not reach the origin or the client.
     * {@code Transfer-Encoding} is hop-by-hop too, but it is the codecs' own: the decoder has removed its framing,
     * the encoder frames the message again for the next hop as the field says.
     */
    private static final Set<String> FIELDS = Set.of("connection", "proxy-connection", "keep-alive", "te",
            "upgrade", "proxy-authorization", "proxy-authenticate");

    /**
     * Names {@code Connection} may list that are never removed for it: they frame the message or name its host, so
     * removing them would change what the next hop reads as the message (request smuggling). Such a request is
     * refused by the request-framing check that follows the server codec ({@code Http1Codecs}).
     */
    private static final Set<String> KEPT = Set.of("content-length", "transfer-encoding", "host");

    private HopByHop() {
    }

    /** Removes the hop-by-hop fields, and every field {@code Connection} names, then appends {@link #VIA}. */
    public static void forward(HttpHeaders headers) {
        List<String> named = new ArrayList<>();
        for (String value : headers.getAll(HttpHeaderNames.CONNECTION)) {
            for (String token : value.split(",")) {
                String name = token.strip().toLowerCase(Locale.ROOT);
                if (!name.isEmpty() && !KEPT.contains(name)) {
                    named.add(name);
                }
            }
        }
        named.forEach(headers::remove);
        FIELDS.forEach(headers::remove);
        // RFC 9110 §7.6.3: each intermediary appends its entry; one combined field keeps the order.
        List<String> via = headers.getAll(HttpHeaderNames.VIA);
        headers.set(HttpHeaderNames.VIA, via.isEmpty() ? VIA : String.join(", ", via) + ", " + VIA);
    }
}

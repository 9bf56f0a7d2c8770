package dev.portcullis.proxy.reverse;

import dev.portcullis.api.policy.Service;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * Tells a backend who the client is, in the form its service asks: {@code X-Forwarded-For}/{@code -Proto}/{@code
 * -Host}, RFC 7239 {@code Forwarded}, or neither. The gateway is the edge: whatever of these the client sent is
 * its own claim and is dropped first, in every form, so a backend never reads a spoofed client address.
 */
final class ForwardedHeaders {

    private static final String FORWARDED = "forwarded";
    private static final String X_FORWARDED_FOR = "x-forwarded-for";
    private static final String X_FORWARDED_PROTO = "x-forwarded-proto";
    private static final String X_FORWARDED_HOST = "x-forwarded-host";

    private ForwardedHeaders() {
    }

    /**
     * @param client the client's address, as the connection's peer
     * @param host   the {@code Host} the request named
     */
    static void apply(HttpHeaders headers, Service.Forwarded form, String client, String host) {
        headers.remove(FORWARDED).remove(X_FORWARDED_FOR).remove(X_FORWARDED_PROTO)
                .remove(X_FORWARDED_HOST).remove("x-real-ip");
        switch (form) {
            case X_FORWARDED -> headers.set(X_FORWARDED_FOR, client).set(X_FORWARDED_PROTO, "https")
                    .set(X_FORWARDED_HOST, host);
            case RFC7239 -> headers.set(FORWARDED, "for=" + node(client) + ";proto=https;host="
                    + quoted(host));
            case NONE -> {
            }
        }
    }

    /** RFC 7239 §6: an IPv6 node is bracketed, and then quoted as it holds ':'. */
    private static String node(String address) {
        return address.indexOf(':') >= 0 ? "\"[" + address + "]\"" : address;
    }

    /** A host with a port holds ':', which a token cannot (RFC 7239 §4). */
    private static String quoted(String host) {
        return host.indexOf(':') >= 0 ? "\"" + host + "\"" : host;
    }
}

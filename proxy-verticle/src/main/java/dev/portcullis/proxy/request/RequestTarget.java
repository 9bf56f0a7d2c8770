package dev.portcullis.proxy.request;

import dev.portcullis.api.host.HostName;

import java.util.List;
import java.util.Map;

/**
 * Where a proxy request wants to go: the normalised host, the port, and for plain HTTP requests the origin-form to
 * send upstream, read by {@link HttpTarget} (one agreed name, the path normalised by {@link PathNormaliser}).
 *
 * @param host       normalised with {@link HostName#parse}
 * @param port       1-65535
 * @param originForm the normalised path and the query as sent, for the upstream request line ({@code null} for
 *                   CONNECT)
 */
public record RequestTarget(HostName host, int port, String originForm) {

    /** Default port of absolute-form {@code http://} targets. */
    public static final int HTTP_PORT = 80;

    /**
     * Reads the target of a request head: CONNECT's authority, or an absolute-form {@code http://} URI.
     *
     * @throws BadRequestException 400 for a malformed authority, missing port, invalid host, an {@code https://}
     *                             or origin-form target, a {@code Host} missing, repeated or disagreeing with the
     *                             URI, a path {@link PathNormaliser} refuses
     */
    public static RequestTarget of(RequestHead head) {
        if (head.isConnect()) {
            return connectAuthority(head.target());
        }
        return absoluteForm(head.target(), hostFields(head), head.version());
    }

    /**
     * Reads a plain request sent to the explicit listener, which must name its destination with an absolute
     * {@code http://} URI (RFC 9112 §3.2.2); every request on a keep-alive connection is read so.
     *
     * @param requestTarget the request-target as sent
     * @param hostFields    the values of every {@code Host} field, in order
     * @param version       {@code HTTP/1.1} or {@code HTTP/1.0}
     * @throws BadRequestException 400 as for {@link #of(RequestHead)}
     */
    public static RequestTarget absoluteForm(String requestTarget, List<String> hostFields, String version) {
        if (requestTarget.startsWith("/") || requestTarget.equals("*")) {
            throw new BadRequestException(400, "this is a proxy: send CONNECT host:port or an absolute URI");
        }
        int schemeEnd = requestTarget.indexOf("://");
        if (schemeEnd < 0) {
            throw new BadRequestException(400, "malformed request target");
        }
        String scheme = requestTarget.substring(0, schemeEnd);
        if (!scheme.equalsIgnoreCase("http")) {
            throw new BadRequestException(400, "only http:// absolute URIs are proxied; use CONNECT for "
                    + HostName.printable(scheme));
        }
        HttpTarget http = HttpTarget.of(requestTarget, hostFields, version);
        return new RequestTarget(http.authority().host(), http.authority().portOr(HTTP_PORT), http.originForm());
    }

    /**
     * Reads an origin-form request on a transparent port: named by its one {@code Host}, sent to {@code port}.
     *
     * @throws BadRequestException 400 for another form, no or more than one {@code Host}, a path
     *                             {@link PathNormaliser} refuses
     */
    public static RequestTarget originForm(String requestTarget, List<String> hostFields, String version, int port) {
        if (!requestTarget.startsWith("/")) {
            throw new BadRequestException(400, "a transparent request must be in origin-form (GET /path)");
        }
        if (hostFields.isEmpty()) {
            throw new BadRequestException(400, "no Host header to decide on");
        }
        HttpTarget http = HttpTarget.of(requestTarget, hostFields, version);
        return new RequestTarget(http.authority().host(), port, http.originForm());
    }

    /** The agreed name for the upstream's {@code Host} (RFC 9112 §3.2.2), with the port unless it is HTTP's default. */
    public String hostField() {
        return new Authority(host, port == HTTP_PORT ? 0 : port).text();
    }

    /** The normalised path without the query, what the {@code http} entries decide ({@code null} for CONNECT). */
    public String path() {
        if (originForm == null) {
            return null;
        }
        int query = originForm.indexOf('?');
        return query < 0 ? originForm : originForm.substring(0, query);
    }

    /** Every {@code Host} field's value, in order. */
    static List<String> hostFields(RequestHead head) {
        return head.headers().stream().filter(h -> h.getKey().equalsIgnoreCase("Host"))
                .map(Map.Entry::getValue).toList();
    }

    private static RequestTarget connectAuthority(String authority) {
        Authority parsed = Authority.parse(authority);
        if (parsed.port() == 0) {
            throw new BadRequestException(400, "CONNECT target needs a port (host:port)");
        }
        return new RequestTarget(parsed.host(), parsed.port(), null);
    }

}

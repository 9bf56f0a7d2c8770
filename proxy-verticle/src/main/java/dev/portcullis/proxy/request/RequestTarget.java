package dev.portcullis.proxy.request;

import dev.portcullis.api.host.HostName;
import dev.portcullis.api.host.InvalidHostException;

/**
 * Where a proxy request wants to go: the normalised host, the port, and for absolute-form requests the path to
 * send upstream.
 *
 * @param host       normalised with {@link HostName#parse}
 * @param port       1-65535
 * @param originForm the path and query for the upstream request line ({@code null} for CONNECT)
 */
public record RequestTarget(HostName host, int port, String originForm) {

    /** Default port of absolute-form {@code http://} targets. */
    public static final int HTTP_PORT = 80;

    /**
     * Reads the target of a request head.
     *
     * @throws BadRequestException 400 for a malformed authority, missing port, invalid host, an {@code https://}
     *                             or origin-form target; 405 for methods a forward proxy does not serve
     */
    public static RequestTarget of(RequestHead head) {
        if (head.isConnect()) {
            return authority(head.target(), true);
        }
        String target = head.target();
        if (target.startsWith("/") || target.equals("*")) {
            throw new BadRequestException(400, "this is a proxy: send CONNECT host:port or an absolute URI");
        }
        int schemeEnd = target.indexOf("://");
        if (schemeEnd < 0) {
            throw new BadRequestException(400, "malformed request target");
        }
        String scheme = target.substring(0, schemeEnd);
        if (!scheme.equalsIgnoreCase("http")) {
            throw new BadRequestException(400, "only http:// absolute URIs are proxied; use CONNECT for " + scheme);
        }
        String afterScheme = target.substring(schemeEnd + 3);
        int pathStart = firstOf(afterScheme, '/', '?');
        String authority = pathStart < 0 ? afterScheme : afterScheme.substring(0, pathStart);
        String path = pathStart < 0 ? "/" : afterScheme.substring(pathStart);
        if (path.startsWith("?")) {
            path = "/" + path;
        }
        int fragment = path.indexOf('#');
        if (fragment >= 0) {
            path = path.substring(0, fragment);
        }
        if (authority.indexOf('@') >= 0) {
            throw new BadRequestException(400, "user information in the request target is not allowed");
        }
        RequestTarget hostAndPort = authority(authority, false);
        return new RequestTarget(hostAndPort.host(), hostAndPort.port(), path);
    }

    private static RequestTarget authority(String authority, boolean portRequired) {
        if (authority.isEmpty()) {
            throw new BadRequestException(400, "empty host");
        }
        String host;
        String port = null;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                throw new BadRequestException(400, "unterminated IPv6 literal");
            }
            host = authority.substring(0, close + 1);
            String after = authority.substring(close + 1);
            if (after.startsWith(":")) {
                port = after.substring(1);
            } else if (!after.isEmpty()) {
                throw new BadRequestException(400, "malformed authority");
            }
        } else {
            int colon = authority.lastIndexOf(':');
            if (colon >= 0) {
                host = authority.substring(0, colon);
                port = authority.substring(colon + 1);
                if (host.indexOf(':') >= 0) {
                    throw new BadRequestException(400, "IPv6 literal must be in brackets");
                }
            } else {
                host = authority;
            }
        }
        if (port == null && portRequired) {
            throw new BadRequestException(400, "CONNECT target needs a port (host:port)");
        }
        int portNumber = port == null ? HTTP_PORT : parsePort(port);
        try {
            return new RequestTarget(HostName.parse(host), portNumber, null);
        } catch (InvalidHostException e) {
            throw new BadRequestException(400, e.getMessage());
        }
    }

    private static int parsePort(String port) {
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new BadRequestException(400, "invalid port " + HostName.printable(port));
        }
        int value = Integer.parseInt(port);
        if (value < 1 || value > 65535) {
            throw new BadRequestException(400, "port must be 1-65535, was " + value);
        }
        return value;
    }

    private static int firstOf(String text, char a, char b) {
        int ia = text.indexOf(a);
        int ib = text.indexOf(b);
        if (ia < 0) {
            return ib;
        }
        return ib < 0 ? ia : Math.min(ia, ib);
    }
}

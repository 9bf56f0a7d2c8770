package dev.portcullis.proxy.request;

import dev.portcullis.api.host.HostName;
import dev.portcullis.api.host.InvalidHostException;

/**
 * A {@code host[:port]} as a request names it, in the target's authority or in {@code Host} (RFC 9110 §7.2).
 *
 * @param host normalised with {@link HostName#parse}
 * @param port the port given, or 0 when none was
 */
public record Authority(HostName host, int port) {

    /**
     * @throws BadRequestException 400 for an empty or malformed authority, an invalid host or port
     */
    public static Authority parse(String authority) {
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
        int portNumber = port == null ? 0 : parsePort(port);
        try {
            return new Authority(HostName.parse(host), portNumber);
        } catch (InvalidHostException e) {
            throw new BadRequestException(400, e.getMessage());
        }
    }

    /** The port given, else {@code defaultPort}. */
    public int portOr(int defaultPort) {
        return port == 0 ? defaultPort : port;
    }

    /** The text for a {@code Host} field: the normalised host (IPv6 in brackets) and the port if one was given. */
    public String text() {
        String name = host.kind() == HostName.Kind.IPV6 ? "[" + host.value() + "]" : host.value();
        return port == 0 ? name : name + ":" + port;
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
}

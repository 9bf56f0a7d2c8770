package dev.portcullis.dns.upstream;

import dev.portcullis.api.host.HostName;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Reads and writes resolver addresses as configured: {@code "192.0.2.53"}, {@code "192.0.2.53:5353"},
 * {@code "[2001:db8::53]:53"} or a bare {@code "2001:db8::53"}. Only IP literals: resolving a resolver's name
 * would need a resolver.
 */
public final class ServerAddresses {

    /** The DNS port, RFC 1035 §4.2. */
    public static final int DNS_PORT = 53;

    private ServerAddresses() {
    }

    /**
     * Parses one resolver address.
     *
     * @param field the configuration key, for the message ({@code "servers[1]"})
     * @throws IllegalArgumentException naming the field when the text is not an IP literal with an optional port
     */
    public static InetSocketAddress parse(String field, String text) {
        if (text == null || text.isBlank()) {
            throw invalid(field, text);
        }
        String trimmed = text.trim();
        String host = trimmed;
        int port = DNS_PORT;
        if (trimmed.startsWith("[")) {
            int end = trimmed.indexOf(']');
            if (end < 0) {
                throw invalid(field, text);
            }
            host = trimmed.substring(1, end);
            String rest = trimmed.substring(end + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw invalid(field, text);
                }
                port = port(field, text, rest.substring(1));
            }
        } else if (trimmed.indexOf(':') >= 0 && trimmed.indexOf(':') == trimmed.lastIndexOf(':')) {
            // One colon: IPv4 (or a name, refused below) with a port. Several: a bare IPv6 literal.
            int colon = trimmed.indexOf(':');
            host = trimmed.substring(0, colon);
            port = port(field, text, trimmed.substring(colon + 1));
        }
        return new InetSocketAddress(ipLiteral(field, text, host), port);
    }

    /** Writes an address the way {@link #parse} reads it, IPv6 in brackets. */
    public static String format(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        String host = ip == null ? address.getHostString() : ip.getHostAddress();
        return (ip instanceof Inet6Address ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    private static InetAddress ipLiteral(String field, String text, String host) {
        HostName parsed;
        try {
            parsed = HostName.parse(host);
        } catch (IllegalArgumentException e) {
            throw invalid(field, text);
        }
        if (!parsed.isIp()) {
            throw invalid(field, text);
        }
        try {
            // An IP literal in canonical form: getByName parses it and never queries DNS.
            return InetAddress.getByName(parsed.value());
        } catch (UnknownHostException e) {
            throw invalid(field, text);
        }
    }

    private static int port(String field, String text, String digits) {
        try {
            int port = Integer.parseInt(digits);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below with the whole value
        }
        throw new IllegalArgumentException(field + " port must be 1-65535, was '" + text + "'");
    }

    private static IllegalArgumentException invalid(String field, String text) {
        return new IllegalArgumentException(field + " must be an IP address with an optional port, such as "
                + "192.0.2.53, 192.0.2.53:5353 or [2001:db8::53]:53, was '" + text + "'");
    }
}

package dev.portcullis.proxy.guard;

import java.util.Optional;

/**
 * Where a listener is bound, read from its {@value OwnEndpoints#LISTENERS_MAP} value: {@code "host:port"}, the
 * host as the role was configured with it (an IPv6 literal with or without brackets, a wildcard, a name).
 *
 * @param host the host, without brackets
 * @param port the bound port
 */
public record ListenerAddress(String host, int port) {

    /** Nothing for a value that is no bound {@code host:port}, e.g. the dns role's {@code "starting"} placeholder. */
    public static Optional<ListenerAddress> parse(String where) {
        int colon = where.lastIndexOf(':');
        Integer port = colon > 0 ? port(where.substring(colon + 1)) : null;
        if (port == null) {
            return Optional.empty();
        }
        String host = where.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return Optional.of(new ListenerAddress(host, port));
    }

    /** A port number from text, or {@code null}. */
    static Integer port(String text) {
        try {
            int port = Integer.parseInt(text);
            return port > 0 && port <= 65535 ? port : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}

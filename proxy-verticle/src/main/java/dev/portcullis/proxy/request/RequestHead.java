package dev.portcullis.proxy.request;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A parsed HTTP/1.x request head as the client sent it.
 *
 * @param method  the method, as sent (methods are case-sensitive, RFC 9110 §9.1)
 * @param target  the request target, as sent
 * @param version "HTTP/1.1" or "HTTP/1.0"
 * @param headers header fields in order, names as sent
 */
public record RequestHead(String method, String target, String version, List<Map.Entry<String, String>> headers) {

    public RequestHead {
        headers = List.copyOf(headers);
    }

    /** The first value of a header, compared case-insensitively, or {@code null}. */
    public String header(String name) {
        for (Map.Entry<String, String> header : headers) {
            if (header.getKey().equalsIgnoreCase(name)) {
                return header.getValue();
            }
        }
        return null;
    }

    public boolean hasHeader(String name) {
        return header(name) != null;
    }

    public boolean isConnect() {
        return "CONNECT".equals(method);
    }

    /** Lower-cased names of the fields listed in {@code Connection}, which are hop-by-hop (RFC 9110 §7.6.1). */
    public List<String> connectionOptions() {
        String connection = header("Connection");
        if (connection == null) {
            return List.of();
        }
        return java.util.Arrays.stream(connection.split(","))
                .map(token -> token.trim().toLowerCase(Locale.ROOT))
                .filter(token -> !token.isEmpty())
                .toList();
    }
}

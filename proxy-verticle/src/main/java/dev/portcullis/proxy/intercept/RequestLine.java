package dev.portcullis.proxy.intercept;

import io.netty.handler.codec.http.HttpRequest;

/**
 * The parts of a request target the inspector needs: the path without query (for {@code http} rules) and, for
 * an absolute-form target, the host it names (which must agree with the connection like {@code Host} does).
 *
 * @param path the path, starting with '/'
 * @param host the authority of an absolute-form target, or {@code null} for origin-form
 */
record RequestLine(String path, String host) {

    static RequestLine of(HttpRequest request) {
        String uri = request.uri();
        String host = null;
        int scheme = uri.indexOf("://");
        if (!uri.startsWith("/") && scheme > 0) {
            String rest = uri.substring(scheme + 3);
            int slash = rest.indexOf('/');
            host = slash < 0 ? rest : rest.substring(0, slash);
            uri = slash < 0 ? "/" : rest.substring(slash);
        }
        int query = uri.indexOf('?');
        String path = query < 0 ? uri : uri.substring(0, query);
        return new RequestLine(path.startsWith("/") ? path : "/" + path, host);
    }
}

package dev.portcullis.bench;

import java.net.InetSocketAddress;

/**
 * The site the reverse scenarios ask a reverse proxy for (bench/README.md, "reverse").
 *
 * @param host                  the name sent as SNI and {@code Host}; the proxy's certificate must be valid for it
 * @param path                  the path fetched
 * @param direct                where {@code direct} connects in the reverse scenarios: one of the backends, over
 *                              plain HTTP
 * @param requestsPerConnection how many requests a keep-alive connection carries before the client opens another
 */
public record ReverseSite(String host, String path, InetSocketAddress direct, int requestsPerConnection) {

    /**
     * The site {@code bench/reverse-peers.sh} serves: {@code reverse.bench.test}, {@code /}, the backend on
     * 127.0.0.1:9181, 1,000 requests per connection (nginx's default {@code keepalive_requests}).
     */
    public static final ReverseSite DEFAULT = new ReverseSite("reverse.bench.test", "/",
            new InetSocketAddress("127.0.0.1", 9181), 1000);

    /**
     * Validates the parts.
     *
     * @throws IllegalArgumentException if a part is missing or the request count is not positive
     */
    public ReverseSite {
        if (host == null || host.isBlank() || path == null || !path.startsWith("/") || direct == null) {
            throw new IllegalArgumentException("reverse site needs a host, an absolute path and a direct address");
        }
        if (requestsPerConnection < 1) {
            throw new IllegalArgumentException("requestsPerConnection must be positive, was " + requestsPerConnection);
        }
    }
}

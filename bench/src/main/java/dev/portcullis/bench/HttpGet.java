package dev.portcullis.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * One {@code GET} of a path on the origin over an open {@link Connection}, with {@code Connection: close} unless it
 * is a keep-alive request.
 */
final class HttpGet {

    /**
     * One response read.
     *
     * @param bytes            its body length
     * @param lastOnConnection whether the server closes the connection after it ({@code Connection: close}, RFC 9112
     *                         §9.6)
     */
    record Response(long bytes, boolean lastOnConnection) {
    }

    private final byte[] request;
    private final long expectedLength;

    /**
     * @param authority      the {@code Host} header: {@code host:port}, since a port other than the scheme's default
     *                       must be sent (RFC 9110 §7.2); squid ssl-bump forwards a bare {@code localhost} to 443
     * @param expectedLength the body length the origin must send, or -1 to accept any
     */
    HttpGet(String authority, String path, long expectedLength) {
        this(authority, path, expectedLength, false);
    }

    /**
     * @param keepAlive whether to leave out {@code Connection: close}, so that the connection carries more requests
     *                  (HTTP/1.1's default, RFC 9112 §9.3)
     */
    HttpGet(String authority, String path, long expectedLength, boolean keepAlive) {
        this.request = ("GET " + path + " HTTP/1.1\r\nHost: " + authority + "\r\nUser-Agent: portcullis-bench\r\n"
                + (keepAlive ? "" : "Connection: close\r\n") + "\r\n").getBytes(StandardCharsets.US_ASCII);
        this.expectedLength = expectedLength;
    }

    /**
     * Sends the request and reads the whole response.
     *
     * @return the number of body bytes received
     * @throws ExchangeException if the status is not 200, or the body is not the expected length
     * @throws IOException       if the connection fails or a read times out
     */
    long fetch(Connection connection) throws IOException {
        return exchange(connection).bytes();
    }

    /**
     * As {@link #fetch}, also telling whether the server ends the connection after this response.
     *
     * @throws ExchangeException if the status is not 200, or the body is not the expected length
     * @throws IOException       if the connection fails or a read times out
     */
    Response exchange(Connection connection) throws IOException {
        connection.out().write(request);
        connection.out().flush();
        ResponseHead head = connection.reader().readHead();
        if (head.status() != 200) {
            throw new ExchangeException("origin answered " + head.status());
        }
        long n = connection.reader().readBody(head);
        if (expectedLength >= 0 && n != expectedLength) {
            throw new ExchangeException("body of " + n + " bytes, expected " + expectedLength);
        }
        // A body read to the end of the stream leaves nothing to reuse.
        return new Response(n, head.closes() || !head.chunked() && head.contentLength() < 0);
    }
}

package dev.portcullis.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** One {@code GET} of a path on the origin, with {@code Connection: close}, over an open {@link Connection}. */
final class HttpGet {

    private final byte[] request;
    private final long expectedLength;

    /**
     * @param authority      the {@code Host} header: {@code host:port}, since a port other than the scheme's default
     *                       must be sent (RFC 9110 §7.2); squid ssl-bump forwards a bare {@code localhost} to 443
     * @param expectedLength the body length the origin must send, or -1 to accept any
     */
    HttpGet(String authority, String path, long expectedLength) {
        this.request = ("GET " + path + " HTTP/1.1\r\nHost: " + authority + "\r\nUser-Agent: portcullis-bench\r\n"
                + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
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
        return n;
    }
}

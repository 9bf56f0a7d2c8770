package dev.portcullis.bench;

import java.util.Locale;
import java.util.Map;

/**
 * The status line and headers of an HTTP/1.x response.
 *
 * @param status  the status code
 * @param headers header values by lower-case name (the last one wins when a name repeats)
 */
record ResponseHead(int status, Map<String, String> headers) {

    /** The {@code Content-Length}, or -1 when there is none. */
    long contentLength() throws ExchangeException {
        String value = headers.get("content-length");
        if (value == null) {
            return -1;
        }
        try {
            long n = Long.parseLong(value.trim());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ExchangeException("bad Content-Length");
        }
    }

    /** Whether the server closes the connection after this response: a {@code close} option (RFC 9112 §9.6). */
    boolean closes() {
        String value = headers.get("connection");
        if (value == null) {
            return false;
        }
        for (String option : value.split(",")) {
            if (option.trim().equalsIgnoreCase("close")) {
                return true;
            }
        }
        return false;
    }

    /** Whether the body is sent in chunks (RFC 9112 §7.1). */
    boolean chunked() {
        String value = headers.get("transfer-encoding");
        return value != null && value.toLowerCase(Locale.ROOT).contains("chunked");
    }
}

package dev.portcullis.proxy.request;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Tells bytes that are no HTTP request (an SSH banner on a port mapped to 443, binary junk) as soon as the first
 * line is in, instead of waiting for a header block that will never come. For listeners where the client's
 * protocol is not known (transparent ports); keeps the bytes seen so far, so whoever takes over can send them on.
 */
final class RequestLineSniff {

    /** RFC 9112 §3: method SP request-target SP HTTP-version. */
    private static final Pattern REQUEST_LINE = Pattern.compile("[A-Z]+ \\S+ HTTP/1\\.[01]\r?");

    private final int maxRequestLine;
    private final StringBuilder firstLine = new StringBuilder();
    private boolean decided;

    RequestLineSniff(int maxRequestLine) {
        this.maxRequestLine = maxRequestLine;
    }

    /** @return false once the bytes so far cannot begin an HTTP request line */
    boolean stillHttp(Buffer bytes) {
        if (decided) {
            return true;
        }
        firstLine.append(bytes.toString(StandardCharsets.ISO_8859_1));
        if (firstLine.length() == 0) {
            return true;
        }
        int newline = firstLine.indexOf("\n");
        char first = firstLine.charAt(0);
        if (first < 'A' || first > 'Z'
                || (newline >= 0 && !REQUEST_LINE.matcher(firstLine.substring(0, newline)).matches())) {
            return false;
        }
        decided = newline >= 0 || firstLine.length() > maxRequestLine;
        return true;
    }

    /** The bytes seen so far. */
    Buffer seen() {
        return Buffer.buffer(firstLine.toString().getBytes(StandardCharsets.ISO_8859_1));
    }
}

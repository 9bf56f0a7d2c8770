package dev.portcullis.proxy.request;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads one HTTP/1.x request head from bytes arriving in pieces, within limits on the request line and on the
 * header block. Bytes after the head (a pipelined ClientHello, a request body) are kept, not lost.
 *
 * <p>Hand-written rather than Netty's {@code HttpRequestDecoder}: the proxy must own the raw socket from the
 * first byte (answer exactly {@code 200 Connection established}, keep bytes sent right after the head, leave no
 * HTTP codec in the pipeline for the TLS peek that follows), and a CONNECT head is small and strict enough
 * that ~150 lines read it completely. Obsolete line folding and bare CR are refused (RFC 9112 §5.2, §2.2).
 */
public final class RequestHeadParser {

    /** What {@link #feed} found. */
    public enum State { NEED_MORE, DONE }

    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern VERSION = Pattern.compile("HTTP/1\\.[01]");

    private final int maxRequestLine;
    private final int maxHeaderBlock;
    private final Buffer pending = Buffer.buffer();
    private RequestHead head;
    private Buffer headBytes;
    private Buffer rest;

    public RequestHeadParser(int maxRequestLine, int maxHeaderBlock) {
        this.maxRequestLine = maxRequestLine;
        this.maxHeaderBlock = maxHeaderBlock;
    }

    /**
     * Adds bytes from the client.
     *
     * @return {@link State#DONE} once the whole head has arrived ({@link #head()} and {@link #rest()} are then set)
     * @throws BadRequestException with 400, 414 or 431 when the head is malformed or over a limit
     */
    public State feed(Buffer bytes) {
        if (head != null) {
            rest.appendBuffer(bytes);
            return State.DONE;
        }
        int searchFrom = Math.max(0, pending.length() - 3);
        pending.appendBuffer(bytes);
        int end = indexOfHeadEnd(searchFrom);
        if (end < 0) {
            checkLimitsWhileIncomplete();
            return State.NEED_MORE;
        }
        head = parse(pending.getString(0, end, StandardCharsets.ISO_8859_1.name()));
        headBytes = pending.getBuffer(0, end + 4);
        rest = pending.getBuffer(end + 4, pending.length());
        return State.DONE;
    }

    /** The parsed head, or {@code null} while incomplete. */
    public RequestHead head() {
        return head;
    }

    /** The head as the client sent it, its final CRLF CRLF included, or {@code null} while incomplete. */
    public Buffer headBytes() {
        return headBytes;
    }

    /** Bytes received after the head; grows if {@link #feed} is called after {@link State#DONE}. */
    public Buffer rest() {
        return rest;
    }

    private int indexOfHeadEnd(int from) {
        for (int i = from; i + 3 < pending.length(); i++) {
            if (pending.getByte(i) == '\r' && pending.getByte(i + 1) == '\n'
                    && pending.getByte(i + 2) == '\r' && pending.getByte(i + 3) == '\n') {
                return i;
            }
        }
        return -1;
    }

    /**
     * Refuses an incomplete head only for what the whole head would be refused for, so that the answer does not
     * depend on how TCP cut the bytes: the request line ends at the first CRLF (a CR that arrived last may still
     * get its LF), and the head's CRLFCRLF can start no earlier than 3 bytes before the end of what arrived.
     */
    private void checkLimitsWhileIncomplete() {
        int lineEnd = indexOfCrlf();
        if (lineEnd < 0 ? pending.length() - 1 > maxRequestLine : lineEnd > maxRequestLine) {
            throw new BadRequestException(414, "request line longer than " + maxRequestLine + " bytes");
        }
        if (lineEnd >= 0 && pending.length() - 3 - lineEnd > maxHeaderBlock) {
            throw new BadRequestException(431, "request header block larger than " + maxHeaderBlock + " bytes");
        }
    }

    private int indexOfCrlf() {
        for (int i = 0; i + 1 < pending.length(); i++) {
            if (pending.getByte(i) == '\r' && pending.getByte(i + 1) == '\n') {
                return i;
            }
        }
        return -1;
    }

    private RequestHead parse(String text) {
        String[] lines = text.split("\r\n", -1);
        String requestLine = lines[0];
        if (requestLine.length() > maxRequestLine) {
            throw new BadRequestException(414, "request line longer than " + maxRequestLine + " bytes");
        }
        if (text.length() - requestLine.length() > maxHeaderBlock) {
            throw new BadRequestException(431, "request header block larger than " + maxHeaderBlock + " bytes");
        }
        String[] parts = requestLine.split(" ", -1);
        if (parts.length != 3 || !TOKEN.matcher(parts[0]).matches() || parts[1].isEmpty()
                || !VERSION.matcher(parts[2]).matches()) {
            throw new BadRequestException(400, "malformed request line");
        }
        for (int i = 0; i < parts[1].length(); i++) {
            char c = parts[1].charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                throw new BadRequestException(400, "malformed request target");
            }
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            headers.add(headerField(lines[i]));
        }
        return new RequestHead(parts[0], parts[1], parts[2], headers);
    }

    private static Map.Entry<String, String> headerField(String line) {
        int colon = line.indexOf(':');
        if (colon <= 0) {
            throw new BadRequestException(400, "malformed header field");
        }
        String name = line.substring(0, colon);
        if (!TOKEN.matcher(name).matches()) {
            // Also refuses "Name :" and obsolete folding (a line starting with whitespace), RFC 9112 §5.1-5.2.
            throw new BadRequestException(400, "malformed header field name");
        }
        // Only OWS (SP, HTAB) around the value, RFC 9112 §5.1: String.strip would also drop a bare CR or LF
        // ending the line, which must be refused instead.
        String value = withoutOws(line.substring(colon + 1));
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f || c == '\r' || c == '\n') {
                throw new BadRequestException(400, "invalid character in header field " + name);
            }
        }
        return new AbstractMap.SimpleImmutableEntry<>(name, value);
    }

    private static String withoutOws(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && (text.charAt(start) == ' ' || text.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (text.charAt(end - 1) == ' ' || text.charAt(end - 1) == '\t')) {
            end--;
        }
        return text.substring(start, end);
    }
}

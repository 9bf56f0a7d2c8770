package dev.portcullis.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads HTTP/1.x responses from a stream through one reusable buffer, discarding bodies and counting their bytes.
 * Bytes read past a response head stay buffered for the next read, so a {@code CONNECT} response and the tunnelled
 * response after it can share one reader. Not thread-safe: one per client thread, {@link #reset} per connection.
 */
final class ResponseReader {

    /** The longest response head accepted: 64 KiB. */
    static final int MAX_HEAD = 64 * 1024;

    private final byte[] buf;
    private InputStream in;
    private int pos;
    private int limit;

    /** A reader whose buffer holds {@code bufferSize} bytes; at least {@link #MAX_HEAD}. */
    ResponseReader(int bufferSize) {
        this.buf = new byte[Math.max(bufferSize, MAX_HEAD)];
    }

    /** Starts reading {@code in}, dropping anything buffered from the previous stream. */
    void reset(InputStream in) {
        this.in = in;
        this.pos = 0;
        this.limit = 0;
    }

    /** How many bytes have been read from the stream but not yet consumed. */
    int buffered() {
        return limit - pos;
    }

    /**
     * Reads a status line and headers, up to and including the empty line.
     *
     * @throws ExchangeException if the stream ends first, or the head is malformed or longer than {@link #MAX_HEAD}
     */
    ResponseHead readHead() throws IOException {
        int end = findHeadEnd();
        String head = new String(buf, pos, end - pos, StandardCharsets.ISO_8859_1);
        pos = end + 4;
        String[] lines = head.split("\r\n");
        String status = lines[0];
        if (!status.startsWith("HTTP/1.") || status.length() < 12 || status.charAt(8) != ' ') {
            throw new ExchangeException("malformed status line");
        }
        int code;
        try {
            code = Integer.parseInt(status.substring(9, 12));
        } catch (NumberFormatException e) {
            throw new ExchangeException("malformed status line");
        }
        Map<String, String> headers = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                throw new ExchangeException("malformed header line");
            }
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    lines[i].substring(colon + 1).trim());
        }
        return new ResponseHead(code, headers);
    }

    /**
     * Reads and discards the body that follows {@code head}: by {@code Content-Length}, in chunks, or to the end of
     * the stream when there is neither.
     *
     * @return the number of body bytes (chunk framing excluded)
     * @throws ExchangeException if the stream ends before a declared length or inside a chunk
     */
    long readBody(ResponseHead head) throws IOException {
        if (head.chunked()) {
            return readChunked();
        }
        long length = head.contentLength();
        if (length >= 0) {
            skipExactly(length);
            return length;
        }
        long n = 0;
        while (true) {
            n += limit - pos;
            pos = limit;
            if (fill() < 0) {
                return n;
            }
        }
    }

    private long readChunked() throws IOException {
        long total = 0;
        // Bounded: each pass consumes at least one chunk-size line; a stream that never sends the last chunk ends
        // in a read timeout or end of stream.
        while (true) {
            String line = readLine();
            int semicolon = line.indexOf(';');
            long size;
            try {
                size = Long.parseLong((semicolon >= 0 ? line.substring(0, semicolon) : line).trim(), 16);
            } catch (NumberFormatException e) {
                throw new ExchangeException("malformed chunk size");
            }
            if (size < 0) {
                throw new ExchangeException("malformed chunk size");
            }
            if (size == 0) {
                while (!readLine().isEmpty()) {
                    // trailer fields are discarded
                }
                return total;
            }
            skipExactly(size);
            total += size;
            if (!readLine().isEmpty()) {
                throw new ExchangeException("chunk not followed by CRLF");
            }
        }
    }

    private void skipExactly(long length) throws IOException {
        long remaining = length;
        while (remaining > 0) {
            if (pos == limit && fill() < 0) {
                throw new ExchangeException("body shorter than declared");
            }
            int take = (int) Math.min(remaining, limit - pos);
            pos += take;
            remaining -= take;
        }
    }

    private String readLine() throws IOException {
        int start = pos;
        while (true) {
            for (int i = start; i + 1 < limit; i++) {
                if (buf[i] == '\r' && buf[i + 1] == '\n') {
                    String line = new String(buf, pos, i - pos, StandardCharsets.ISO_8859_1);
                    pos = i + 2;
                    return line;
                }
            }
            start = Math.max(pos, limit - 1);
            if (limit - pos >= MAX_HEAD) {
                throw new ExchangeException("line longer than " + MAX_HEAD + " bytes");
            }
            int before = pos;
            if (fill() < 0) {
                throw new ExchangeException("stream ended inside a chunked body");
            }
            start -= before - pos;
        }
    }

    /** The index of the CRLFCRLF ending the head that starts at {@link #pos}, reading more as needed. */
    private int findHeadEnd() throws IOException {
        int scanned = pos;
        while (true) {
            for (int i = Math.max(scanned, pos); i + 3 < limit; i++) {
                if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n') {
                    return i;
                }
            }
            if (limit - pos >= MAX_HEAD) {
                throw new ExchangeException("response head longer than " + MAX_HEAD + " bytes");
            }
            int before = pos;
            scanned = Math.max(pos, limit - 3);
            if (fill() < 0) {
                throw new ExchangeException(limit == pos ? "connection closed before a response"
                        : "connection closed inside a response head");
            }
            scanned -= before - pos;
        }
    }

    /**
     * Reads more bytes, first moving unconsumed ones to the front when the buffer's tail is full.
     *
     * @return the number of bytes read, or -1 at the end of the stream
     */
    private int fill() throws IOException {
        if (pos == limit) {
            pos = 0;
            limit = 0;
        } else if (limit == buf.length) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        int n = in.read(buf, limit, buf.length - limit);
        if (n > 0) {
            limit += n;
        }
        return n;
    }
}

package dev.portcullis.proxy.respond;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;

/**
 * An error answer to a proxy client.
 *
 * @param status      HTTP status
 * @param proxyError  RFC 9209 Proxy-Status error type, e.g. {@code http_request_denied}
 * @param reason      one line saying why, for the body, the header's details and the access log
 */
public record ErrorResponse(int status, String proxyError, String reason) {

    /** The whole HTTP/1.1 response; the connection is closed after it. */
    public Buffer toBuffer() {
        byte[] bodyBytes = body();
        String head = "HTTP/1.1 " + status + " " + phrase(status) + "\r\n"
                + "Proxy-Status: " + proxyStatus() + "\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + bodyBytes.length + "\r\n"
                + "Connection: close\r\n\r\n";
        return Buffer.buffer(head.getBytes(StandardCharsets.ISO_8859_1)).appendBytes(bodyBytes);
    }

    /**
     * The same answer as a Netty message, for a connection that speaks HTTP through Netty's codecs (a decrypted
     * one, an HTTP/2 stream converted to HTTP/1 objects).
     *
     * @param close whether the connection closes after it ({@code Connection: close})
     */
    public FullHttpResponse toHttpResponse(boolean close) {
        byte[] body = body();
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(status, phrase(status)), Unpooled.wrappedBuffer(body));
        response.headers().set("Proxy-Status", proxyStatus())
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length);
        if (close) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return response;
    }

    private byte[] body() {
        return (status + " " + phrase(status) + ": " + reason + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The value of the RFC 9209 {@code Proxy-Status} field: this proxy's name, the error type and the reason as
     * a quoted string (RFC 8941 §3.3.3: printable ASCII, {@code "} and {@code \\} escaped).
     */
    public String proxyStatus() {
        return "portcullis; error=" + proxyError + "; details=\"" + quoted(reason) + "\"";
    }

    private static String quoted(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\');
            }
            out.append(c < 0x20 || c > 0x7e ? '?' : c);
        }
        return out.toString();
    }

    static String phrase(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 411 -> "Length Required";
            case 421 -> "Misdirected Request";
            case 414 -> "URI Too Long";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "Internal Server Error";
        };
    }
}

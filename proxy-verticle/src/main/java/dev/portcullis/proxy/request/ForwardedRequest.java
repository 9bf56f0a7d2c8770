package dev.portcullis.proxy.request;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The upstream form of an absolute-form proxy request ({@code GET http://host/path}): origin-form request line,
 * {@code Host} from the URI (RFC 9112 §3.2.2), hop-by-hop fields removed (RFC 9110 §7.6.1), and
 * {@code Connection: close}, so one client connection carries exactly one decided request.
 */
public final class ForwardedRequest {

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "proxy-connection", "keep-alive",
            "proxy-authorization", "proxy-authenticate", "te", "trailer", "transfer-encoding", "upgrade", "host");

    private ForwardedRequest() {
    }

    /**
     * @return the head to send upstream
     * @throws BadRequestException 411 for a chunked request body, 400 for its framing ({@link #bodyLength})
     */
    public static Buffer head(RequestHead head, RequestTarget target) {
        bodyLength(head);
        List<String> connectionOptions = head.connectionOptions();
        StringBuilder out = new StringBuilder(256)
                .append(head.method()).append(' ').append(target.originForm()).append(" HTTP/1.1\r\n")
                .append("Host: ").append(hostHeader(target)).append("\r\n");
        for (Map.Entry<String, String> header : head.headers()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (!HOP_BY_HOP.contains(name) && !connectionOptions.contains(name)) {
                out.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
            }
        }
        out.append("Via: 1.1 portcullis\r\nConnection: close\r\n\r\n");
        return Buffer.buffer(out.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    /**
     * The length of the request body, as {@link RequestFraming} reads it (README, "No smuggling").
     *
     * @throws BadRequestException 411 for a chunked body (not forwarded by this plain-HTTP path), 400 for framing
     *                             two parsers could read differently
     */
    public static long bodyLength(RequestHead head) {
        RequestFraming.Framing framing = RequestFraming.of(head.version(), head.headers());
        if (framing.chunked()) {
            throw new BadRequestException(411, "chunked request bodies are not forwarded; send Content-Length");
        }
        return framing.length();
    }

    /** The agreed name, and its port unless it is HTTP's default. */
    private static String hostHeader(RequestTarget target) {
        return new Authority(target.host(), target.port() == RequestTarget.HTTP_PORT ? 0 : target.port()).text();
    }
}

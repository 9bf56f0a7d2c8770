package dev.portcullis.proxy.request;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one reading of how a request's body is framed (README, "No smuggling"), for every path that forwards a
 * request: the plain path's {@link RequestHead} and Netty's decoded request both give their header fields here as
 * sent. A request whose framing two parsers could read differently is refused with 400, never repaired, because
 * the gateway and the next hop must agree where one request ends and the next begins (RFC 9112 §6.3, §11.2).
 *
 * <p>The only {@code Transfer-Encoding} accepted is one field that is exactly {@code chunked}: RFC 9112 §6.3 allows
 * codings before a final {@code chunked}, but an intermediary that does not decode {@code gzip, chunked} gains
 * nothing by passing it on, and every extra coding, list element or repeated field is one more place for the
 * origin to read the framing differently.
 */
public final class RequestFraming {

    /** How the request body is delimited. */
    public enum Kind { NONE, LENGTH, CHUNKED }

    /**
     * @param kind   how the body is delimited
     * @param length the body length for {@link Kind#LENGTH}, else 0
     */
    public record Framing(Kind kind, long length) {

        static final Framing NONE = new Framing(Kind.NONE, 0);
        static final Framing CHUNKED = new Framing(Kind.CHUNKED, 0);

        public boolean chunked() {
            return kind == Kind.CHUNKED;
        }
    }

    /** Fields a {@code Connection} option must not name: removing them as hop-by-hop would re-frame or re-route. */
    private static final List<String> NOT_HOP_BY_HOP = List.of("content-length", "transfer-encoding", "host");

    private RequestFraming() {
    }

    /**
     * @param version "HTTP/1.1" or "HTTP/1.0"
     * @param fields  the request's header fields in order, names and values as received (values without OWS)
     * @throws BadRequestException 400 naming the rule the request breaks
     */
    public static Framing of(String version, List<? extends Map.Entry<String, String>> fields) {
        List<String> connection = values(fields, "Connection");
        List<String> transferEncoding = values(fields, "Transfer-Encoding");
        List<String> contentLength = values(fields, "Content-Length");
        for (String option : tokens(connection)) {
            if (NOT_HOP_BY_HOP.contains(option)) {
                // A next hop would drop the field as hop-by-hop and read the body as the next request
                // (RFC 9110 §7.6.1).
                throw new BadRequestException(400, "Connection names " + option + " (RFC 9110 section 7.6.1)");
            }
        }
        if (!transferEncoding.isEmpty()) {
            if (!"HTTP/1.1".equals(version)) {
                throw new BadRequestException(400, "Transfer-Encoding in an " + version + " request (RFC 9112 section 6.1)");
            }
            if (!contentLength.isEmpty()) {
                throw new BadRequestException(400, "both Content-Length and Transfer-Encoding (RFC 9112 section 6.3)");
            }
            if (transferEncoding.size() > 1 || !transferEncoding.get(0).equalsIgnoreCase("chunked")) {
                throw new BadRequestException(400, "Transfer-Encoding other than chunked: "
                        + String.join(", ", transferEncoding) + " (RFC 9112 section 6.3)");
            }
            return Framing.CHUNKED;
        }
        if (contentLength.isEmpty()) {
            return Framing.NONE;
        }
        if (contentLength.size() > 1) {
            throw new BadRequestException(400, "more than one Content-Length (RFC 9112 section 6.3)");
        }
        return new Framing(Kind.LENGTH, length(contentLength.get(0)));
    }

    /** {@code Content-Length = 1*DIGIT} (RFC 9110 §8.6): no sign, no list, no spaces. */
    private static long length(String value) {
        if (value.isEmpty() || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new BadRequestException(400, "Content-Length is not 1*DIGIT: " + value + " (RFC 9112 section 6.3)");
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new BadRequestException(400, "Content-Length out of range: " + value);
        }
    }

    private static List<String> values(List<? extends Map.Entry<String, String>> fields, String name) {
        List<String> values = new ArrayList<>(1);
        for (Map.Entry<String, String> field : fields) {
            if (field.getKey().equalsIgnoreCase(name)) {
                values.add(field.getValue().strip());
            }
        }
        return values;
    }

    /** The comma-separated elements of all values, lower-cased; empty elements count as absent (RFC 9110 §5.6.1). */
    private static List<String> tokens(List<String> values) {
        List<String> tokens = new ArrayList<>();
        for (String value : values) {
            for (String element : value.split(",", -1)) {
                String token = element.strip().toLowerCase(Locale.ROOT);
                if (!token.isEmpty()) {
                    tokens.add(token);
                }
            }
        }
        return tokens;
    }
}

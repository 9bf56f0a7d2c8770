package dev.portcullis.proxy.request;

import dev.portcullis.api.host.HostName;

import java.util.List;
import java.util.Locale;

/**
 * What an HTTP request names, read the one way every listener decides it (README, "One name, one path"): the
 * one authority the target and {@code Host} agree on, and the path normalised by {@link PathNormaliser}. What
 * is decided from it is exactly what is forwarded: its {@link #originForm()} and {@link Authority#text()} as
 * {@code Host}.
 *
 * <p>Host rules (RFC 9112 §3.2): more than one {@code Host} field, or none in HTTP/1.1, is a 400. An
 * absolute-form target and {@code Host} must name the same host and port (a client MUST send a {@code Host}
 * identical to the target's authority, RFC 9112 §3.2); a {@code Host} that disagrees is a 400: the request
 * contradicts itself, whatever connection it arrives on, and only the target's authority (RFC 9112 §3.2.2) is
 * ever forwarded.
 *
 * @param authority the agreed name, or {@code null} for an HTTP/1.0 origin-form request without {@code Host}
 * @param target    the normalised path and the query as sent
 */
public record HttpTarget(Authority authority, PathNormaliser.Normalised target) {

    /**
     * @param requestTarget the request-target as sent: origin-form or an {@code http://} or {@code https://}
     *                      absolute URI
     * @param hostFields    the values of every {@code Host} field, in order
     * @param version       {@code HTTP/1.1} or {@code HTTP/1.0}
     * @throws BadRequestException 400 with the reason
     */
    public static HttpTarget of(String requestTarget, List<String> hostFields, String version) {
        if (hostFields.size() > 1) {
            throw new BadRequestException(400, "more than one Host header (RFC 9112 section 3.2)");
        }
        if (hostFields.isEmpty() && !"HTTP/1.0".equals(version)) {
            throw new BadRequestException(400, "HTTP/1.1 request without Host (RFC 9112 section 3.2)");
        }
        Authority fromHost = hostFields.isEmpty() ? null : parseHost(hostFields.get(0).strip());
        if (requestTarget.startsWith("/")) {
            return new HttpTarget(fromHost, PathNormaliser.normalise(requestTarget));
        }
        int schemeEnd = requestTarget.indexOf("://");
        if (schemeEnd < 0) {
            throw new BadRequestException(400, "malformed request target");
        }
        String scheme = requestTarget.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        int defaultPort = switch (scheme) {
            case "http" -> RequestTarget.HTTP_PORT;
            case "https" -> 443;
            default -> throw new BadRequestException(400, "unsupported scheme " + HostName.printable(scheme));
        };
        String afterScheme = requestTarget.substring(schemeEnd + 3);
        int pathStart = firstOf(afterScheme, "/?#");
        String authorityText = pathStart < 0 ? afterScheme : afterScheme.substring(0, pathStart);
        String rest = pathStart < 0 ? "" : afterScheme.substring(pathStart);
        if (authorityText.indexOf('@') >= 0) {
            throw new BadRequestException(400, "user information in the request target is not allowed");
        }
        Authority fromUri = Authority.parse(authorityText);
        if (fromHost != null && !(fromHost.host().equals(fromUri.host())
                && fromHost.portOr(defaultPort) == fromUri.portOr(defaultPort))) {
            throw new BadRequestException(400, "Host " + HostName.printable(hostFields.get(0).strip())
                    + " disagrees with the request target's " + fromUri.text() + " (RFC 9112 section 3.2)");
        }
        // RFC 9112 §3.2.1: an empty path is sent as "/".
        return new HttpTarget(fromUri, PathNormaliser.normalise(rest.startsWith("/") ? rest : "/" + rest));
    }

    /** The normalised path: what the {@code http} entries decide. */
    public String path() {
        return target.path();
    }

    /** The origin-form to forward: the normalised path and the query as sent. */
    public String originForm() {
        return target.originForm();
    }

    private static Authority parseHost(String value) {
        try {
            return Authority.parse(value);
        } catch (BadRequestException e) {
            throw new BadRequestException(400, "invalid Host header: " + e.getMessage());
        }
    }

    private static int firstOf(String text, String chars) {
        for (int i = 0; i < text.length(); i++) {
            if (chars.indexOf(text.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }
}

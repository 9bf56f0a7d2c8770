package dev.portcullis.proxy.intercept;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Client and server share no application protocol the gateway can inspect (RFC 7301 §3.2): the client is refused
 * with a {@code no_application_protocol} alert and this message in its access record.
 */
public final class NoApplicationProtocolException extends RuntimeException {

    private NoApplicationProtocolException(String message) {
        super(message, null, false, false);
    }

    /** The server selected {@code selected} (none: HTTP/1.1), which the client did not offer. */
    static NoApplicationProtocolException notOffered(String host, String selected, List<String> client) {
        String chosen = selected == null || selected.isEmpty() ? "no application protocol (HTTP/1.1)" : selected;
        return new NoApplicationProtocolException("no application protocol in common: server " + host + " chose "
                + chosen + ", the client offers only " + client);
    }

    /** The server's handshake failed with its own {@code no_application_protocol} alert, if that is the failure. */
    static Optional<NoApplicationProtocolException> refusedBy(Throwable failure, String host, List<String> offer) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            String text = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT).replaceAll("[ _]", "");
            if (text.contains("noapplicationprotocol")) {
                return Optional.of(new NoApplicationProtocolException("no application protocol in common: server "
                        + host + " speaks none of " + offer + " that the client offers"));
            }
        }
        return Optional.empty();
    }
}

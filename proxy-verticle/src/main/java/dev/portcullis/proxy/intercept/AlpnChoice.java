package dev.portcullis.proxy.intercept;

import io.netty.handler.ssl.ApplicationProtocolNames;

import java.util.List;
import java.util.Optional;

/**
 * ALPN end to end (RFC 7301; README, "Decrypt inspection"): the gateway offers the server what the client offered,
 * restricted to the protocols it can inspect, in the client's order, and then offers the client exactly what the
 * server selected, so both sides speak the same protocol and no bridging is needed.
 */
public final class AlpnChoice {

    /** What the inspector reads: HTTP/2 (RFC 9113) and HTTP/1.1. */
    public static final List<String> INSPECTABLE = List.of(ApplicationProtocolNames.HTTP_2,
            ApplicationProtocolNames.HTTP_1_1);

    private AlpnChoice() {
    }

    /**
     * @param client the client's ALPN list, in its order
     * @return what to offer the server: the client's inspectable protocols in its order; {@code http/1.1} for a
     * client without ALPN (it speaks HTTP/1.1); empty when the client offers only protocols the gateway cannot
     * inspect
     */
    public static List<String> upstreamOffer(List<String> client) {
        if (client.isEmpty()) {
            return List.of(ApplicationProtocolNames.HTTP_1_1);
        }
        return client.stream().filter(INSPECTABLE::contains).distinct().toList();
    }

    /**
     * @param client   the client's ALPN list
     * @param selected what the server selected; {@code null} or empty when it selected none (it speaks HTTP/1.1)
     * @return the protocol to speak with the client, which is the one spoken with the server; empty when the
     * client did not offer it (a client offering only {@code h2} to a server without HTTP/2): refused with
     * {@code no_application_protocol}
     */
    public static Optional<String> forClient(List<String> client, String selected) {
        String spoken = selected == null || selected.isEmpty() ? ApplicationProtocolNames.HTTP_1_1 : selected;
        if (!INSPECTABLE.contains(spoken)) {
            return Optional.empty();
        }
        return client.isEmpty() || client.contains(spoken) ? Optional.of(spoken) : Optional.empty();
    }
}

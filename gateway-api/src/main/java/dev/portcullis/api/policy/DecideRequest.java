package dev.portcullis.api.policy;

import dev.portcullis.api.bus.Json;
import dev.portcullis.api.host.HostName;
import io.vertx.core.json.JsonObject;

/**
 * Asks the policy role whether a connection may pass. Sent to {@link dev.portcullis.api.bus.Addresses#POLICY_DECIDE}.
 *
 * @param host     destination, already normalised with {@link HostName#parse}
 * @param port     destination port, 1-65535
 * @param client   the client's IP address, as text
 * @param listener the listener's name ("explicit", "transparent-8443", ...)
 * @param mode     how the connection reached the gateway
 * @param protocol what the client speaks, as far as known
 * @param sni      the SNI of the client's ClientHello, or {@code null} when none has been read (or it had none)
 * @param ech      whether that ClientHello carries {@code encrypted_client_hello}, so {@code sni} is only the
 *                 outer, public name; the policy's {@code ech} action applies. Absent in JSON means {@code false}
 */
public record DecideRequest(String host, int port, String client, String listener, Mode mode, Protocol protocol,
                            String sni, boolean ech) {

    public DecideRequest {
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("host is required");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535, was " + port);
        }
        if (client == null || client.isEmpty()) {
            throw new IllegalArgumentException("client is required");
        }
        if (listener == null || listener.isEmpty()) {
            throw new IllegalArgumentException("listener is required");
        }
        if (mode == null || protocol == null) {
            throw new IllegalArgumentException("mode and protocol are required");
        }
    }

    /** A request about a connection whose ClientHello (if any) does not use ECH. */
    public DecideRequest(String host, int port, String client, String listener, Mode mode, Protocol protocol,
                         String sni) {
        this(host, port, client, listener, mode, protocol, sni, false);
    }

    /**
     * Whether this is transparent TLS whose ClientHello names no server: the policy's {@code no-sni} action
     * applies, and {@code host} is only the address the client aimed at.
     */
    public boolean lacksSni() {
        return mode == Mode.TRANSPARENT && protocol == Protocol.TLS && sni == null;
    }

    public JsonObject toJson() {
        JsonObject json = new JsonObject()
                .put("host", host)
                .put("port", port)
                .put("client", client)
                .put("listener", listener)
                .put("mode", Json.wireName(mode))
                .put("protocol", Json.wireName(protocol));
        if (sni != null) {
            json.put("sni", sni);
        }
        if (ech) {
            json.put("ech", true);
        }
        return json;
    }

    /**
     * Reads a request from the wire, normalising the host again (a caller outside Portcullis may send any text).
     *
     * @throws IllegalArgumentException naming the field when the message is malformed
     */
    public static DecideRequest fromJson(JsonObject json) {
        String host = HostName.parse(Json.requireString(json, "host")).value();
        return new DecideRequest(
                host,
                Json.requireInt(json, "port", 1, 65535),
                Json.requireString(json, "client"),
                Json.requireString(json, "listener"),
                Json.requireEnum(json, "mode", Mode.class),
                Json.requireEnum(json, "protocol", Protocol.class),
                Json.optionalString(json, "sni"),
                json.getBoolean("ech", false));
    }
}

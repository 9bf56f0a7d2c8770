package dev.portcullis.api.dns;

import dev.portcullis.api.bus.Json;
import io.vertx.core.json.JsonObject;

/**
 * Asks the dns role which names it recently answered with {@code address} to {@code client} (as the workloads'
 * DNS server). Sent to {@link dev.portcullis.api.bus.Addresses#DNS_RECENT_NAMES}; the answer is
 * {@link RecentNames}. This is how a transparent proxy names a connection that carries no name of its own
 * (server-first protocols such as SSH) from its original destination.
 *
 * @param client  the workload's IP address, as text
 * @param address the destination IP address the workload connected to, as text
 */
public record RecentNamesRequest(String client, String address) {

    public RecentNamesRequest {
        if (client == null || client.isEmpty() || address == null || address.isEmpty()) {
            throw new IllegalArgumentException("client and address are required");
        }
    }

    public JsonObject toJson() {
        return new JsonObject().put("client", client).put("address", address);
    }

    /** @throws IllegalArgumentException naming the field when the message is malformed */
    public static RecentNamesRequest fromJson(JsonObject json) {
        return new RecentNamesRequest(Json.requireString(json, "client"), Json.requireString(json, "address"));
    }
}

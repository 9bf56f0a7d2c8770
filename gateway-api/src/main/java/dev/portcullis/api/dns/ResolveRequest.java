package dev.portcullis.api.dns;

import dev.portcullis.api.bus.Json;
import dev.portcullis.api.host.HostName;
import io.vertx.core.json.JsonObject;

/**
 * Asks the dns role for the addresses of a name. Sent to {@link dev.portcullis.api.bus.Addresses#DNS_RESOLVE}.
 *
 * @param name   a normalised DNS name (never an IP literal: those need no resolution)
 * @param family which records to ask for
 */
public record ResolveRequest(String name, AddressFamily family) {

    public ResolveRequest {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("name is required");
        }
        if (family == null) {
            family = AddressFamily.ANY;
        }
    }

    public JsonObject toJson() {
        return new JsonObject().put("name", name).put("family", Json.wireName(family));
    }

    /** @throws IllegalArgumentException naming the field when the message is malformed */
    public static ResolveRequest fromJson(JsonObject json) {
        HostName host = HostName.parse(Json.requireString(json, "name"));
        if (host.isIp()) {
            throw new IllegalArgumentException("name must be a DNS name, was the IP literal " + host.value());
        }
        return new ResolveRequest(host.value(), Json.optionalEnum(json, "family", AddressFamily.class, AddressFamily.ANY));
    }
}

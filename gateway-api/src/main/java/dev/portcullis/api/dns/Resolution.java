package dev.portcullis.api.dns;

import dev.portcullis.api.bus.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The dns role's answer.
 *
 * @param addresses IP addresses as text, in the order to try them; never empty
 * @param ttlMs     how much longer the answer is valid
 * @param source    where it came from
 */
public record Resolution(List<String> addresses, long ttlMs, ResolutionSource source) {

    public Resolution {
        if (addresses == null || addresses.isEmpty()) {
            throw new IllegalArgumentException("addresses must not be empty");
        }
        addresses = List.copyOf(addresses);
        if (ttlMs < 0) {
            throw new IllegalArgumentException("ttlMs must not be negative, was " + ttlMs);
        }
        if (source == null) {
            throw new IllegalArgumentException("source is required");
        }
    }

    public JsonObject toJson() {
        return new JsonObject()
                .put("addresses", new JsonArray(addresses))
                .put("ttlMs", ttlMs)
                .put("source", Json.wireName(source));
    }

    /** @throws IllegalArgumentException naming the field when the message is malformed */
    public static Resolution fromJson(JsonObject json) {
        return new Resolution(Json.stringList(json, "addresses"), Json.optionalLong(json, "ttlMs", 0),
                Json.requireEnum(json, "source", ResolutionSource.class));
    }
}

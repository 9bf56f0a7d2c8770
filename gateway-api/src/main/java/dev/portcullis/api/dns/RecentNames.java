package dev.portcullis.api.dns;

import dev.portcullis.api.bus.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The dns role's answer to a {@link RecentNamesRequest}.
 *
 * @param names normalised names whose answer to that client contained that address and has not expired, the most
 *              recently answered first; empty when there is none
 */
public record RecentNames(List<String> names) {

    public RecentNames {
        names = List.copyOf(names);
    }

    public JsonObject toJson() {
        return new JsonObject().put("names", new JsonArray(names));
    }

    /** @throws IllegalArgumentException naming the field when the message is malformed */
    public static RecentNames fromJson(JsonObject json) {
        return new RecentNames(Json.stringList(json, "names"));
    }
}

package dev.portcullis.api.policy;

import dev.portcullis.api.bus.Json;
import io.vertx.core.json.JsonObject;

/**
 * Asks whether one HTTP request inside a decrypted connection may pass, under the rule that allowed the
 * connection. Sent to {@link dev.portcullis.api.bus.Addresses#POLICY_HTTP}.
 *
 * @param host   the connection's destination name
 * @param method the request method, as sent (case-sensitive)
 * @param path   the request path without the query
 * @param rule   the name of the rule that allowed the connection
 */
public record HttpDecideRequest(String host, String method, String path, String rule) {

    public HttpDecideRequest {
        if (host == null || host.isEmpty() || method == null || method.isEmpty() || rule == null || rule.isEmpty()) {
            throw new IllegalArgumentException("host, method and rule are required");
        }
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with '/', was " + path);
        }
    }

    public JsonObject toJson() {
        return new JsonObject().put("host", host).put("method", method).put("path", path).put("rule", rule);
    }

    /** @throws IllegalArgumentException naming the field when the message is malformed */
    public static HttpDecideRequest fromJson(JsonObject json) {
        return new HttpDecideRequest(Json.requireString(json, "host"), Json.requireString(json, "method"),
                Json.requireString(json, "path"), Json.requireString(json, "rule"));
    }
}

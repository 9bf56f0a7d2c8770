package dev.portcullis.api.policy;

import dev.portcullis.api.bus.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Asks whether one HTTP request may pass, under the rule that allowed its connection (a decrypted forward
 * connection's), or a service's rule {@code service:<name>} on a reverse listener. Sent to
 * {@link dev.portcullis.api.bus.Addresses#POLICY_HTTP}.
 *
 * @param host    the connection's destination name
 * @param method  the request method, as sent (case-sensitive)
 * @param path    the request path without the query
 * @param rule    the name of the rule that allowed the connection
 * @param client  the client's address, for entries with {@code sources}; {@code null} when unknown
 * @param headers the request's values of the headers the rule's entries name ({@link Decision#httpHeaders()}),
 *                names in lower case; the others are not sent
 */
public record HttpDecideRequest(String host, String method, String path, String rule, String client,
                                Map<String, List<String>> headers) {

    public HttpDecideRequest {
        if (host == null || host.isEmpty() || method == null || method.isEmpty() || rule == null || rule.isEmpty()) {
            throw new IllegalArgumentException("host, method and rule are required");
        }
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with '/', was " + path);
        }
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    /** A request without a client address or headers (entries naming neither). */
    public HttpDecideRequest(String host, String method, String path, String rule) {
        this(host, method, path, rule, null, Map.of());
    }

    public JsonObject toJson() {
        JsonObject json = new JsonObject().put("host", host).put("method", method).put("path", path)
                .put("rule", rule);
        if (client != null) {
            json.put("client", client);
        }
        if (!headers.isEmpty()) {
            JsonObject values = new JsonObject();
            headers.forEach((name, list) -> values.put(name, new JsonArray(list)));
            json.put("headers", values);
        }
        return json;
    }

    /** @throws IllegalArgumentException naming the field when the message is malformed */
    public static HttpDecideRequest fromJson(JsonObject json) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        JsonObject values = json.getJsonObject("headers");
        if (values != null) {
            for (String name : values.fieldNames()) {
                headers.put(name, Json.stringList(values, name));
            }
        }
        return new HttpDecideRequest(Json.requireString(json, "host"), Json.requireString(json, "method"),
                Json.requireString(json, "path"), Json.requireString(json, "rule"),
                Json.optionalString(json, "client"), headers);
    }
}

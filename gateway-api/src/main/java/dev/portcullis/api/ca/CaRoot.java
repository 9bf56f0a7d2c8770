package dev.portcullis.api.ca;

import dev.portcullis.api.bus.Json;
import io.vertx.core.json.JsonObject;

/**
 * The root certificate clients must trust for decrypted connections. Reply of
 * {@link dev.portcullis.api.bus.Addresses#CA_ROOT}; also published on
 * {@link dev.portcullis.api.bus.Addresses#CA_CHANGED} when the CA changes.
 *
 * @param rootPem           the root certificate, PEM (never a key)
 * @param fingerprintSha256 SHA-256 of its DER encoding, lower-case hex
 */
public record CaRoot(String rootPem, String fingerprintSha256) {

    public JsonObject toJson() {
        return new JsonObject().put("rootPem", rootPem).put("fingerprintSha256", fingerprintSha256);
    }

    public static CaRoot fromJson(JsonObject json) {
        return new CaRoot(Json.requireString(json, "rootPem"), Json.requireString(json, "fingerprintSha256"));
    }
}

package dev.portcullis.api.ca;

import dev.portcullis.api.bus.Json;
import io.vertx.core.json.JsonObject;

/**
 * The ca role's answer to a {@link SignRequest}.
 *
 * @param chainPem          the leaf then the issuing CA certificate(s), PEM
 * @param caFingerprint     SHA-256 of the root certificate (hex), so a proxy can tell which CA issued it
 * @param notAfterEpochMs   the leaf's expiry
 */
public record SignedChain(String chainPem, String caFingerprint, long notAfterEpochMs) {

    public SignedChain {
        if (chainPem == null || !chainPem.contains("BEGIN CERTIFICATE")) {
            throw new IllegalArgumentException("chainPem must hold PEM certificates");
        }
        if (caFingerprint == null || caFingerprint.isEmpty()) {
            throw new IllegalArgumentException("caFingerprint is required");
        }
    }

    public JsonObject toJson() {
        return new JsonObject().put("chainPem", chainPem).put("caFingerprint", caFingerprint)
                .put("notAfterEpochMs", notAfterEpochMs);
    }

    public static SignedChain fromJson(JsonObject json) {
        return new SignedChain(Json.requireString(json, "chainPem"), Json.requireString(json, "caFingerprint"),
                Json.optionalLong(json, "notAfterEpochMs", 0));
    }
}

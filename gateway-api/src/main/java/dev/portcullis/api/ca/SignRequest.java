package dev.portcullis.api.ca;

import dev.portcullis.api.bus.Json;
import dev.portcullis.api.host.HostName;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Asks the ca role for a leaf certificate. Only the public key travels: the leaf's private key is made on the
 * proxy node and never leaves it. Sent to {@link dev.portcullis.api.bus.Addresses#CA_SIGN}.
 *
 * @param names          subject alternative names, normalised host names or IP literals; the first is the CN
 * @param publicKey      the leaf's public key, X.509 SubjectPublicKeyInfo (DER)
 * @param notAfterEpochMs latest expiry the caller wants (e.g. the upstream certificate's), or 0 for the default
 */
public record SignRequest(List<String> names, byte[] publicKey, long notAfterEpochMs) {

    /** More names than any real certificate needs; bounds the work one request can cause. */
    public static final int MAX_NAMES = 100;

    public SignRequest {
        if (names == null || names.isEmpty()) {
            throw new IllegalArgumentException("names must not be empty");
        }
        if (names.size() > MAX_NAMES) {
            throw new IllegalArgumentException("at most " + MAX_NAMES + " names, was " + names.size());
        }
        names = List.copyOf(names);
        if (publicKey == null || publicKey.length == 0) {
            throw new IllegalArgumentException("publicKey is required");
        }
        if (notAfterEpochMs < 0) {
            throw new IllegalArgumentException("notAfterEpochMs must not be negative");
        }
    }

    public JsonObject toJson() {
        return new JsonObject()
                .put("names", new JsonArray(names))
                .put("publicKey", Base64.getEncoder().encodeToString(publicKey))
                .put("notAfterEpochMs", notAfterEpochMs);
    }

    /** @throws IllegalArgumentException naming the field when the message is malformed */
    public static SignRequest fromJson(JsonObject json) {
        List<String> names = new ArrayList<>();
        for (String name : Json.stringList(json, "names")) {
            names.add(HostName.parse(name).value());
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(Json.requireString(json, "publicKey"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("publicKey must be base64: " + e.getMessage());
        }
        return new SignRequest(names, key, Json.optionalLong(json, "notAfterEpochMs", 0));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SignRequest that && names.equals(that.names)
                && java.util.Arrays.equals(publicKey, that.publicKey) && notAfterEpochMs == that.notAfterEpochMs;
    }

    @Override
    public int hashCode() {
        return names.hashCode() * 31 + java.util.Arrays.hashCode(publicKey);
    }

    @Override
    public String toString() {
        return "SignRequest" + names;
    }
}

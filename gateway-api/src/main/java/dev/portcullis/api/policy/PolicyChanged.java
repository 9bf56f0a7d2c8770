package dev.portcullis.api.policy;

import dev.portcullis.api.bus.Json;
import io.vertx.core.json.JsonObject;

/**
 * Published on {@link dev.portcullis.api.bus.Addresses#POLICY_CHANGED} when a new policy version is in force.
 *
 * @param policyVersion the version now in force
 * @param rules         how many rules it has
 */
public record PolicyChanged(String policyVersion, int rules) {

    public JsonObject toJson() {
        return new JsonObject().put("policyVersion", policyVersion).put("rules", rules);
    }

    public static PolicyChanged fromJson(JsonObject json) {
        return new PolicyChanged(Json.requireString(json, "policyVersion"),
                Json.requireInt(json, "rules", 0, Integer.MAX_VALUE));
    }
}

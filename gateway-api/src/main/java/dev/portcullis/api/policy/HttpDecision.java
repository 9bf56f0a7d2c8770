package dev.portcullis.api.policy;

import dev.portcullis.api.bus.Json;
import io.vertx.core.json.JsonObject;

/**
 * The answer to an {@link HttpDecideRequest}.
 *
 * @param verdict       allow or deny
 * @param rule          the connection rule whose {@code http} entries decided
 * @param reason        which entry decided ("http entry at line 14"), or why none applied
 * @param policyVersion the version that decided
 */
public record HttpDecision(Verdict verdict, String rule, String reason, String policyVersion) {

    public JsonObject toJson() {
        return new JsonObject().put("verdict", Json.wireName(verdict)).put("rule", rule).put("reason", reason)
                .put("policyVersion", policyVersion);
    }

    public static HttpDecision fromJson(JsonObject json) {
        return new HttpDecision(Json.requireEnum(json, "verdict", Verdict.class), Json.requireString(json, "rule"),
                Json.requireString(json, "reason"), Json.requireString(json, "policyVersion"));
    }

    public boolean allowed() {
        return verdict == Verdict.ALLOW;
    }
}

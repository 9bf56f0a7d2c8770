package dev.portcullis.api.policy;

import dev.portcullis.api.bus.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The policy role's answer.
 *
 * @param verdict       allow or deny
 * @param inspection    splice or decrypt (meaningful when allowed)
 * @param nonTls        what a decrypt rule does with a client that speaks no TLS
 * @param rule          the matching rule's name, or {@code "default"} when the default action applied
 * @param policyVersion the version of the policy that decided, e.g. {@code "sha256:5f2c01aa0b3c"} (a hash of the file, equal on every node)
 * @param reason        why this verdict
 * @param cacheTtlMs    how long a proxy may reuse this decision for the same request fields
 * @param guardDeny     destination CIDRs refused after resolution (the policy's destination guard)
 * @param guardAllow    CIDRs this rule explicitly exempts from the guard (empty for most rules)
 * @param sniCheck      whether a spliced CONNECT tunnel must carry a ClientHello whose SNI names the CONNECT host
 *                      (the README's "Names must agree"); a rule opts out with {@code sni-check: false}. Absent in
 *                      JSON means {@code true}
 * @param httpHeaders   the headers (lower-case names) the rule's {@code http} entries match on: the proxy sends
 *                      their values with each {@link HttpDecideRequest}, and no others
 */
public record Decision(Verdict verdict, Inspection inspection, NonTlsAction nonTls, String rule, String policyVersion,
                       DecisionReason reason, long cacheTtlMs, List<String> guardDeny, List<String> guardAllow,
                       boolean sniCheck, List<String> httpHeaders) {

    public Decision {
        if (verdict == null || inspection == null || nonTls == null || reason == null) {
            throw new IllegalArgumentException("verdict, inspection, nonTls and reason are required");
        }
        if (rule == null || rule.isEmpty()) {
            throw new IllegalArgumentException("rule is required");
        }
        if (policyVersion == null || policyVersion.isEmpty()) {
            throw new IllegalArgumentException("policyVersion is required");
        }
        if (cacheTtlMs < 0) {
            throw new IllegalArgumentException("cacheTtlMs must not be negative, was " + cacheTtlMs);
        }
        guardDeny = List.copyOf(guardDeny == null ? List.of() : guardDeny);
        guardAllow = List.copyOf(guardAllow == null ? List.of() : guardAllow);
        httpHeaders = List.copyOf(httpHeaders == null ? List.of() : httpHeaders);
    }

    /** A decision whose rule's entries match on no header. */
    public Decision(Verdict verdict, Inspection inspection, NonTlsAction nonTls, String rule, String policyVersion,
                    DecisionReason reason, long cacheTtlMs, List<String> guardDeny, List<String> guardAllow,
                    boolean sniCheck) {
        this(verdict, inspection, nonTls, rule, policyVersion, reason, cacheTtlMs, guardDeny, guardAllow, sniCheck,
                List.of());
    }

    /** A decision with the SNI check on, as for every rule that does not opt out. */
    public Decision(Verdict verdict, Inspection inspection, NonTlsAction nonTls, String rule, String policyVersion,
                    DecisionReason reason, long cacheTtlMs, List<String> guardDeny, List<String> guardAllow) {
        this(verdict, inspection, nonTls, rule, policyVersion, reason, cacheTtlMs, guardDeny, guardAllow, true);
    }

    public boolean allowed() {
        return verdict == Verdict.ALLOW;
    }

    public JsonObject toJson() {
        JsonObject json = new JsonObject()
                .put("verdict", Json.wireName(verdict))
                .put("inspection", Json.wireName(inspection))
                .put("nonTls", Json.wireName(nonTls))
                .put("rule", rule)
                .put("policyVersion", policyVersion)
                .put("reason", Json.wireName(reason))
                .put("cacheTtlMs", cacheTtlMs)
                .put("guardDeny", new JsonArray(guardDeny))
                .put("guardAllow", new JsonArray(guardAllow))
                .put("sniCheck", sniCheck);
        if (!httpHeaders.isEmpty()) {
            json.put("httpHeaders", new JsonArray(httpHeaders));
        }
        return json;
    }

    /** @throws IllegalArgumentException naming the field when the message is malformed */
    public static Decision fromJson(JsonObject json) {
        return new Decision(
                Json.requireEnum(json, "verdict", Verdict.class),
                Json.requireEnum(json, "inspection", Inspection.class),
                Json.optionalEnum(json, "nonTls", NonTlsAction.class, NonTlsAction.DENY),
                Json.requireString(json, "rule"),
                Json.requireString(json, "policyVersion"),
                Json.requireEnum(json, "reason", DecisionReason.class),
                Json.optionalLong(json, "cacheTtlMs", 0),
                Json.stringList(json, "guardDeny"),
                Json.stringList(json, "guardAllow"),
                json.getBoolean("sniCheck", true),
                Json.stringList(json, "httpHeaders"));
    }
}

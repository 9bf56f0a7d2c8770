package dev.portcullis.proxy.access;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import dev.portcullis.proxy.metrics.RuleTags;
import dev.portcullis.proxy.metrics.StageTimers;
import io.vertx.core.json.JsonObject;

/**
 * Counts what the access records say, so the metrics and the log are the same facts under the same names:
 * {@code portcullis_connections_total{listener, verdict, inspection, outcome, ech}} (one per record: a connection, or
 * a request inside a decrypted one), {@code portcullis_bytes_total{listener, direction}} and
 * {@code portcullis_tunnels_revoked_total{listener}} (connections closed with reason {@code revoked}, counted from
 * their records like the rest), {@code portcullis_rule_decisions_total{rule, verdict}} (records that name a rule;
 * the rule tag capped by {@link RuleTags}) and {@code portcullis_tunnel_duration_seconds{listener}} (each record's
 * {@code durationMs}). Registered in
 * Micrometer's global registry, which the node exposes on {@code /metrics}; without a registry they cost nothing.
 */
final class AccessMetrics {

    private static final MeterRegistry REGISTRY = Metrics.globalRegistry;

    private AccessMetrics() {
    }

    static void count(JsonObject record) {
        String listener = record.getString(AccessRecord.LISTENER, "unknown");
        Counter.builder("portcullis.connections")
                .description("Connections (and requests inside decrypted connections) by how they ended")
                .tag("listener", listener)
                .tag("verdict", record.getString(AccessRecord.VERDICT, "none"))
                .tag("inspection", record.getString(AccessRecord.INSPECTION, "none"))
                .tag("outcome", outcome(record.getValue(AccessRecord.STATUS)))
                .tag("ech", String.valueOf(Boolean.TRUE.equals(record.getValue(AccessRecord.ECH))))
                .register(REGISTRY)
                .increment();
        if (AccessRecord.REVOKED.equals(record.getValue(AccessRecord.REASON))) {
            Counter.builder("portcullis.tunnels.revoked")
                    .description("Open connections closed because a new policy version denies them "
                            + "(proxy.revoke-on-change)")
                    .tag("listener", listener)
                    .register(REGISTRY)
                    .increment();
        }
        String rule = record.getString(AccessRecord.RULE);
        if (rule != null) {
            Counter.builder("portcullis.rule.decisions")
                    .description("Records decided by each policy rule (past proxy.metrics.max-rule-tags: other)")
                    .tag("rule", RuleTags.tag(rule))
                    .tag("verdict", record.getString(AccessRecord.VERDICT, "none"))
                    .register(REGISTRY)
                    .increment();
        }
        if (record.getValue(AccessRecord.DURATION_MS) instanceof Number duration) {
            StageTimers.tunnel(listener, duration.longValue());
        }
        bytes(listener, "up", record.getValue(AccessRecord.BYTES_UP));
        bytes(listener, "down", record.getValue(AccessRecord.BYTES_DOWN));
    }

    /** The status class ("2xx", "4xx", ...), or "none" when the client left before any answer. */
    private static String outcome(Object status) {
        return status instanceof Number number ? number.intValue() / 100 + "xx" : "none";
    }

    private static void bytes(String listener, String direction, Object count) {
        if (count instanceof Number number && number.longValue() > 0) {
            Counter.builder("portcullis.bytes")
                    .description("Bytes relayed, client to upstream (up) and back (down)")
                    .baseUnit("bytes")
                    .tag("listener", listener)
                    .tag("direction", direction)
                    .register(REGISTRY)
                    .increment(number.doubleValue());
        }
    }
}

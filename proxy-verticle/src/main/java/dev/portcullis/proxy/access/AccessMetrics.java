package dev.portcullis.proxy.access;

import dev.portcullis.proxy.metrics.RuleTags;
import dev.portcullis.proxy.metrics.StageTimers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts what the access records say, so the metrics and the log are the same facts under the same names:
 * {@code portcullis_connections_total{listener, verdict, inspection, outcome, ech}} (one per record: a connection, or
 * a request inside a decrypted one), {@code portcullis_bytes_total{listener, direction}} and
 * {@code portcullis_tunnels_revoked_total{listener}} (connections closed with reason {@code revoked}, counted from
 * their records like the rest), {@code portcullis_rule_decisions_total{rule, verdict}} (records that name a rule;
 * the rule tag capped by {@link RuleTags}) and {@code portcullis_tunnel_duration_seconds{listener}} (each record's
 * {@code durationMs}), and for reverse listeners {@code portcullis_service_records_total{service, kind, outcome}}
 * and {@code portcullis_service_request_duration_seconds{service}}. Registered in
 * Micrometer's global registry, which the node exposes on {@code /metrics}; without a registry they cost nothing.
 *
 * <p>Each series is looked up once and kept, by its tag values: building a meter's id (sorting its tags, hashing
 * them, finding it in the registry) for every record cost more than the counting itself. The tag values are
 * bounded (listener names from the configuration, a handful of verdicts, inspections and status classes, rule
 * names capped by {@link RuleTags}), so the maps are too; the global registry's meters follow registries added to
 * it or removed later, so a kept one stays right.
 */
final class AccessMetrics {

    private static final MeterRegistry REGISTRY = Metrics.globalRegistry;

    private static final Map<ConnectionSeries, Counter> CONNECTIONS = new ConcurrentHashMap<>();
    private static final Map<String, Counter> REVOKED = new ConcurrentHashMap<>();
    private static final Map<RuleSeries, Counter> RULES = new ConcurrentHashMap<>();
    private static final Map<String, Counter> BYTES_UP = new ConcurrentHashMap<>();
    private static final Map<String, Counter> BYTES_DOWN = new ConcurrentHashMap<>();
    private static final Map<ServiceSeries, Counter> SERVICES = new ConcurrentHashMap<>();
    private static final Map<String, io.micrometer.core.instrument.Timer> SERVICE_DURATIONS = new ConcurrentHashMap<>();

    private AccessMetrics() {
    }

    static void count(JsonObject record) {
        String listener = record.getString(AccessRecord.LISTENER, "unknown");
        String verdict = record.getString(AccessRecord.VERDICT, "none");
        CONNECTIONS.computeIfAbsent(new ConnectionSeries(listener, verdict,
                        record.getString(AccessRecord.INSPECTION, "none"), outcome(record.getValue(AccessRecord.STATUS)),
                        Boolean.TRUE.equals(record.getValue(AccessRecord.ECH))), AccessMetrics::connections)
                .increment();
        if (AccessRecord.REVOKED.equals(record.getValue(AccessRecord.REASON))) {
            REVOKED.computeIfAbsent(listener, AccessMetrics::revoked).increment();
        }
        String rule = record.getString(AccessRecord.RULE);
        if (rule != null) {
            RULES.computeIfAbsent(new RuleSeries(RuleTags.tag(rule), verdict), AccessMetrics::rules).increment();
        }
        if (record.getValue(AccessRecord.DURATION_MS) instanceof Number duration) {
            StageTimers.tunnel(listener, duration.longValue());
        }
        String service = record.getString(AccessRecord.SERVICE);
        if (service != null) {
            // Per service (names from the policy, so bounded): a request's record has its method, a
            // connection's (passthrough, or a refused hello) has none.
            String kind = record.containsKey(AccessRecord.METHOD) ? "request" : "connection";
            SERVICES.computeIfAbsent(new ServiceSeries(service, kind, outcome(record.getValue(AccessRecord.STATUS))),
                    AccessMetrics::services).increment();
            if ("request".equals(kind) && record.getValue(AccessRecord.DURATION_MS) instanceof Number duration) {
                SERVICE_DURATIONS.computeIfAbsent(service, name -> io.micrometer.core.instrument.Timer
                                .builder("portcullis.service.request.duration")
                                .description("Time from a reverse listener's request to the end of its response")
                                .tag("service", name)
                                .register(REGISTRY))
                        .record(duration.longValue(), java.util.concurrent.TimeUnit.MILLISECONDS);
            }
        }
        bytes(BYTES_UP, listener, "up", record.getValue(AccessRecord.BYTES_UP));
        bytes(BYTES_DOWN, listener, "down", record.getValue(AccessRecord.BYTES_DOWN));
    }

    /** The status class ("2xx", "4xx", ...), or "none" when the client left before any answer. */
    private static String outcome(Object status) {
        return status instanceof Number number ? number.intValue() / 100 + "xx" : "none";
    }

    private static void bytes(Map<String, Counter> series, String listener, String direction, Object count) {
        if (count instanceof Number number && number.longValue() > 0) {
            series.computeIfAbsent(listener, name -> Counter.builder("portcullis.bytes")
                            .description("Bytes relayed, client to upstream (up) and back (down)")
                            .baseUnit("bytes")
                            .tag("listener", name)
                            .tag("direction", direction)
                            .register(REGISTRY))
                    .increment(number.doubleValue());
        }
    }

    private static Counter connections(ConnectionSeries series) {
        return Counter.builder("portcullis.connections")
                .description("Connections (and requests inside decrypted connections) by how they ended")
                .tag("listener", series.listener())
                .tag("verdict", series.verdict())
                .tag("inspection", series.inspection())
                .tag("outcome", series.outcome())
                .tag("ech", String.valueOf(series.ech()))
                .register(REGISTRY);
    }

    private static Counter revoked(String listener) {
        return Counter.builder("portcullis.tunnels.revoked")
                .description("Open connections closed because a new policy version denies them "
                        + "(proxy.revoke-on-change)")
                .tag("listener", listener)
                .register(REGISTRY);
    }

    private static Counter rules(RuleSeries series) {
        return Counter.builder("portcullis.rule.decisions")
                .description("Records decided by each policy rule (past proxy.metrics.max-rule-tags: other)")
                .tag("rule", series.rule())
                .tag("verdict", series.verdict())
                .register(REGISTRY);
    }

    private record ConnectionSeries(String listener, String verdict, String inspection, String outcome, boolean ech) {
    }

    private static Counter services(ServiceSeries series) {
        return Counter.builder("portcullis.service.records")
                .description("Reverse listeners' requests and connections, by service and outcome")
                .tag("service", series.service())
                .tag("kind", series.kind())
                .tag("outcome", series.outcome())
                .register(REGISTRY);
    }

    private record ServiceSeries(String service, String kind, String outcome) {
    }

    private record RuleSeries(String rule, String verdict) {
    }
}

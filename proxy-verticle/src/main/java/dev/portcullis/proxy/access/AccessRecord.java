package dev.portcullis.proxy.access;

import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * Builds the one access record of a connection. Field names are constants so the log, tests and whoever reads
 * the file agree on them.
 */
public final class AccessRecord {

    public static final String TIME = "time";
    public static final String CLIENT = "client";
    public static final String LISTENER = "listener";
    public static final String MODE = "mode";
    public static final String METHOD = "method";
    public static final String PATH = "path";
    public static final String HOST = "host";
    public static final String PORT = "port";
    public static final String SNI = "sni";
    /**
     * {@code true} when the ClientHello carried {@code encrypted_client_hello}: {@code sni} is then only the outer
     * name. Chromium sends a GREASE one in every hello it has no ECH config for, so this is common and not proof
     * of a hidden name.
     */
    public static final String ECH = "ech";
    public static final String RESOLVED = "resolved";
    /**
     * {@code true} when the addresses came from an answer past its TTL because no dns role answered
     * ({@code proxy.dns-serve-stale}, RFC 8767); absent otherwise.
     */
    public static final String DNS_STALE = "dnsStale";
    /** Where a transparent client aimed, when the platform tells (TPROXY); the gateway never connects there. */
    public static final String ORIGINAL_DST = "originalDst";
    /** The service of a reverse listener's connection or request (README, "Reverse proxy"). */
    public static final String SERVICE = "service";
    /** The backend of the service a request or a passthrough connection went to: its {@code host:port}. */
    public static final String BACKEND = "backend";
    public static final String RULE = "rule";
    public static final String VERDICT = "verdict";
    public static final String INSPECTION = "inspection";
    public static final String POLICY_VERSION = "policyVersion";
    /** The application protocol of a decrypted connection (RFC 7301): {@code h2} or {@code http/1.1}. */
    public static final String ALPN = "alpn";
    /** The HTTP/2 stream (RFC 9113 §5.1.1) a request came on, in each request's record of an h2 connection. */
    public static final String STREAM = "stream";
    public static final String STATUS = "status";
    public static final String REASON = "reason";
    /**
     * The {@link #REASON} of an admitted connection that a new policy version denies and closes
     * ({@code proxy.revoke-on-change}); {@link #REVOKED_BY} then says by what.
     */
    public static final String REVOKED = "revoked";
    /** What revoked the connection: {@code denied by rule 'default' (policy sha256:…)}. */
    public static final String REVOKED_BY = "revokedBy";
    public static final String BYTES_UP = "bytesUp";
    public static final String BYTES_DOWN = "bytesDown";
    public static final String DURATION_MS = "durationMs";
    public static final String CLOSE = "close";

    private final JsonObject fields = new JsonObject();
    private final long startNanos = System.nanoTime();

    private AccessRecord() {
    }

    public AccessRecord(String client, String listener, String mode) {
        fields.put(TIME, Instant.now().toString()).put(CLIENT, client).put(LISTENER, listener).put(MODE, mode);
    }

    /** Sets a field; {@code null} values are left out. */
    public AccessRecord put(String field, Object value) {
        if (value != null) {
            fields.put(field, value);
        }
        return this;
    }

    /** The text value of a field, or {@code null}. */
    public String get(String field) {
        Object value = fields.getValue(field);
        return value == null ? null : value.toString();
    }

    public boolean has(String field) {
        return fields.containsKey(field);
    }

    /** A new record with this one's fields so far, and a fresh start time (one per request in a connection). */
    public AccessRecord copy() {
        AccessRecord copy = new AccessRecord();
        copy.fields.mergeIn(fields);
        copy.fields.put(TIME, java.time.Instant.now().toString());
        return copy;
    }

    /** The finished record, with the connection's duration. */
    public JsonObject finish() {
        fields.put(DURATION_MS, (System.nanoTime() - startNanos) / 1_000_000);
        return fields;
    }
}

package dev.portcullis.api.policy;

import dev.portcullis.api.bus.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * One service of the policy's {@code services:} section: an application the reverse listeners front (README,
 * "Reverse proxy"). Sent by the policy role in {@link Services}; it names the files of the service's certificate
 * and key, which the proxy nodes read themselves: no key is ever in the policy or on the bus.
 *
 * @param name       unique in the policy
 * @param hosts      the names it answers, normalised; an entry {@code *.example.com} answers one or more labels
 *                   below {@code example.com}
 * @param mode       terminate its TLS, or splice by SNI to its backends
 * @param tls        the certificate it presents ({@code null} for {@link Mode#PASSTHROUGH})
 * @param backends   where its requests go, at least one
 * @param backendTls how to verify backends that speak TLS; {@code null}: backends speak plain HTTP
 * @param balance    how a backend is picked among the healthy ones
 * @param health     the active health check; {@code null}: none, every backend is taken as healthy
 * @param forwarded  which headers tell the backend about the client
 * @param decision   what its requests are admitted under: rule {@code service:<name>} (whose {@code http} entries
 *                   the policy role applies to each request, {@link HttpDecideRequest}), the policy's guard list and
 *                   the service's {@code destinations:} exemption, the version
 */
public record Service(String name, List<String> hosts, Mode mode, Tls tls, List<Backend> backends,
                      BackendTls backendTls, Balance balance, HealthCheck health, Forwarded forwarded,
                      Decision decision) {

    /** The prefix of the rule name under which a service's requests are decided. */
    public static final String RULE_PREFIX = "service:";

    /** Terminate the client's TLS and proxy HTTP, or splice by SNI untouched. */
    public enum Mode { TERMINATE, PASSTHROUGH }

    /** How a request picks a backend. */
    public enum Balance { ROUND_ROBIN, LEAST_REQUESTS }

    /** How the client is told to the backend. */
    public enum Forwarded {
        /** {@code X-Forwarded-For}, {@code -Proto}, {@code -Host}. */
        X_FORWARDED,
        /** RFC 7239 {@code Forwarded}. */
        RFC7239,
        /** Neither, and any the client sent are dropped. */
        NONE
    }

    /**
     * The certificate a service presents: PEM {@code certFile} (leaf first, then its chain) and PEM {@code keyFile},
     * or a PKCS#12 {@code pkcs12File} whose password is the first line of {@code passwordFile}.
     */
    public record Tls(String certFile, String keyFile, String pkcs12File, String passwordFile) {
        public JsonObject toJson() {
            JsonObject json = new JsonObject();
            putIf(json, "certFile", certFile);
            putIf(json, "keyFile", keyFile);
            putIf(json, "pkcs12File", pkcs12File);
            putIf(json, "passwordFile", passwordFile);
            return json;
        }

        public static Tls fromJson(JsonObject json) {
            Tls tls = new Tls(Json.optionalString(json, "certFile"), Json.optionalString(json, "keyFile"),
                    Json.optionalString(json, "pkcs12File"), Json.optionalString(json, "passwordFile"));
            if ((tls.certFile == null) == (tls.pkcs12File == null)
                    || (tls.certFile != null && tls.keyFile == null)) {
                throw new IllegalArgumentException("tls needs certFile and keyFile, or pkcs12File");
            }
            return tls;
        }
    }

    /** One backend: an address or a name the dns role resolves. */
    public record Backend(String host, int port) {
        public Backend {
            if (host == null || host.isEmpty() || port < 1 || port > 65535) {
                throw new IllegalArgumentException("a backend needs a host and a port 1-65535");
            }
        }

        /** {@code host:port}, IPv6 literals in brackets: how records and metrics name it. */
        public String label() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /**
     * Backends speak TLS, verified against the CA certificates in {@code caFile} (PEM), or the JDK's trust store
     * when {@code null}; the name checked is {@code serverName}, or each backend's host when {@code null}.
     */
    public record BackendTls(String caFile, String serverName) {
    }

    /**
     * @param path           requested with {@code GET}; a 2xx or 3xx answer within {@code timeoutMs} is a pass;
     *                       {@code null} (passthrough services): a TCP connect within {@code timeoutMs} is
     * @param unhealthyAfter consecutive failures that take a backend out
     * @param healthyAfter   consecutive passes that bring it back
     */
    public record HealthCheck(String path, long intervalMs, long timeoutMs, int unhealthyAfter, int healthyAfter) {
        public HealthCheck {
            if ((path != null && !path.startsWith("/")) || intervalMs <= 0 || timeoutMs <= 0 || unhealthyAfter < 1
                    || healthyAfter < 1) {
                throw new IllegalArgumentException("a health check needs a path starting with '/', a positive "
                        + "interval and timeout, and thresholds of at least 1");
            }
        }
    }

    public Service {
        hosts = List.copyOf(hosts);
        backends = List.copyOf(backends);
        if (name == null || name.isEmpty() || hosts.isEmpty() || backends.isEmpty() || mode == null
                || balance == null || forwarded == null || decision == null) {
            throw new IllegalArgumentException("a service needs a name, hosts, backends, a mode, a balance, "
                    + "forwarded and a decision");
        }
        if (mode == Mode.TERMINATE && tls == null) {
            throw new IllegalArgumentException("service '" + name + "' terminates TLS and needs tls");
        }
    }

    public JsonObject toJson() {
        JsonArray backendJson = new JsonArray();
        backends.forEach(backend -> backendJson.add(new JsonObject().put("host", backend.host())
                .put("port", backend.port())));
        JsonObject json = new JsonObject().put("name", name).put("hosts", new JsonArray(hosts))
                .put("mode", Json.wireName(mode)).put("backends", backendJson)
                .put("balance", Json.wireName(balance)).put("forwarded", Json.wireName(forwarded))
                .put("decision", decision.toJson());
        if (tls != null) {
            json.put("tls", tls.toJson());
        }
        if (backendTls != null) {
            JsonObject backendTlsJson = new JsonObject();
            putIf(backendTlsJson, "caFile", backendTls.caFile());
            putIf(backendTlsJson, "serverName", backendTls.serverName());
            json.put("backendTls", backendTlsJson);
        }
        if (health != null) {
            JsonObject healthJson = new JsonObject().put("intervalMs", health.intervalMs())
                    .put("timeoutMs", health.timeoutMs()).put("unhealthyAfter", health.unhealthyAfter())
                    .put("healthyAfter", health.healthyAfter());
            putIf(healthJson, "path", health.path());
            json.put("health", healthJson);
        }
        return json;
    }

    /** @throws IllegalArgumentException naming the field when the message is malformed */
    public static Service fromJson(JsonObject json) {
        List<Backend> backends = new ArrayList<>();
        for (Object item : json.getJsonArray("backends", new JsonArray())) {
            if (!(item instanceof JsonObject backend)) {
                throw new IllegalArgumentException("backends must be objects");
            }
            backends.add(new Backend(Json.requireString(backend, "host"),
                    Json.requireInt(backend, "port", 1, 65535)));
        }
        JsonObject tls = json.getJsonObject("tls");
        JsonObject backendTls = json.getJsonObject("backendTls");
        JsonObject health = json.getJsonObject("health");
        JsonObject decision = json.getJsonObject("decision");
        if (decision == null) {
            throw new IllegalArgumentException("decision is required");
        }
        return new Service(Json.requireString(json, "name"), Json.stringList(json, "hosts"),
                Json.requireEnum(json, "mode", Mode.class), tls == null ? null : Tls.fromJson(tls), backends,
                backendTls == null ? null : new BackendTls(Json.optionalString(backendTls, "caFile"),
                        Json.optionalString(backendTls, "serverName")),
                Json.requireEnum(json, "balance", Balance.class),
                health == null ? null : new HealthCheck(Json.optionalString(health, "path"),
                        Json.optionalLong(health, "intervalMs", 0), Json.optionalLong(health, "timeoutMs", 0),
                        Json.requireInt(health, "unhealthyAfter", 1, 1000),
                        Json.requireInt(health, "healthyAfter", 1, 1000)),
                Json.requireEnum(json, "forwarded", Forwarded.class), Decision.fromJson(decision));
    }

    /** Whether this service answers {@code host} (normalised). */
    public boolean answers(String host) {
        for (String pattern : hosts) {
            if (pattern.startsWith("*.") ? host.endsWith(pattern.substring(1)) : pattern.equals(host)) {
                return true;
            }
        }
        return false;
    }

    private static void putIf(JsonObject json, String key, String value) {
        if (value != null) {
            json.put(key, value);
        }
    }
}

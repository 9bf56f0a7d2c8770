package dev.portcullis.policy.parse;

import dev.portcullis.api.host.HostName;
import dev.portcullis.api.host.InvalidHostException;
import dev.portcullis.api.policy.Service;
import dev.portcullis.policy.model.HostPattern;
import dev.portcullis.policy.model.HttpRule;
import dev.portcullis.policy.model.PolicyService;
import dev.portcullis.policy.net.Cidr;
import org.yaml.snakeyaml.nodes.Node;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the {@code services:} list (README, "Policy reference"). Only file paths name key material, and the strict
 * key check refuses anything else, so no key or password can be written into the policy. Paths are not checked
 * for existence: the files live on the proxy nodes.
 */
final class ServiceParser {

    private static final Set<String> KEYS = Set.of("name", "hosts", "mode", "tls", "backends", "backend-tls",
            "balance", "health", "forwarded", "destinations", "http");
    private static final Set<String> TLS_KEYS = Set.of("cert", "key", "pkcs12", "password-file");
    private static final Set<String> BACKEND_TLS_KEYS = Set.of("ca", "server-name");
    private static final Set<String> HEALTH_KEYS = Set.of("path", "interval", "timeout", "unhealthy", "healthy");
    static final Duration DEFAULT_HEALTH_INTERVAL = Duration.ofSeconds(5);
    static final Duration DEFAULT_HEALTH_TIMEOUT = Duration.ofSeconds(2);
    static final int DEFAULT_HEALTH_THRESHOLD = 2;
    /** The most a threshold may be: the contract's bound. */
    private static final int MAX_HEALTH_THRESHOLD = 1000;

    private final Nodes nodes;
    private final Map<String, Integer> firstLine = new HashMap<>();
    /** Every host entry read so far, with the service that has it, to refuse a name answered by two. */
    private final List<Claim> claims = new ArrayList<>();

    private record Claim(HostPattern host, String service, int line) {
    }

    ServiceParser(Nodes nodes) {
        this.nodes = nodes;
    }

    List<PolicyService> parseAll(Node node) throws PolicyException {
        List<PolicyService> out = new ArrayList<>();
        for (Node item : nodes.nonEmptyList(node, "services")) {
            out.add(parse(item, out.size() + 1));
        }
        return out;
    }

    private PolicyService parse(Node node, int position) throws PolicyException {
        YamlMap map = nodes.map(node, "service " + position);
        Node nameNode = map.require("name", "in service " + position);
        String name = nodes.string(nameNode, "service name");
        Integer previous = firstLine.putIfAbsent(name, Nodes.line(nameNode));
        if (previous != null) {
            throw nodes.error(nameNode, "duplicate service name '" + name + "' (first at line " + previous + ")");
        }
        String where = "in service '" + name + "'";
        map.allowOnly(KEYS, where);

        List<HostPattern> hosts = hosts(map.require("hosts", where), name);
        Service.Mode mode = map.get("mode") == null ? Service.Mode.TERMINATE
                : nodes.choice(map.get("mode"), "mode", Service.Mode.class);
        boolean passthrough = mode == Service.Mode.PASSTHROUGH;
        Service.Tls tls = null;
        if (passthrough) {
            refuseInPassthrough(map, "tls", "passthrough never terminates TLS", where);
            refuseInPassthrough(map, "backend-tls", "passthrough splices the client's TLS to the backends as it is",
                    where);
            refuseInPassthrough(map, "forwarded", "passthrough never reads the requests", where);
            refuseInPassthrough(map, "http", "passthrough never reads the requests", where);
        } else {
            tls = tls(map.require("tls", where), where);
        }
        List<Service.Backend> backends = backends(map.require("backends", where));
        Service.BackendTls backendTls = map.get("backend-tls") == null ? null : backendTls(map.get("backend-tls"));
        Service.Balance balance = map.get("balance") == null ? Service.Balance.ROUND_ROBIN
                : nodes.choice(map.get("balance"), "balance", Service.Balance.class);
        Service.HealthCheck health = map.get("health") == null ? null
                : health(map.get("health"), passthrough, where);
        Service.Forwarded forwarded = map.get("forwarded") == null ? Service.Forwarded.X_FORWARDED
                : nodes.choice(map.get("forwarded"), "forwarded", Service.Forwarded.class);
        List<Cidr> destinations = map.get("destinations") == null ? List.of()
                : RuleParser.cidrs(nodes, map.get("destinations"), "destinations", false);
        List<HttpRule> http = map.get("http") == null ? List.of()
                : HttpRuleParser.parse(nodes, map.get("http"), where);
        return new PolicyService(name, map.line(), hosts, mode, tls, backends, backendTls, balance, health,
                forwarded, destinations, http);
    }

    private void refuseInPassthrough(YamlMap map, String key, String why, String where) throws PolicyException {
        Node keyNode = map.keyNode(key);
        if (keyNode != null) {
            throw nodes.error(keyNode, "'" + key + "' does not apply to 'mode: passthrough' " + where + ": " + why);
        }
    }

    /** Exact names and {@code *.suffix}, each answered by this service alone. */
    private List<HostPattern> hosts(Node node, String service) throws PolicyException {
        List<HostPattern> out = new ArrayList<>();
        for (Node item : nodes.nonEmptyList(node, "hosts")) {
            String text = nodes.string(item, "service host");
            HostPattern host;
            try {
                host = HostPattern.parse(text);
            } catch (IllegalArgumentException e) {
                throw nodes.error(item, e.getMessage());
            }
            if (!(host instanceof HostPattern.Exact) && !(host instanceof HostPattern.Wildcard)) {
                // A reverse listener picks the service by the name the client asked for (SNI or Host).
                throw nodes.error(item, "service host must be a name or *.suffix (no regex, IP or '*'), was '"
                        + text + "'");
            }
            for (Claim claim : claims) {
                if (!claim.service.equals(service) && overlap(claim.host, host)) {
                    throw nodes.error(item, "host '" + text + "' is already answered by service '" + claim.service
                            + "' ('" + claim.host.text() + "' at line " + claim.line + ")");
                }
            }
            claims.add(new Claim(host, service, Nodes.line(item)));
            out.add(host);
        }
        return out;
    }

    /** Whether some name would be answered by both: the first in file order would win, silently. */
    private static boolean overlap(HostPattern a, HostPattern b) {
        if (a instanceof HostPattern.Exact x && b instanceof HostPattern.Exact y) {
            return x.name().equals(y.name());
        }
        if (a instanceof HostPattern.Wildcard x && b instanceof HostPattern.Wildcard y) {
            return under(x.suffix(), y.suffix()) || under(y.suffix(), x.suffix());
        }
        HostPattern.Exact exact = a instanceof HostPattern.Exact x ? x : (HostPattern.Exact) b;
        HostPattern.Wildcard wildcard = a instanceof HostPattern.Wildcard x ? x : (HostPattern.Wildcard) b;
        return wildcard.matches(exact.name(), null);
    }

    /** Whether {@code name} is {@code suffix} or below it. */
    private static boolean under(String name, String suffix) {
        return name.equals(suffix) || name.endsWith("." + suffix);
    }

    private Service.Tls tls(Node node, String where) throws PolicyException {
        String tlsWhere = "in tls " + where;
        YamlMap map = nodes.map(node, "tls").allowOnly(TLS_KEYS, tlsWhere);
        String cert = path(map.get("cert"), "cert");
        String key = path(map.get("key"), "key");
        String pkcs12 = path(map.get("pkcs12"), "pkcs12");
        String password = path(map.get("password-file"), "password-file");
        if (pkcs12 != null) {
            if (cert != null || key != null) {
                throw nodes.error(map.keyNode(cert != null ? "cert" : "key"),
                        "'pkcs12' holds the certificate and the key: 'cert' and 'key' go without it " + tlsWhere);
            }
            return new Service.Tls(null, null, pkcs12, password);
        }
        if (password != null) {
            throw nodes.error(map.keyNode("password-file"), "'password-file' applies only with 'pkcs12' " + tlsWhere);
        }
        if (cert == null || key == null) {
            throw nodes.error(node, "tls needs 'cert' and 'key' (PEM files), or 'pkcs12' " + tlsWhere);
        }
        return new Service.Tls(cert, key, null, null);
    }

    /** @return {@code null} when the key is absent */
    private String path(Node node, String what) throws PolicyException {
        if (node == null) {
            return null;
        }
        String path = nodes.string(node, what);
        if (!path.startsWith("/")) {
            throw nodes.error(node, what + " must be absolute: the proxy nodes read it, was '" + path + "'");
        }
        return path;
    }

    private List<Service.Backend> backends(Node node) throws PolicyException {
        List<Service.Backend> out = new ArrayList<>();
        for (Node item : nodes.nonEmptyList(node, "backends")) {
            Service.Backend backend = backend(item, nodes.string(item, "backend"));
            if (out.contains(backend)) {
                throw nodes.error(item, "backend '" + backend.label() + "' is listed twice");
            }
            out.add(backend);
        }
        return out;
    }

    /** {@code host:port}, an IPv6 literal in brackets. */
    private Service.Backend backend(Node node, String text) throws PolicyException {
        int colon = text.startsWith("[") ? text.indexOf("]:") + 1 : text.lastIndexOf(':');
        String host = colon > 0 ? text.substring(0, colon) : text;
        if (colon <= 0 || (!text.startsWith("[") && host.indexOf(':') >= 0)) {
            throw nodes.error(node, "backend must be host:port (an IPv6 address in brackets), was '" + text + "'");
        }
        String port = text.substring(colon + 1);
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit)
                || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
            throw nodes.error(node, "backend port must be 1-65535, was '" + text + "'");
        }
        try {
            return new Service.Backend(HostName.parse(host).value(), Integer.parseInt(port));
        } catch (InvalidHostException e) {
            throw nodes.error(node, "invalid backend '" + text + "': " + e.getMessage());
        }
    }

    private Service.BackendTls backendTls(Node node) throws PolicyException {
        YamlMap map = nodes.map(node, "backend-tls").allowOnly(BACKEND_TLS_KEYS, "in backend-tls");
        String serverName = null;
        Node nameNode = map.get("server-name");
        if (nameNode != null) {
            String text = nodes.string(nameNode, "server-name");
            try {
                serverName = HostName.parse(text).value();
            } catch (InvalidHostException e) {
                throw nodes.error(nameNode, "invalid server-name '" + text + "': " + e.getMessage());
            }
        }
        return new Service.BackendTls(path(map.get("ca"), "ca"), serverName);
    }

    private Service.HealthCheck health(Node node, boolean passthrough, String where) throws PolicyException {
        String healthWhere = "in health " + where;
        YamlMap map = nodes.map(node, "health").allowOnly(HEALTH_KEYS, healthWhere);
        String path = null;
        if (map.get("path") != null) {
            if (passthrough) {
                throw nodes.error(map.keyNode("path"), "'path' does not apply to 'mode: passthrough' " + healthWhere
                        + ": its check is a TCP connect");
            }
            path = nodes.string(map.get("path"), "health path");
            if (!path.startsWith("/") || path.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
                throw nodes.error(map.get("path"), "health path must start with '/' and hold no spaces or "
                        + "controls, was '" + path + "'");
            }
        }
        Duration interval = positive(map.get("interval"), "interval", DEFAULT_HEALTH_INTERVAL);
        Duration timeout = positive(map.get("timeout"), "timeout", DEFAULT_HEALTH_TIMEOUT);
        if (timeout.compareTo(interval) >= 0) {
            Node at = map.get("timeout") != null ? map.get("timeout") : map.get("interval");
            throw nodes.error(at, "health timeout (" + timeout.toMillis() + "ms) must be less than its interval ("
                    + interval.toMillis() + "ms)");
        }
        return new Service.HealthCheck(path, interval.toMillis(), timeout.toMillis(),
                threshold(map.get("unhealthy"), "unhealthy"), threshold(map.get("healthy"), "healthy"));
    }

    private Duration positive(Node node, String what, Duration fallback) throws PolicyException {
        if (node == null) {
            return fallback;
        }
        Duration duration = nodes.duration(node, what);
        if (duration.isZero()) {
            throw nodes.error(node, what + " must be positive, was '" + nodes.scalarText(node, what) + "'");
        }
        return duration;
    }

    private int threshold(Node node, String what) throws PolicyException {
        return node == null ? DEFAULT_HEALTH_THRESHOLD : nodes.integer(node, what, 1, MAX_HEALTH_THRESHOLD);
    }
}

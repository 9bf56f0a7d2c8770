package dev.portcullis.policy.parse;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Broken {@code services:} sections and http entries: each refused at its line, saying why. Every case is the
 * {@link #HEAD} below (lines 1-5) followed by its own lines, so its first line is line 6.
 */
class InvalidServicesTest {

    private static final String HEAD = """
            version: 1
            default: { action: deny }
            rules:
              - { name: web, hosts: [web.test], action: allow }
            services:
            """;
    /** A valid service at lines 6-9, for cases that break a second one. */
    private static final String SHOP = """
              - name: shop
                hosts: [shop.example.com, "*.eu.example.com"]
                tls: { cert: /etc/p/shop.crt, key: /etc/p/shop.key }
                backends: ["10.0.0.5:8080"]
            """;
    private static final String TLS = "    tls: { cert: /etc/p/a.crt, key: /etc/p/a.key }\n";
    private static final String BACKENDS = "    backends: [\"10.0.0.5:8080\"]\n";

    static Stream<Arguments> broken() {
        return Stream.of(
                // sentence, lines after HEAD, line, reason fragment
                arguments("an empty services list is refused", "  []\n", 6, "services must not be empty"),
                arguments("services written as a mapping are refused", "  shop: {}\n", 6,
                        "services must be a list, was a mapping"),
                arguments("a key holding key material is refused as unknown", """
                          - name: shop
                            hosts: [shop.example.com]
                            tls:
                              cert: /etc/p/shop.crt
                              key-pem: "-----BEGIN PRIVATE KEY-----"
                        """ + BACKENDS, 10, "unknown key 'key-pem' in tls in service 'shop' (expected one of cert,"
                        + " key, password-file, pkcs12)"),
                arguments("a password in the service is refused as unknown", SHOP + "    password: hunter2\n", 10,
                        "unknown key 'password' in service 'shop'"),
                arguments("a key given twice is refused", SHOP + "    backends: [\"10.0.0.6:8080\"]\n", 10,
                        "duplicate key 'backends' (first at line 9)"),
                arguments("a duplicate service name is refused at the second one", SHOP + """
                          - name: shop
                            hosts: [other.example.com]
                        """ + TLS + BACKENDS, 10, "duplicate service name 'shop' (first at line 6)"),
                arguments("a service without a name is refused by its position", "  - { hosts: [a.test] }\n", 6,
                        "missing required key 'name' in service 1"),
                arguments("a service without hosts is refused", "  - name: shop\n" + TLS + BACKENDS, 6,
                        "missing required key 'hosts' in service 'shop'"),
                arguments("an empty hosts list is refused", "  - name: shop\n    hosts: []\n" + TLS + BACKENDS, 7,
                        "hosts must not be empty"),
                arguments("a regex host is refused", "  - name: shop\n    hosts: [\"re:^shop$\"]\n" + TLS
                        + BACKENDS, 7, "service host must be a name or *.suffix (no regex, IP or '*')"),
                arguments("an IP host is refused", "  - name: shop\n    hosts: [192.0.2.1]\n" + TLS + BACKENDS, 7,
                        "service host must be a name or *.suffix"),
                arguments("'*' is refused as a service host", "  - name: shop\n    hosts: [\"*\"]\n" + TLS
                        + BACKENDS, 7, "service host must be a name or *.suffix"),
                arguments("a name of another service, normalised, is refused naming it", SHOP
                        + "  - name: other\n    hosts: [a.test, SHOP.example.com.]\n" + TLS + BACKENDS, 11,
                        "host 'SHOP.example.com.' is already answered by service 'shop' ('shop.example.com' at line 7)"),
                arguments("a name below another service's wildcard is refused", SHOP
                        + "  - name: other\n    hosts: [shop.eu.example.com]\n" + TLS + BACKENDS, 11,
                        "already answered by service 'shop' ('*.eu.example.com' at line 7)"),
                arguments("a wildcard over another service's name is refused", SHOP
                        + "  - name: other\n    hosts: [\"*.example.com\"]\n" + TLS + BACKENDS, 11,
                        "already answered by service 'shop' ('shop.example.com' at line 7)"),
                arguments("a terminating service without tls is refused", "  - name: shop\n    hosts: [a.test]\n"
                        + BACKENDS, 6, "missing required key 'tls' in service 'shop'"),
                arguments("tls in passthrough is refused", "  - name: git\n    hosts: [a.test]\n"
                        + "    mode: passthrough\n" + TLS + BACKENDS, 9,
                        "'tls' does not apply to 'mode: passthrough' in service 'git': passthrough never terminates TLS"),
                arguments("forwarded in passthrough is refused", "  - name: git\n    hosts: [a.test]\n"
                        + "    mode: passthrough\n" + BACKENDS + "    forwarded: none\n", 10,
                        "'forwarded' does not apply to 'mode: passthrough'"),
                arguments("http entries in passthrough are refused", "  - name: git\n    hosts: [a.test]\n"
                        + "    mode: passthrough\n" + BACKENDS + "    http: [{ action: allow }]\n", 10,
                        "'http' does not apply to 'mode: passthrough'"),
                arguments("backend-tls in passthrough is refused", "  - name: git\n    hosts: [a.test]\n"
                        + "    mode: passthrough\n" + BACKENDS + "    backend-tls: {}\n", 10,
                        "'backend-tls' does not apply to 'mode: passthrough'"),
                arguments("a health path in passthrough is refused", "  - name: git\n    hosts: [a.test]\n"
                        + "    mode: passthrough\n" + BACKENDS + "    health:\n      path: /healthz\n", 11,
                        "'path' does not apply to 'mode: passthrough' in health in service 'git'"),
                arguments("an unknown mode is refused", "  - name: shop\n    hosts: [a.test]\n    mode: offload\n"
                        + TLS + BACKENDS, 8, "mode must be one of terminate, passthrough, was 'offload'"),
                arguments("a cert without its key is refused", "  - name: shop\n    hosts: [a.test]\n"
                        + "    tls: { cert: /etc/p/a.crt }\n" + BACKENDS, 8, "tls needs 'cert' and 'key'"),
                arguments("empty tls is refused", "  - name: shop\n    hosts: [a.test]\n    tls: {}\n" + BACKENDS, 8,
                        "tls needs 'cert' and 'key' (PEM files), or 'pkcs12'"),
                arguments("pkcs12 together with cert is refused", "  - name: shop\n    hosts: [a.test]\n"
                        + "    tls: { pkcs12: /etc/p/a.p12, cert: /etc/p/a.crt }\n" + BACKENDS, 8,
                        "'cert' and 'key' go without it"),
                arguments("a password-file without pkcs12 is refused", "  - name: shop\n    hosts: [a.test]\n"
                        + "    tls: { cert: /a.crt, key: /a.key, password-file: /a.pass }\n" + BACKENDS, 8,
                        "'password-file' applies only with 'pkcs12'"),
                arguments("a relative certificate path is refused", "  - name: shop\n    hosts: [a.test]\n"
                        + "    tls: { cert: shop.crt, key: /etc/p/shop.key }\n" + BACKENDS, 8,
                        "cert must be absolute: the proxy nodes read it, was 'shop.crt'"),
                arguments("a relative backend CA is refused", SHOP + "    backend-tls: { ca: ca.pem }\n", 10,
                        "ca must be absolute: the proxy nodes read it"),
                arguments("an unknown backend-tls key is refused", SHOP + "    backend-tls: { verify: false }\n", 10,
                        "unknown key 'verify' in backend-tls"),
                arguments("a service without backends is refused", "  - name: shop\n    hosts: [a.test]\n" + TLS, 6,
                        "missing required key 'backends' in service 'shop'"),
                arguments("an empty backends list is refused", "  - name: shop\n    hosts: [a.test]\n" + TLS
                        + "    backends: []\n", 9, "backends must not be empty"),
                arguments("a backend without a port is refused", "  - name: shop\n    hosts: [a.test]\n" + TLS
                        + "    backends: [\"app.internal\"]\n", 9, "backend must be host:port"),
                arguments("a backend port of 0 is refused", "  - name: shop\n    hosts: [a.test]\n" + TLS
                        + "    backends: [\"app.internal:0\"]\n", 9, "backend port must be 1-65535"),
                arguments("an IPv6 backend without brackets is refused", "  - name: shop\n    hosts: [a.test]\n" + TLS
                        + "    backends: [\"fd00::5:8080\"]\n", 9, "an IPv6 address in brackets"),
                arguments("a backend host that is no name is refused", "  - name: shop\n    hosts: [a.test]\n" + TLS
                        + "    backends: [\"app..internal:80\"]\n", 9, "invalid backend 'app..internal:80'"),
                arguments("a backend listed twice is refused", "  - name: shop\n    hosts: [a.test]\n" + TLS
                        + "    backends: [\"a.internal:80\", \"A.internal:80\"]\n", 9,
                        "backend 'a.internal:80' is listed twice"),
                arguments("an unknown balance is refused", SHOP + "    balance: random\n", 10,
                        "balance must be one of round-robin, least-requests, was 'random'"),
                arguments("an unknown forwarded is refused", SHOP + "    forwarded: x-real-ip\n", 10,
                        "forwarded must be one of x-forwarded, rfc7239, none, was 'x-real-ip'"),
                arguments("a health timeout not below its interval is refused", SHOP
                        + "    health: { interval: 2s, timeout: 2s }\n", 10,
                        "health timeout (2000ms) must be less than its interval (2000ms)"),
                arguments("an interval below the default timeout is refused", SHOP + "    health:\n"
                        + "      interval: 1s\n", 11, "must be less than its interval (1000ms)"),
                arguments("a health duration in words is refused", SHOP + "    health: { interval: often }\n", 10,
                        "interval must be a duration such as 500ms"),
                arguments("a zero interval is refused", SHOP + "    health: { interval: 0s }\n", 10,
                        "interval must be positive"),
                arguments("a threshold of 0 is refused", SHOP + "    health: { unhealthy: 0 }\n", 10,
                        "unhealthy must be a number 1-1000, was '0'"),
                arguments("a threshold in quotes is refused", SHOP + "    health: { healthy: \"2\" }\n", 10,
                        "healthy must be a number 1-1000"),
                arguments("a health path not starting with a slash is refused", SHOP + "    health: { path: healthz }\n",
                        10, "health path must start with '/'"),
                arguments("an unknown health key is refused", SHOP + "    health: { method: HEAD }\n", 10,
                        "unknown key 'method' in health in service 'shop'"),
                arguments("destinations with host bits set are refused", SHOP + "    destinations: [10.0.0.1/8]\n",
                        10, "invalid CIDR '10.0.0.1/8': host bits set"),
                arguments("an empty http list is refused", SHOP + "    http: []\n", 10, "http must not be empty"),
                arguments("a misspelt key in a service's http entry is refused", SHOP + "    http:\n"
                        + "      - { header: { x-team: ops }, action: allow }\n", 11,
                        "unknown key 'header' in http entry 1 in service 'shop' (expected one of action, headers,"
                        + " methods, paths, sources)"),
                arguments("empty headers are refused", SHOP + "    http:\n      - { headers: {}, action: allow }\n", 11,
                        "headers must not be empty"),
                arguments("a header name that is no token is refused", SHOP + "    http:\n"
                        + "      - { headers: { \":path\": /x }, action: allow }\n", 11,
                        "header name must be an HTTP token such as x-team, was ':path'"),
                arguments("a header named twice in two cases is refused", SHOP + "    http:\n"
                        + "      - headers:\n          x-team: ops\n          X-Team: dev\n        action: allow\n", 13,
                        "header 'X-Team' is named twice (also as 'x-team')"),
                arguments("an empty list of header values is refused", SHOP + "    http:\n"
                        + "      - { headers: { x-team: [] }, action: allow }\n", 11,
                        "header 'x-team' must not be empty"),
                arguments("a header value that YAML reads as a number is refused", SHOP + "    http:\n"
                        + "      - { headers: { x-version: 2 }, action: allow }\n", 11,
                        "header 'x-version' value must be a string, was '2'"),
                arguments("http sources that are not addresses are refused", SHOP + "    http:\n"
                        + "      - { sources: [office], action: allow }\n", 11,
                        "invalid CIDR 'office'"),
                arguments("an empty list of http sources is refused", SHOP + "    http:\n"
                        + "      - { sources: [], action: allow }\n", 11, "sources must not be empty"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("broken")
    void refuses(String sentence, String services, int line, String reason) {
        PolicyException error = catchThrowableOfType(PolicyException.class,
                () -> PolicyParser.parse("p.yaml", (HEAD + services).getBytes(StandardCharsets.UTF_8)));

        assertThat(error).as("should be refused:\n%s", HEAD + services).isNotNull();
        assertThat(error.line()).as(error.getMessage()).isEqualTo(line);
        assertThat(error.reason()).contains(reason);
    }

    static Stream<Arguments> brokenRules() {
        return Stream.of(
                arguments("a rule named like a service is refused", """
                        version: 1
                        default: { action: deny }
                        rules:
                          - name: service:shop
                            hosts: [shop.test]
                            action: allow
                        """, 4, "rule name 'service:shop' is reserved for services"),
                arguments("a rule's http headers are read like a service's", """
                        version: 1
                        default: { action: deny }
                        rules:
                          - name: api
                            hosts: [api.test]
                            action: allow
                            inspection: decrypt
                            http:
                              - { headers: { "x team": ops }, action: allow }
                        """, 9, "header name must be an HTTP token"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenRules")
    void refusesRules(String sentence, String yaml, int line, String reason) {
        PolicyException error = catchThrowableOfType(PolicyException.class,
                () -> PolicyParser.parse("p.yaml", yaml.getBytes(StandardCharsets.UTF_8)));

        assertThat(error).as("should be refused").isNotNull();
        assertThat(error.line()).as(error.getMessage()).isEqualTo(line);
        assertThat(error.reason()).contains(reason);
    }
}

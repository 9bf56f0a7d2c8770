package dev.portcullis.proxy.request;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequestTargetTest {

    /** A head as a well-behaved client sends it: its Host is the URI's authority without user information. */
    private static RequestHead head(String method, String target) {
        int scheme = target.indexOf("://");
        if (scheme < 0) {
            return new RequestHead(method, target, "HTTP/1.1", List.of());
        }
        String authority = target.substring(scheme + 3).split("[/?#]", 2)[0];
        authority = authority.substring(authority.indexOf('@') + 1);
        return new RequestHead(method, target, "HTTP/1.1", List.of(Map.entry("Host", authority)));
    }

    private static RequestHead withHosts(String target, String... hosts) {
        return new RequestHead("GET", target, "HTTP/1.1",
                java.util.Arrays.stream(hosts).map(host -> Map.entry("Host", host)).toList());
    }

    static Stream<Arguments> accepted() {
        return Stream.of(
                Arguments.of("CONNECT name and port", "CONNECT", "example.com:443", "example.com", 443, null),
                Arguments.of("CONNECT name is lower-cased and loses its trailing dot", "CONNECT", "ExAmple.COM.:443",
                        "example.com", 443, null),
                Arguments.of("CONNECT IDN becomes its A-label", "CONNECT", "bücher.example:443",
                        "xn--bcher-kva.example", 443, null),
                Arguments.of("CONNECT IPv6 literal in brackets", "CONNECT", "[2001:db8::1]:22", "2001:db8::1",
                        22, null),
                Arguments.of("absolute URI without port takes 80 and path", "GET", "http://example.com/a/b?c=d",
                        "example.com", 80, "/a/b?c=d"),
                Arguments.of("absolute URI without path gets /", "GET", "http://example.com:8080", "example.com",
                        8080, "/"),
                Arguments.of("absolute URI query without path", "GET", "http://example.com?q", "example.com", 80,
                        "/?q"),
                Arguments.of("absolute URI fragment is dropped", "GET", "http://example.com/p#frag", "example.com", 80,
                        "/p"),
                Arguments.of("absolute URI path is normalised, its query kept as sent", "GET",
                        "http://example.com/ok/%2e%2E/x/./y?a=/../b", "example.com", 80, "/x/y?a=/../b"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accepted")
    void readsTheTarget(String sentence, String method, String target, String host, int port, String originForm) {
        RequestTarget parsed = RequestTarget.of(head(method, target));
        assertThat(parsed.host().value()).isEqualTo(host);
        assertThat(parsed.port()).isEqualTo(port);
        assertThat(parsed.originForm()).isEqualTo(originForm);
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("CONNECT without port", "CONNECT", "example.com", "needs a port"),
                Arguments.of("CONNECT with port 0", "CONNECT", "example.com:0", "1-65535"),
                Arguments.of("CONNECT with port over 65535", "CONNECT", "example.com:70000", "1-65535"),
                Arguments.of("CONNECT with non-numeric port", "CONNECT", "example.com:https", "invalid port"),
                Arguments.of("CONNECT with empty label", "CONNECT", "a..example.com:443", "invalid host"),
                Arguments.of("CONNECT with octal-looking numeric host", "CONNECT", "0x7f.1:443", "numeric host"),
                Arguments.of("CONNECT with a decimal integer host", "CONNECT", "2130706433:443", "numeric host"),
                Arguments.of("CONNECT with a label over 63 characters", "CONNECT", "a".repeat(64) + ".com:443",
                        "too long"),
                Arguments.of("CONNECT with unbracketed IPv6", "CONNECT", "2001:db8::1:443", "brackets"),
                Arguments.of("origin-form request to the proxy", "GET", "/index.html", "this is a proxy"),
                Arguments.of("https absolute URI instead of CONNECT", "GET", "https://example.com/", "use CONNECT"),
                Arguments.of("user information in the URI", "GET", "http://user@example.com/", "user information"),
                Arguments.of("an encoded slash in the URI's path", "GET", "http://example.com/a%2Fb", "encoded slash"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refusesTheTargetWith400(String sentence, String method, String target, String reason) {
        assertThatThrownBy(() -> RequestTarget.of(head(method, target)))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).contains(reason);
                });
    }

    static Stream<Arguments> hostFieldsRefused() {
        return Stream.of(
                Arguments.of("absolute URI without Host in HTTP/1.1", withHosts("http://example.com/"),
                        "without Host"),
                Arguments.of("absolute URI with a Host naming another host",
                        withHosts("http://example.com/", "other.test"),
                        "Host 'other.test' disagrees with the request target's example.com"),
                Arguments.of("absolute URI with a Host naming another port", withHosts("http://example.com/",
                        "example.com:8080"), "disagrees"),
                Arguments.of("absolute URI with two Host fields", withHosts("http://example.com/", "example.com",
                        "other.test"), "more than one Host"),
                Arguments.of("origin-form on a transparent port with two Host fields",
                        withHosts("/", "example.com", "other.test"), "more than one Host"),
                Arguments.of("origin-form on a transparent port without Host", withHosts("/"), "no Host header"));
    }

    @ParameterizedTest(name = "{0} is refused with 400")
    @MethodSource("hostFieldsRefused")
    void refusesHostFieldsThatDoNotNameOneHost(String sentence, RequestHead head, String reason) {
        assertThatThrownBy(() -> {
            if (head.target().startsWith("/")) {
                RequestTarget.originForm(head.target(), RequestTarget.hostFields(head), head.version(), 80);
            } else {
                RequestTarget.of(head);
            }
        })
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).contains(reason);
                });
    }

    @ParameterizedTest(name = "a Host of {0} agrees with http://example.com/")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"example.com", "EXAMPLE.COM", "example.com:80",
            "example.com."})
    void aHostNamingTheSameHostAndPortAgrees(String host) {
        assertThat(RequestTarget.of(withHosts("http://example.com/", host)).host().value()).isEqualTo("example.com");
    }

    @org.junit.jupiter.api.Test
    void originFormIsNamedByItsHostAndNormalised() {
        RequestTarget target = RequestTarget.originForm("/ok/a/./b/%7euser?q=%2e%2e", List.of("Example.com:8080"),
                "HTTP/1.1", 80);
        assertThat(target.host().value()).isEqualTo("example.com");
        assertThat(target.port()).isEqualTo(80);
        assertThat(target.originForm()).isEqualTo("/ok/a/b/~user?q=%2e%2e");
        assertThat(target.path()).isEqualTo("/ok/a/b/~user");
        assertThat(target.hostField()).as("the upstream's Host: the port only when not HTTP's default")
                .isEqualTo("example.com");
    }
}

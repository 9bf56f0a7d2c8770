package dev.portcullis.proxy.request;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The one normal form of a path (README, "One name, one path"). RFC 3986 §5.4's examples are given as the path
 * merged with the base {@code http://a/b/c/d;p?q}'s directory ({@code /b/c/}), the input remove_dot_segments sees.
 */
class PathNormaliserTest {

    static Stream<Arguments> normalised() {
        return Stream.of(
                // RFC 3986 §5.4.1, normal examples with dot segments
                Arguments.of("RFC 3986 §5.4.1 ./g is /b/c/g", "/b/c/./g", "/b/c/g", null),
                Arguments.of("RFC 3986 §5.4.1 g/ keeps its trailing slash", "/b/c/g/", "/b/c/g/", null),
                Arguments.of("RFC 3986 §5.4.1 . is /b/c/", "/b/c/.", "/b/c/", null),
                Arguments.of("RFC 3986 §5.4.1 ./ is /b/c/", "/b/c/./", "/b/c/", null),
                Arguments.of("RFC 3986 §5.4.1 .. is /b/", "/b/c/..", "/b/", null),
                Arguments.of("RFC 3986 §5.4.1 ../ is /b/", "/b/c/../", "/b/", null),
                Arguments.of("RFC 3986 §5.4.1 ../g is /b/g", "/b/c/../g", "/b/g", null),
                Arguments.of("RFC 3986 §5.4.1 ../.. is /", "/b/c/../..", "/", null),
                Arguments.of("RFC 3986 §5.4.1 ../../ is /", "/b/c/../../", "/", null),
                Arguments.of("RFC 3986 §5.4.1 ../../g is /g", "/b/c/../../g", "/g", null),
                // RFC 3986 §5.4.2, abnormal examples
                Arguments.of("RFC 3986 §5.4.2 ../../../g cannot climb above the root", "/b/c/../../../g", "/g", null),
                Arguments.of("RFC 3986 §5.4.2 ../../../../g cannot climb above the root", "/b/c/../../../../g", "/g",
                        null),
                Arguments.of("RFC 3986 §5.4.2 /./g is /g", "/./g", "/g", null),
                Arguments.of("RFC 3986 §5.4.2 /../g is /g", "/../g", "/g", null),
                Arguments.of("RFC 3986 §5.4.2 g. is a name, not a dot segment", "/b/c/g.", "/b/c/g.", null),
                Arguments.of("RFC 3986 §5.4.2 .g is a name, not a dot segment", "/b/c/.g", "/b/c/.g", null),
                Arguments.of("RFC 3986 §5.4.2 g.. is a name, not a dot segment", "/b/c/g..", "/b/c/g..", null),
                Arguments.of("RFC 3986 §5.4.2 ..g is a name, not a dot segment", "/b/c/..g", "/b/c/..g", null),
                Arguments.of("RFC 3986 §5.4.2 ./../g is /b/g", "/b/c/./../g", "/b/g", null),
                Arguments.of("RFC 3986 §5.4.2 ./g/. is /b/c/g/", "/b/c/./g/.", "/b/c/g/", null),
                Arguments.of("RFC 3986 §5.4.2 g/./h is /b/c/g/h", "/b/c/g/./h", "/b/c/g/h", null),
                Arguments.of("RFC 3986 §5.4.2 g/../h is /b/c/h", "/b/c/g/../h", "/b/c/h", null),
                Arguments.of("RFC 3986 §5.4.2 g;x=1/./y keeps the parameter", "/b/c/g;x=1/./y", "/b/c/g;x=1/y", null),
                Arguments.of("RFC 3986 §5.4.2 g;x=1/../y drops the segment", "/b/c/g;x=1/../y", "/b/c/y", null),
                // the bypasses of issue 9
                Arguments.of("a plain .. climbs out of /ok/", "/ok/../deny-trav", "/deny-trav", null),
                Arguments.of("lower-case %2e%2e is .. too", "/ok/%2e%2e/deny-enc", "/deny-enc", null),
                Arguments.of("upper-case %2E%2E is .. too", "/ok/%2E%2E/deny-enc", "/deny-enc", null),
                Arguments.of("mixed-case %2e%2E is .. too", "/ok/%2e%2E/deny-enc", "/deny-enc", null),
                Arguments.of("half-encoded .%2e is .. too", "/ok/.%2e/deny-enc", "/deny-enc", null),
                Arguments.of("half-encoded %2E. is .. too", "/ok/%2E./deny-enc", "/deny-enc", null),
                Arguments.of("an encoded single dot is removed", "/ok/%2e/x", "/ok/x", null),
                Arguments.of("a trailing encoded .. climbs", "/ok/a/%2E%2E", "/ok/", null),
                Arguments.of("a legitimate ./ is removed", "/ok/a/./b", "/ok/a/b", null),
                // RFC 3986 §2.3 and §6.2.2: unreserved decoded, others kept with upper-case hex
                Arguments.of("an encoded tilde is decoded", "/%7euser", "/~user", null),
                Arguments.of("encoded letters and digits are decoded", "/%41%62%30", "/Ab0", null),
                Arguments.of("encoded - and _ are decoded", "/a%2db%5Fc", "/a-b_c", null),
                Arguments.of("an encoded space stays encoded", "/a%20b", "/a%20b", null),
                Arguments.of("encoded UTF-8 stays encoded with upper-case hex", "/caf%c3%a9", "/caf%C3%A9", null),
                Arguments.of("an encoded ? stays encoded and is no query", "/a%3fb", "/a%3Fb", null),
                Arguments.of("an encoded % is not decoded twice", "/ok/%252e%252e/x", "/ok/%252e%252e/x", null),
                // double slashes are kept, and decided as kept
                Arguments.of("a double slash is kept", "/ok//x", "/ok//x", null),
                Arguments.of("a leading double slash is kept", "//x", "//x", null),
                Arguments.of(".. after a double slash removes the empty segment", "/ok//../x", "/ok/x", null),
                // the query is forwarded as sent and not decided; a fragment is dropped
                Arguments.of("the query is kept as sent", "/ok/x?a=../b&c=%2e%2E", "/ok/x", "a=../b&c=%2e%2E"),
                Arguments.of("dots before the query are removed, the query kept", "/ok/../x?y", "/x", "y"),
                Arguments.of("an empty query is kept", "/x?", "/x", ""),
                Arguments.of("a second ? belongs to the query", "/x?a?b", "/x", "a?b"),
                Arguments.of("a fragment is dropped", "/ok/x#frag", "/ok/x", null),
                Arguments.of("a fragment after a query is dropped", "/ok/x?q#frag", "/ok/x", "q"),
                Arguments.of("dots in a fragment are no path", "/ok/x#/../../deny", "/ok/x", null),
                Arguments.of("the root is the root", "/", "/", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("normalised")
    void normalisesThePathAndKeepsTheQuery(String sentence, String target, String path, String query) {
        PathNormaliser.Normalised normalised = PathNormaliser.normalise(target);

        assertThat(normalised.path()).isEqualTo(path);
        assertThat(normalised.query()).isEqualTo(query);
        assertThat(normalised.originForm()).isEqualTo(query == null ? path : path + "?" + query);
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("a path not starting with / is refused", "ok/x", "must start with '/'"),
                Arguments.of("an empty path is refused", "", "must start with '/'"),
                Arguments.of("an asterisk is no path", "*", "must start with '/'"),
                Arguments.of("only a query is refused", "?q", "must start with '/'"),
                Arguments.of("an encoded slash %2F is refused", "/ok%2F..%2Fdeny", "encoded slash (%2F)"),
                Arguments.of("a lower-case encoded slash %2f is refused", "/ok/a%2fb", "encoded slash (%2F)"),
                Arguments.of("a backslash is refused", "/ok/..\\deny", "backslash in the path"),
                Arguments.of("an encoded backslash %5C is refused", "/ok/..%5cdeny", "encoded backslash (%5C)"),
                Arguments.of("a NUL byte is refused", "/ok/a\u0000b", "NUL in the path"),
                Arguments.of("an encoded NUL %00 is refused", "/ok/a%00.txt", "encoded NUL (%00)"),
                Arguments.of("a truncated escape is refused", "/ok/a%2", "malformed percent-encoding"),
                Arguments.of("a lone % is refused", "/ok/100%", "malformed percent-encoding"),
                Arguments.of("a non-hex escape is refused", "/ok/%zz", "malformed percent-encoding"),
                Arguments.of("a dot segment with parameters ..; is refused", "/ok/..;/deny", "dot segment with parameters"),
                Arguments.of("an encoded dot segment with parameters is refused", "/ok/%2e%2e;x=1/deny",
                        "dot segment with parameters (..;)"),
                Arguments.of("a single dot with parameters is refused", "/ok/.;x/y", "dot segment with parameters (.;)"),
                Arguments.of("a space is refused", "/ok/a b", "control character, space or non-ASCII"),
                Arguments.of("a tab is refused", "/ok/a\tb", "control character, space or non-ASCII"),
                Arguments.of("a raw non-ASCII byte is refused", "/caf\u00e9", "control character, space or non-ASCII"),
                Arguments.of("a control character in the query is refused", "/ok?a\u0001", "in the query"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refusesAmbiguousFormsWith400(String sentence, String target, String reason) {
        assertThatThrownBy(() -> PathNormaliser.normalise(target))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).contains(reason);
                });
    }
}

package dev.portcullis.policy.model;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class PathGlobTest {

    static Stream<Arguments> paths() {
        return Stream.of(
                arguments("a double star spans segments", "/v1/**", "/v1/a/b/c", true),
                arguments("a double star matches the empty rest", "/v1/**", "/v1/", true),
                arguments("a double star does not match a sibling prefix", "/v1/**", "/v10/a", false),
                arguments("a single star stays within a segment", "/v1/*", "/v1/a", true),
                arguments("a single star does not cross a slash", "/v1/*", "/v1/a/b", false),
                arguments("a literal path matches only itself", "/status", "/status", true),
                arguments("a literal path does not match a longer one", "/status", "/status/x", false),
                arguments("regex characters are literal", "/a.b", "/aXb", false),
                arguments("a star mid-segment works", "/files/*.txt", "/files/notes.txt", true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void matchesOrNot(String sentence, String glob, String path, boolean matches) {
        assertThat(PathGlob.parse(glob).matches(path)).isEqualTo(matches);
    }

    static Stream<Arguments> notNormalised() {
        return Stream.of(
                arguments("a '..' segment can never match a normalised path", "/ok/../admin/**", "'..' segment"),
                arguments("a '.' segment can never match a normalised path", "/ok/./x", "'.' segment"),
                arguments("an encoded unreserved character must be written decoded", "/%7Euser/**", "write %7E as '~'"),
                arguments("an encoded dot must be written as a dot", "/a%2eb", "write %2e as '.'"),
                arguments("lower-case hex must be written upper-case", "/caf%c3%a9", "write %c3 as %C3"),
                arguments("an encoded slash is never decided", "/a%2Fb", "must not contain %2F"),
                arguments("a backslash is never decided", "/a\\b", "backslash"),
                arguments("a malformed escape is refused", "/100%", "malformed percent-encoding"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notNormalised")
    void aGlobNotInNormalFormIsRefused(String sentence, String glob, String reason) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PathGlob.parse(glob))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(reason);
    }

    @ParameterizedTest(name = "{0} is in normal form")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"/ok/**", "/a.b/..c/g..", "/caf%C3%A9", "/a%20b",
            "/**/.well-known/*"})
    void aGlobInNormalFormIsAccepted(String glob) {
        assertThat(PathGlob.parse(glob).toString()).isEqualTo(glob);
    }
}

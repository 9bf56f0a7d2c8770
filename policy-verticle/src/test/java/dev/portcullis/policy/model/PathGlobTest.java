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
}

package dev.portcullis.node;

import dev.portcullis.node.roles.RoleCounts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class ArgumentsTest {

    @Test
    void noArgumentsLeaveEverythingToTheConfiguration() {
        assertThat(Arguments.parse()).isEqualTo(new Arguments(null, null, null, false, false, null));
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> valid() {
        return Stream.of(
                arguments("all options with separate values",
                        new String[] {"--config", "n.yaml", "--roles", "proxy:2", "--data-dir", "/tmp/d"},
                        new Arguments(Path.of("n.yaml"), RoleCounts.parse("proxy:2"), Path.of("/tmp/d"), false, false, null)),
                arguments("options written with equals signs",
                        new String[] {"--config=n.yaml", "--roles=policy:1,dns:1"},
                        new Arguments(Path.of("n.yaml"), RoleCounts.parse("policy:1,dns:1"), null, false, false, null)),
                arguments("help alone", new String[] {"--help"}, new Arguments(null, null, null, true, false, null)),
                arguments("short help", new String[] {"-h"}, new Arguments(null, null, null, true, false, null)),
                arguments("export the CA certificate with a data directory",
                        new String[] {"--export-ca", "--data-dir", "/tmp/d"},
                        new Arguments(null, null, Path.of("/tmp/d"), false, true, null)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void parsesValidCommandLines(String sentence, String[] args, Arguments expected) {
        assertThat(Arguments.parse(args)).isEqualTo(expected);
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> invalid() {
        return Stream.of(
                arguments("an unknown option is named", new String[] {"--port", "1"}, "unknown argument '--port'"),
                arguments("a stray word is named", new String[] {"proxy"}, "unknown argument 'proxy'"),
                arguments("an option without its value", new String[] {"--config"}, "--config needs a value"),
                arguments("an option followed by another option", new String[] {"--roles", "--help"},
                        "--roles needs a value"),
                arguments("an empty value after equals", new String[] {"--data-dir="}, "--data-dir needs a value"),
                arguments("an option given twice", new String[] {"--config", "a", "--config", "b"},
                        "--config is given twice"),
                arguments("an unknown role", new String[] {"--roles", "proxy:2,cache:1"},
                        "--roles: unknown role 'cache'"),
                arguments("a bad role count", new String[] {"--roles", "proxy:0"},
                        "--roles: instance count of role proxy must be 1-64"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void refusesInvalidCommandLines(String sentence, String[] args, String message) {
        assertThatThrownBy(() -> Arguments.parse(args))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining(message);
    }
}

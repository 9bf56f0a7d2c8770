package dev.portcullis.node.cli;

import dev.portcullis.node.roles.RoleCounts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The launcher's command line as parsed, and what it prints for help, version and mistakes. */
class CommandLineTest {

    private final PortcullisCommand root = new PortcullisCommand();
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final CommandLine commandLine = PortcullisCommand.commandLine(root, new PrintWriter(out, true),
            new PrintWriter(err, true));

    /** What the root command was given, in one comparable value. */
    record Given(List<Path> configs, RoleCounts roles, Path dataDir, boolean exportCa, Path initFleet) {
    }

    private Given given() {
        ConfigOptions options = root.options();
        return new Given(options.configFiles(), options.roles(), options.dataDir(), root.exportCa(), root.initFleet());
    }

    @Test
    void noArgumentsLeaveEverythingToTheConfiguration() {
        ParseResult parsed = commandLine.parseArgs();

        assertThat(given()).isEqualTo(new Given(List.of(), null, null, false, null));
        assertThat(parsed.subcommand()).as("no subcommand: start a node").isNull();
    }

    static Stream<Arguments> valid() {
        return Stream.of(
                arguments("all options with separate values",
                        new String[] {"--config", "n.yaml", "--roles", "proxy:2", "--data-dir", "/tmp/d"},
                        new Given(List.of(Path.of("n.yaml")), RoleCounts.parse("proxy:2"), Path.of("/tmp/d"), false, null)),
                arguments("options written with equals signs",
                        new String[] {"--config=n.yaml", "--roles=policy:1,dns:1"},
                        new Given(List.of(Path.of("n.yaml")), RoleCounts.parse("policy:1,dns:1"), null, false, null)),
                arguments("export the CA certificate with a data directory",
                        new String[] {"--export-ca", "--data-dir", "/tmp/d"},
                        new Given(List.of(), null, Path.of("/tmp/d"), true, null)),
                arguments("init a fleet directory with a configuration",
                        new String[] {"--config", "member.yaml", "--init-fleet", "/etc/fleet"},
                        new Given(List.of(Path.of("member.yaml")), null, null, false, Path.of("/etc/fleet"))),
                arguments("several configuration files in the order given",
                        new String[] {"--config", "base.yaml", "--config=overlay.yaml"},
                        new Given(List.of(Path.of("base.yaml"), Path.of("overlay.yaml")), null, null, false, null)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void parsesValidCommandLines(String sentence, String[] args, Given expected) {
        commandLine.parseArgs(args);

        assertThat(given()).isEqualTo(expected);
    }

    @Test
    void subcommandsTakeTheConfigurationOptionsToo() {
        ParseResult parsed = commandLine.parseArgs("check", "--config", "n.yaml", "--roles=policy:1");

        assertThat(parsed.subcommand().commandSpec().name()).isEqualTo("check");
        assertThat(parsed.subcommand().matchedOptionValue("--config", List.of())).isEqualTo(List.of("n.yaml"));
        assertThat(parsed.subcommand().matchedOptionValue("--roles", "")).isEqualTo("policy:1");
    }

    @Test
    void initFleetTakesItsDirectory() {
        ParseResult parsed = commandLine.parseArgs("init-fleet", "/etc/fleet");

        assertThat(parsed.subcommand().commandSpec().name()).isEqualTo("init-fleet");
        assertThat(parsed.subcommand().matchedPositionalValue(0, Path.of(""))).isEqualTo(Path.of("/etc/fleet"));
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                arguments("an unknown option is named", new String[] {"--port", "1"}, "Unknown options: '--port'"),
                arguments("a stray word is named", new String[] {"proxy"}, "Unmatched argument at index 0: 'proxy'"),
                arguments("an option without its value", new String[] {"--config"},
                        "Missing required parameter for option '--config'"),
                arguments("an option followed by another option", new String[] {"--roles", "--help"},
                        "Expected parameter for option '--roles' but found '--help'"),
                arguments("an empty value after equals", new String[] {"--data-dir="}, "--data-dir needs a value"),
                arguments("an option given twice", new String[] {"--roles", "proxy:1", "--roles", "dns:1"},
                        "option '--roles' (ROLES) should be specified only once"),
                arguments("an unknown role", new String[] {"--roles", "proxy:2,cache:1"},
                        "--roles: unknown role 'cache'"),
                arguments("a bad role count", new String[] {"--roles", "proxy:0"},
                        "--roles: instance count of role proxy must be 1-64"),
                arguments("a subcommand's bad role", new String[] {"check", "--roles", "cache:1"},
                        "--roles: unknown role 'cache'"),
                arguments("init-fleet without its directory", new String[] {"init-fleet"},
                        "Missing required parameter: 'DIR'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void refusesInvalidCommandLines(String sentence, String[] args, String message) {
        assertThatThrownBy(() -> commandLine.parseArgs(args))
                .isInstanceOf(ParameterException.class)
                .hasMessageContaining(message);
    }

    @Test
    void aBadCommandLineExitsWith2AndPrintsTheMistakeThenTheUsageToStderr() {
        int exit = commandLine.execute("--roles", "proxy:2,cache:1");

        assertThat(exit).isEqualTo(2);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).startsWith("portcullis: --roles: unknown role 'cache'")
                .contains("usage: java -jar portcullis.jar");
    }

    @Test
    void aMistakeInASubcommandPrintsThatSubcommandsUsage() {
        int exit = commandLine.execute("check", "--colour");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).startsWith("portcullis: Unknown option: '--colour'")
                .contains("usage: java -jar portcullis.jar check");
    }

    @Test
    void helpExitsWith0AndSaysWhatTheOldUsageSaid() {
        int exit = commandLine.execute("--help");

        assertThat(exit).isZero();
        assertThat(err.toString()).isEmpty();
        assertThat(out.toString())
                .startsWith("usage: java -jar portcullis.jar")
                .contains("--config=FILE", "--roles=ROLES", "--data-dir=DIR", "--export-ca", "--init-fleet=DIR",
                        "-h, --help", "-V, --version")
                .contains("check", "export-ca", "init-fleet")
                .contains("default: ./portcullis-data", "PORTCULLIS_<SECTION>_<KEY>", "PORTCULLIS_ADMIN_TOKEN",
                        "writes a sample policy");
        assertThat(commandLine.execute("-h")).isZero();
    }

    @Test
    void versionExitsWith0() {
        int exit = commandLine.execute("--version");

        assertThat(exit).isZero();
        // Only the jar's manifest holds the version (LauncherIT checks it there); classes say they have none.
        assertThat(out.toString()).startsWith("portcullis ");
        assertThat(commandLine.execute("-V")).isZero();
    }
}

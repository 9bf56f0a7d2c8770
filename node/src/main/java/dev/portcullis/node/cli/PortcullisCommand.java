package dev.portcullis.node.cli;

import dev.portcullis.node.NodeLauncher;
import dev.portcullis.node.config.NodeConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code java -jar portcullis.jar}: with no subcommand, starts one node and leaves it running. {@code --export-ca}
 * and {@code --init-fleet DIR} are the older spellings of the {@code export-ca} and {@code init-fleet}
 * subcommands and still work.
 */
@Command(name = "java -jar portcullis.jar", mixinStandardHelpOptions = true, versionProvider = ManifestVersion.class,
        sortOptions = false, synopsisHeading = "usage: ", synopsisSubcommandLabel = "[COMMAND]",
        subcommands = {CheckCommand.class, ExportCaCommand.class, InitFleetCommand.class},
        description = {"Starts one Portcullis node with the configured roles and prints where it listens; it runs",
                "until SIGTERM/SIGINT, then leaves the cluster. With no arguments: one node with every role on",
                "loopback; writes a sample policy to ./portcullis-data/policy.yaml if there is none."},
        descriptionHeading = "%n", optionListHeading = "%nOptions:%n",
        commandListHeading = "%nCommands (each does one thing and exits; `COMMAND --help` for its options):%n",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:after --help, --version, or a command that succeeded",
                "1:the node cannot start (a role failed, a port cannot be bound), or a command failed",
                "2:a bad command line or configuration (also an admin API exposed without a token)"},
        footerHeading = "%n",
        footer = {
                "Environment overrides: every key as PORTCULLIS_<SECTION>_<KEY>, '.' and '-' written '_'",
                "  (PORTCULLIS_PROXY_IDLE_TIMEOUT=1m, PORTCULLIS_CLUSTER_MEMBERS=10.0.0.1:5701,10.0.0.2:5701);",
                "  see docs/configuration.md. PORTCULLIS_ROLES and PORTCULLIS_DATA_DIR still work.",
                "  Precedence: built-in defaults < the file < environment < --roles/--data-dir.",
                "Secret from the environment: PORTCULLIS_ADMIN_TOKEN, the admin API's bearer token "
                        + "(or admin.token-file)."})
public final class PortcullisCommand implements Callable<Integer> {

    /** Exit code of a bad command line or configuration. */
    public static final int EXIT_INVALID = 2;
    private static final int USAGE_WIDTH = 110;

    @Mixin
    private ConfigOptions options;
    @Spec
    private CommandSpec command;
    @Option(names = "--export-ca", description = "the same as the export-ca command")
    private boolean exportCa;
    private Path initFleet;
    private boolean nodeRunning;

    @Option(names = "--init-fleet", paramLabel = "DIR", description = "the same as the init-fleet command")
    void setInitFleet(String value) {
        if (value.isBlank()) {
            throw new ParameterException(command.commandLine(), "--init-fleet needs a value");
        }
        initFleet = Path.of(value);
    }

    /**
     * The command line over {@code root}, printing to {@code out} and {@code err}: usage errors exit 2 with the
     * usage, configuration errors exit 2 with where the bad value came from.
     */
    public static CommandLine commandLine(PortcullisCommand root, PrintWriter out, PrintWriter err) {
        return new CommandLine(root)
                .setOut(out)
                .setErr(err)
                .setParameterExceptionHandler(new UsageErrorHandler())
                .setExecutionExceptionHandler(new ConfigErrorHandler())
                // Wide enough that an option's description stays on one or two lines, as the old usage had it.
                .setUsageHelpWidth(USAGE_WIDTH);
    }

    @Override
    public Integer call() {
        PrintWriter out = command.commandLine().getOut();
        PrintWriter err = command.commandLine().getErr();
        NodeConfig config = options.load();
        if (exportCa) {
            return ExportCaCommand.export(config, out, err);
        }
        if (initFleet != null) {
            // Only credentials: no sample policy appears in the working directory.
            return InitFleetCommand.initFleet(initFleet, config, out, err);
        }
        NodeLauncher.writeSamplePolicyIfMissing(config, out);
        int exit = NodeLauncher.start(config, out, err);
        nodeRunning = exit == 0;
        return exit;
    }

    /** Whether this run started a node that is still running, which the process must not exit under. */
    public boolean nodeRunning() {
        return nodeRunning;
    }

    /** The configuration options given before any subcommand. */
    ConfigOptions options() {
        return options;
    }

    boolean exportCa() {
        return exportCa;
    }

    Path initFleet() {
        return initFleet;
    }
}

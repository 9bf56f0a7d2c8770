package dev.portcullis.node.cli;

import dev.portcullis.ca.CaOptions;
import dev.portcullis.node.admin.AdminToken;
import dev.portcullis.node.config.ConfigException;
import dev.portcullis.node.config.NodeConfig;
import dev.portcullis.node.roles.Role;
import dev.portcullis.policy.load.LoadedPolicy;
import dev.portcullis.policy.load.PolicyWatcher;
import dev.portcullis.policy.parse.PolicyException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code check}: what a start would refuse, without starting or writing anything (like {@code nginx -t}). The
 * configuration goes through the node's own loading and validation, the policy through the parser the policy
 * role uses, so check and start cannot disagree.
 */
@Command(name = "check", mixinStandardHelpOptions = true, sortOptions = false, synopsisHeading = "usage: ",
        description = {"Validate the configuration, the policy and the CA files it names, and exit.",
                "Starts and writes nothing. Exit 0 with a one-line summary (config, roles, policy version",
                "and rules); exit 2 with `portcullis: <file>:<line>: <reason>` for a bad policy, or with",
                "the file (or variable, or option) and the key of a bad setting."})
final class CheckCommand implements Callable<Integer> {

    @ParentCommand
    private PortcullisCommand root;
    @Mixin
    private ConfigOptions options;
    @Spec
    private CommandSpec command;

    @Override
    public Integer call() {
        PrintWriter out = command.commandLine().getOut();
        PrintWriter err = command.commandLine().getErr();
        ConfigOptions effective = options.orElse(root.options());
        NodeConfig config;
        CaFiles ca;
        String policy;
        try {
            config = effective.load();
            // What Node.start refuses besides the schema: an exposed admin API without a (long enough) token.
            AdminToken.resolve(config.admin(), System.getenv());
            // The ca section read as the ca role and export-ca read it; only file names come out of it.
            ca = CaFiles.of(new CaOptions(config.sections().get(Role.CA)));
            policy = policySummary(config);
        } catch (ConfigException | PolicyException | IllegalArgumentException e) {
            return refuse(err, e.getMessage());
        }
        List<String> missing = ca.missing();
        if (config.roles().has(Role.CA) && !missing.isEmpty()) {
            return refuse(err, missing.get(0) + " (the ca role cannot start)");
        }
        out.println("portcullis: " + ca.describe());
        out.println("portcullis: ok: config " + (effective.configFiles().isEmpty() ? "none (built-in defaults)"
                : effective.configFiles().stream().map(Path::toString).collect(Collectors.joining(" + ")))
                + "; roles " + config.roles() + "; " + policy);
        out.flush();
        return 0;
    }

    /**
     * The policy as the policy role would load it.
     *
     * @throws PolicyException as {@code file:line: reason}
     */
    private static String policySummary(NodeConfig config) throws PolicyException {
        Path file = config.policyFile();
        if (!config.roles().has(Role.POLICY)) {
            return "policy not checked (no policy role)";
        }
        if (config.policyFileIsDefault() && !Files.exists(file)) {
            return "policy " + file + " absent (a start writes the sample policy there)";
        }
        LoadedPolicy loaded = new PolicyWatcher(file).load();
        return "policy " + file + " version " + loaded.version() + ", " + loaded.rules()
                + (loaded.rules() == 1 ? " rule" : " rules")
                + (loaded.services() == 0 ? "" : ", " + loaded.services()
                        + (loaded.services() == 1 ? " service" : " services"));
    }

    private static int refuse(PrintWriter err, String reason) {
        err.println("portcullis: " + reason);
        err.flush();
        return PortcullisCommand.EXIT_INVALID;
    }
}

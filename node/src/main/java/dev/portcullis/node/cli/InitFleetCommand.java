package dev.portcullis.node.cli;

import dev.portcullis.node.NodeLauncher;
import dev.portcullis.node.config.NodeConfig;
import dev.portcullis.node.fleet.FleetDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code init-fleet DIR}: writes the credentials of the event bus's mutual TLS for an operator to hand out. */
@Command(name = "init-fleet", mixinStandardHelpOptions = true, sortOptions = false, synopsisHeading = "usage: ",
        description = {"Write fleet credentials for the event bus's mutual TLS into DIR, and exit.",
                "A fleet CA and a node certificate for cluster.host, keeping what is there; keys are never",
                "printed. Configure every member with the cluster.tls settings it prints."})
final class InitFleetCommand implements Callable<Integer> {

    @ParentCommand
    private PortcullisCommand root;
    @Mixin
    private ConfigOptions options;
    @Spec
    private CommandSpec command;
    @Parameters(paramLabel = "DIR", description = "the directory to fill (created if missing)")
    private Path directory;

    @Override
    public Integer call() {
        NodeConfig config = options.orElse(root.options()).load();
        return initFleet(directory, config, command.commandLine().getOut(), command.commandLine().getErr());
    }

    /**
     * Writes (or completes) fleet credentials in {@code directory} and prints the {@code cluster.tls} settings
     * naming them; 0 on success, 1 otherwise. Never prints key material.
     */
    static int initFleet(Path directory, NodeConfig config, PrintWriter out, PrintWriter err) {
        try {
            FleetDirectory fleet = FleetDirectory.of(directory);
            fleet.ensure(config.cluster().host());
            Path dir = fleet.directory();
            out.println("portcullis: fleet credentials for " + config.cluster().host() + " in " + dir
                    + " (keep " + FleetDirectory.CA_KEY + " private); configure every member with:");
            out.println("cluster:");
            out.println("  tls: { cert-file: " + dir.resolve(FleetDirectory.NODE_CERT) + ", key-file: "
                    + dir.resolve(FleetDirectory.NODE_KEY) + ", trust-file: " + dir.resolve(FleetDirectory.CA_CERT)
                    + " }");
            out.flush();
            return 0;
        } catch (RuntimeException e) {
            err.println("portcullis: cannot write fleet credentials: " + NodeLauncher.message(e));
            return 1;
        }
    }
}

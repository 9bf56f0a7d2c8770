package dev.portcullis.node.cli;

import dev.portcullis.ca.CaExport;
import dev.portcullis.ca.CaOptions;
import dev.portcullis.node.NodeLauncher;
import dev.portcullis.node.config.NodeConfig;
import dev.portcullis.node.roles.Role;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code export-ca}: prints the root certificate clients of decrypted connections must trust. */
@Command(name = "export-ca", mixinStandardHelpOptions = true, sortOptions = false, synopsisHeading = "usage: ",
        description = "Print the root CA certificate (PEM) clients must trust, and exit; never a key.")
final class ExportCaCommand implements Callable<Integer> {

    @ParentCommand
    private PortcullisCommand root;
    @Mixin
    private ConfigOptions options;
    @Spec
    private CommandSpec command;

    @Override
    public Integer call() {
        NodeConfig config = options.orElse(root.options()).load();
        return export(config, command.commandLine().getOut(), command.commandLine().getErr());
    }

    /** Prints the root certificate of the CA the configuration names (never a key); 0 on success, 1 otherwise. */
    static int export(NodeConfig config, PrintWriter out, PrintWriter err) {
        try {
            out.print(CaExport.rootPem(new CaOptions(config.sections().get(Role.CA))));
            out.flush();
            return 0;
        } catch (RuntimeException e) {
            err.println("portcullis: cannot export the CA certificate: " + NodeLauncher.message(e));
            return 1;
        }
    }
}

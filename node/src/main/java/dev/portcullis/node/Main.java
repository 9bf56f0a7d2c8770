package dev.portcullis.node;

import dev.portcullis.node.cli.PortcullisCommand;

import java.io.PrintWriter;

/**
 * {@code java -jar portcullis.jar [--config FILE] [--roles proxy:2,policy:1,dns:1] [--data-dir DIR] [COMMAND]}:
 * with no command, starts one node and prints where it listens; {@code check}, {@code export-ca} and
 * {@code init-fleet DIR} do one thing and exit. The command line is {@link PortcullisCommand}.
 *
 * <p>Exit codes: 0 after {@code --help} or {@code --version}; 1 when the node cannot start (a role failed, the
 * cluster or admin port cannot be bound); 2 for a bad command line or configuration (an admin API exposed without
 * a token too). A started node runs until SIGTERM/SIGINT, then undeploys its roles and leaves the cluster before
 * the JVM exits.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        // Hazelcast reads its logging type before it reads its config; without this its first lines go to JUL.
        if (System.getProperty("hazelcast.logging.type") == null) {
            System.setProperty("hazelcast.logging.type", "slf4j");
        }
        PortcullisCommand root = new PortcullisCommand();
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int exit = PortcullisCommand.commandLine(root, out, err).execute(args);
        out.flush();
        err.flush();
        // A running node keeps the JVM alive until a signal; everything else ends here with its code.
        if (!root.nodeRunning()) {
            System.exit(exit);
        }
    }
}

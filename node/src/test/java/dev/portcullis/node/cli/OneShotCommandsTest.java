package dev.portcullis.node.cli;

import dev.portcullis.node.testkit.TestCa;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code export-ca} and {@code init-fleet} as subcommands do what their older option spellings do. */
class OneShotCommandsTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine commandLine = PortcullisCommand.commandLine(new PortcullisCommand(), new PrintWriter(out, true),
                new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @Test
    void exportCaPrintsTheConfiguredRootLikeTheOption() throws IOException {
        TestCa ca = TestCa.create("Export Test Root");
        Path config = Files.writeString(dir.resolve("config.yaml"), "ca: { cert-file: " + ca.certFile()
                + ", key-file: " + dir.resolve("unused.key") + " }\n");

        assertThat(run("export-ca", "--config", config.toString())).as(err.toString()).isZero();
        String bySubcommand = out.toString();
        out.getBuffer().setLength(0);
        assertThat(run("--config", config.toString(), "--export-ca")).as(err.toString()).isZero();

        assertThat(bySubcommand).isEqualTo(out.toString()).doesNotContain("PRIVATE KEY");
        assertThat(bySubcommand.replaceAll("\\s", "")).isEqualTo(ca.certPem().replaceAll("\\s", ""));
    }

    @Test
    void exportCaWithoutACaExits1SayingWhy() {
        int exit = run("export-ca", "--data-dir", dir.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).startsWith("portcullis: cannot export the CA certificate: no CA certificate at "
                + dir.resolve("ca.pem"));
    }

    @Test
    void initFleetWritesTheCredentialsAndPrintsTheSettings() throws IOException {
        Path fleet = dir.resolve("fleet");

        int exit = run("init-fleet", fleet.toString());

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).contains("tls: { cert-file: " + fleet.resolve("node.pem"))
                .doesNotContain("PRIVATE KEY");
        assertThat(Files.readString(fleet.resolve("node.key"))).startsWith("-----BEGIN PRIVATE KEY-----");
    }

    @Test
    void aConfigurationErrorInACommandExits2NamingTheKey() throws IOException {
        Path config = Files.writeString(dir.resolve("config.yaml"), "ca: { leaf-validty: 1d }\n");

        int exit = run("export-ca", "--config", config.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).startsWith("portcullis: invalid configuration: " + config
                + ": ca.leaf-validty: unknown key");
    }
}

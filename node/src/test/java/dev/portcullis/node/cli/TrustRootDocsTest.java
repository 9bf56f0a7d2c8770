package dev.portcullis.node.cli;

import dev.portcullis.node.testkit.TestCa;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The NSS commands of the README's "Trust the Portcullis root", taken from the README itself and run with
 * {@code certutil} ({@code libnss3-tools}, which .ci/run installs) against a fresh {@code $HOME} and the root that
 * {@code export-ca} prints: a root the browser database then trusts for TLS servers.
 */
class TrustRootDocsTest {

    private static final Path CERTUTIL = Path.of("/usr/bin/certutil");
    /** The README's NSS row, whose backticked commands create the database and import the root. */
    private static final Pattern NSS_ROW = Pattern.compile("(?m)^\\| Chromium, Chrome \\(Linux\\).*$");
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

    @TempDir
    Path home;

    @Test
    void theReadmesCertutilCommandsMakeTheExportedRootATrustedTlsIssuer() throws Exception {
        assertThat(CERTUTIL).as("certutil is missing: apt-get install libnss3-tools").isExecutable();
        TestCa ca = TestCa.create("Portcullis Root For NSS");
        Path config = Files.writeString(home.resolve("config.yaml"), "ca: { cert-file: " + ca.certFile()
                + ", key-file: " + home.resolve("unused.key") + " }\n");
        StringWriter exported = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = PortcullisCommand.commandLine(new PortcullisCommand(), new PrintWriter(exported, true),
                new PrintWriter(err, true)).execute("export-ca", "--config", config.toString());
        assertThat(exit).as(err.toString()).isZero();
        Files.writeString(home.resolve("portcullis-ca.pem"), exported.toString(), StandardCharsets.US_ASCII);

        String readme = Files.readString(Path.of("..", "README.md"));
        Matcher row = NSS_ROW.matcher(readme);
        assertThat(row.find()).as("the README's NSS row").isTrue();
        List<String> commands = CODE.matcher(row.group()).results().map(m -> m.group(1)).toList();
        String importRoot = commands.stream().filter(c -> c.startsWith("certutil") && c.contains(" -A "))
                .findFirst().orElseThrow(() -> new AssertionError("no certutil -A command in " + row.group()));
        String createDb = commands.stream().filter(c -> c.startsWith("mkdir")).findFirst()
                .orElseThrow(() -> new AssertionError("no database creation in " + row.group()));
        assertThat(importRoot).startsWith("certutil -d sql:$HOME/.pki/nssdb -A -t \"C,,\" -n portcullis");

        shell(createDb);
        shell(importRoot);
        String listing = shell("certutil -d sql:$HOME/.pki/nssdb -L");

        assertThat(listing).containsPattern("(?m)^portcullis\\s+C,,\\s*$");
        // And it is the exported root, not some other certificate under that nickname.
        String pem = shell("certutil -d sql:$HOME/.pki/nssdb -L -n portcullis -a");
        assertThat(pem.replaceAll("\\s", "")).isEqualTo(ca.certPem().replaceAll("\\s", ""));
    }

    /** Runs one documented line with bash, as a reader would paste it, in {@code $HOME} set to the temp dir. */
    private String shell(String command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(home, "out-", ".txt");
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", command).directory(home.toFile())
                .redirectErrorStream(true).redirectOutput(out.toFile());
        builder.environment().put("HOME", home.toString());
        Process process = builder.start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("did not finish: " + command);
        }
        String output = Files.readString(out);
        assertThat(process.exitValue()).as(command + "\n" + output).isZero();
        return output;
    }
}

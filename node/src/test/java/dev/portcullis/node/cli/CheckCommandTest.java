package dev.portcullis.node.cli;

import dev.portcullis.policy.parse.PolicyVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code check} in-process: what it accepts, what it refuses and how it says so. */
class CheckCommandTest {

    private static final String POLICY = """
            version: 1
            default: { action: deny }
            rules:
              - name: example
                hosts: [example.com]
                ports: [443]
                action: allow
                inspection: splice
            """;

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int check(String... args) {
        CommandLine commandLine = PortcullisCommand.commandLine(new PortcullisCommand(), new PrintWriter(out, true),
                new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    private Path config(String roles, Path policy, String more) throws IOException {
        return Files.writeString(dir.resolve("config.yaml"), "node: { roles: \"" + roles + "\", data-dir: "
                + dir.resolve("data") + " }\n" + (policy == null ? "" : "policy: { file: " + policy + " }\n") + more);
    }

    @Test
    void aValidConfigurationAndPolicyExit0WithAOneLineSummary() throws IOException {
        Path policy = Files.writeString(dir.resolve("policy.yaml"), POLICY);
        Path config = config("policy:1,dns:1,ca:1", policy, "");

        int exit = check("check", "--config", config.toString());

        assertThat(exit).as(err.toString()).isZero();
        assertThat(err.toString()).isEmpty();
        assertThat(out.toString()).contains("portcullis: ok: config " + config + "; roles policy:1 dns:1 ca:1; policy "
                + policy + " version " + PolicyVersion.of(POLICY.getBytes()) + ", 1 rule\n");
        assertThat(out.toString()).contains("portcullis: ca: generated in " + dir.resolve("data")
                + " (none yet: a ca role generates it at its first start)");
        assertThat(dir.resolve("data")).as("check writes nothing").doesNotExist();
    }

    @Test
    void thePolicySummaryCountsServicesWhenThereAreSome() throws IOException {
        String withServices = POLICY + """
                services:
                  - name: shop
                    hosts: [shop.example.com]
                    tls: { cert: /etc/portcullis/shop.crt, key: /etc/portcullis/shop.key }
                    backends: ["10.0.0.5:8080"]
                """;
        Path policy = Files.writeString(dir.resolve("policy.yaml"), withServices);
        Path config = config("policy:1", policy, "");

        int exit = check("check", "--config", config.toString());

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).contains("policy " + policy + " version "
                + PolicyVersion.of(withServices.getBytes()) + ", 1 rule, 1 service\n");
    }

    @Test
    void optionsBeforeTheSubcommandCountForIt() throws IOException {
        Path policy = Files.writeString(dir.resolve("policy.yaml"), POLICY);
        Path config = config("policy:1", policy, "");

        int exit = check("--config", config.toString(), "check", "--roles", "policy:1,proxy:2");

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).contains("portcullis: ok: config " + config + "; roles policy:1 proxy:2; policy ");
    }

    @Test
    void aTypoInTheConfigurationExits2NamingTheFileAndTheKey() throws IOException {
        Path config = Files.writeString(dir.resolve("config.yaml"), "proxy:\n  idle-timout: 1s\n");

        int exit = check("check", "--config", config.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).isEqualTo("portcullis: " + config
                + ": proxy.idle-timout: unknown key (did you mean idle-timeout?)\n");
    }

    @Test
    void anInvalidPolicyExits2WithItsFileAndLine() throws IOException {
        Path policy = Files.writeString(dir.resolve("policy.yaml"),
                "version: 1\ndefault: { action: deny }\nrules:\n  - name: x\n    hosts: [a.test]\n    action: allw\n");
        Path config = config("policy:1", policy, "");

        int exit = check("check", "--config", config.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).startsWith("portcullis: " + policy + ":6: ").contains("allw");
    }

    @Test
    void aMissingDefaultPolicyIsWhatAStartReplacesWithTheSample() throws IOException {
        Path config = config("policy:1", null, "");

        int exit = check("check", "--config", config.toString());

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).contains("policy " + dir.resolve("data").resolve("policy.yaml")
                + " absent (a start writes the sample policy there)");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void aNamedPolicyFileThatIsMissingExits2() throws IOException {
        Path config = config("policy:1", dir.resolve("nowhere.yaml"), "");

        int exit = check("check", "--config", config.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("portcullis: " + dir.resolve("nowhere.yaml")
                + ": cannot read: file not found\n");
    }

    @Test
    void configuredCaFilesThatAreMissingStopACaNodeButNeverShowAKey() throws IOException {
        Path key = Files.writeString(dir.resolve("ca.key"), "-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n");
        Path config = config("ca:1", null, "ca: { cert-file: " + dir.resolve("ca.pem") + ", key-file: " + key + " }\n");

        int exit = check("check", "--config", config.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("portcullis: ca.cert-file " + dir.resolve("ca.pem")
                + ": no such file (the ca role cannot start)\n");

        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        assertThat(check("check", "--config", config.toString(), "--roles", "proxy:1")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("portcullis: ca: cert-file " + dir.resolve("ca.pem") + " (missing), "
                + "key-file " + key + " (present)").doesNotContain("PRIVATE", "c2VjcmV0");
    }

    @Test
    void anExposedAdminApiWithoutATokenIsRefusedAsAStartWouldBe() throws IOException {
        Path config = config("dns:1", null, "admin: { host: 0.0.0.0 }\n");

        int exit = check("check", "--config", config.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("admin.host 0.0.0.0 is not a loopback address");
    }
}

package dev.portcullis.node.explicit;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenSSH server on 127.0.0.1 (or another address the test owns) for one test: its own host key, one
 * authorised client key, no PAM, and logs on stderr. Fails loudly when sshd or ssh-keygen is missing (.ci/run
 * installs them).
 */
public final class SshServer implements AutoCloseable {

    private static final Path SSHD = Path.of("/usr/sbin/sshd");

    private final Process process;
    private final String host;
    private final int port;
    private final Path clientKey;

    private SshServer(Process process, String host, int port, Path clientKey) {
        this.process = process;
        this.host = host;
        this.port = port;
        this.clientKey = clientKey;
    }

    public static SshServer start(Path dir, int port) throws Exception {
        return start(dir, "127.0.0.1", port);
    }

    /** An sshd listening on {@code host} (an address of this host the test owns) and {@code port}. */
    public static SshServer start(Path dir, String host, int port) throws Exception {
        if (!Files.isExecutable(SSHD)) {
            throw new IllegalStateException(SSHD + " is missing: apt-get install openssh-server (see .ci/run)");
        }
        Path hostKey = dir.resolve("host_ed25519");
        Path clientKey = dir.resolve("client_ed25519");
        run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostKey.toString()));
        run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", clientKey.toString()));
        Path authorized = dir.resolve("authorized_keys");
        Files.copy(Path.of(clientKey + ".pub"), authorized);
        Path config = dir.resolve("sshd_config");
        Files.writeString(config, String.join("\n",
                "Port " + port,
                "ListenAddress " + host,
                "HostKey " + hostKey,
                "AuthorizedKeysFile " + authorized,
                "PidFile none",
                "UsePAM no",
                "StrictModes no",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PubkeyAuthentication yes",
                "PermitRootLogin prohibit-password",
                "LogLevel ERROR",
                ""));
        // sshd running as root insists on its privilege-separation directory.
        Files.createDirectories(Path.of("/run/sshd"));
        Process process = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("sshd.log").toFile())
                .start();
        SshServer server = new SshServer(process, host, port, clientKey);
        server.awaitListening(dir);
        return server;
    }

    public int port() {
        return port;
    }

    public Path clientKey() {
        return clientKey;
    }

    /** What an ssh client run printed, and how it ended ({@code -1} when it had to be killed). */
    public record SshRun(int exitCode, String output) {
    }

    /**
     * Runs {@code ssh user@host echo through-portcullis} against this server through the explicit proxy on
     * {@code proxyPort}, with OpenBSD nc as the ProxyCommand speaking CONNECT; bounded to 30 s.
     */
    public SshRun sshThrough(int proxyPort, String host) throws Exception {
        List<String> command = List.of("ssh", "-F", "/dev/null", "-i", clientKey.toString(),
                "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "ConnectTimeout=10", "-o", "LogLevel=ERROR",
                "-o", "ProxyCommand=nc -X connect -x 127.0.0.1:" + proxyPort + " %h %p",
                "-p", Integer.toString(port), System.getProperty("user.name") + "@" + host,
                "echo", "through-portcullis");
        Process ssh = new ProcessBuilder(command).redirectErrorStream(true).start();
        boolean ended = ssh.waitFor(30, TimeUnit.SECONDS);
        if (!ended) {
            ssh.destroyForcibly();
        }
        String output = new String(ssh.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        return new SshRun(ended ? ssh.exitValue() : -1, output);
    }

    /**
     * Runs {@code ssh -p port user@target echo through-portcullis} with this server's client key, the command
     * prefixed by {@code prefix} (e.g. {@code ip netns exec NS}); bounded to 30 s.
     */
    public SshRun sshDirect(List<String> prefix, String target, int targetPort) throws Exception {
        List<String> command = new java.util.ArrayList<>(prefix);
        command.addAll(List.of("ssh", "-F", "/dev/null", "-i", clientKey.toString(),
                "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "ConnectTimeout=10", "-o", "LogLevel=ERROR",
                "-p", Integer.toString(targetPort), System.getProperty("user.name") + "@" + target,
                "echo", "through-portcullis"));
        Process ssh = new ProcessBuilder(command).redirectErrorStream(true).start();
        boolean ended = ssh.waitFor(30, TimeUnit.SECONDS);
        if (!ended) {
            ssh.destroyForcibly();
        }
        String output = new String(ssh.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        return new SshRun(ended ? ssh.exitValue() : -1, output);
    }

    private void awaitListening(Path dir) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("sshd exited: " + Files.readString(dir.resolve("sshd.log")));
            }
            try (Socket probe = new Socket(host, port)) {
                return;
            } catch (IOException notYet) {
                process.waitFor(50, TimeUnit.MILLISECONDS);
            }
        }
        throw new IllegalStateException("sshd did not listen on " + port + " within 10 s");
    }

    private static void run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(20, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(command + " failed: " + new String(process.getInputStream().readAllBytes()));
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}

package dev.portcullis.node.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real headless Chromium (Debian's {@code chromium} package) loading one URL the way a user's browser would, and
 * printing the page it got ({@code --dump-dom}).
 *
 * <p>Trust is set up as on a workstation, never with {@code --ignore-certificate-errors}: each instance has its
 * own {@code HOME} whose NSS database ({@code $HOME/.pki/nssdb}, where Chromium on Linux looks for local roots)
 * holds exactly the CA files given, added with {@code certutil} from {@code libnss3-tools}. Every launch gets a
 * fresh profile, so nothing (HSTS, cached certificates, sessions) carries over between launches.
 *
 * <p>Chromium's own background traffic (component updates, safe browsing, sync) is switched off: this machine's
 * network is closed, and those connections would only add refused tunnels to the access log. QUIC is off too, as
 * a proxy would force anyway. Not installed → {@link IllegalStateException}: the tests fail, they never skip.
 *
 * <p>Headless Chromium takes one to two seconds to start; keep launches few.
 */
public final class Chromium {

    /** Where Debian's package puts it. */
    public static final Path BINARY = Path.of("/usr/bin/chromium");

    private static final Path CERTUTIL = Path.of("/usr/bin/certutil");
    private static final Duration TIMEOUT = Duration.ofSeconds(45);

    private final Path home;
    private final List<String> prefix;
    private final List<String> options;

    private Chromium(Path home, List<String> prefix, List<String> options) {
        this.home = home;
        this.prefix = prefix;
        this.options = options;
    }

    /**
     * A Chromium whose {@code HOME} is a new directory under {@code dir} with an NSS database trusting exactly
     * {@code caFiles} (PEM) as roots for TLS servers.
     *
     * @throws IllegalStateException when Chromium or certutil is not installed, or certutil fails
     */
    public static Chromium trusting(Path dir, Path... caFiles) {
        requireInstalled(BINARY, "chromium");
        requireInstalled(CERTUTIL, "libnss3-tools");
        try {
            Path home = Files.createTempDirectory(dir, "chromium-home-");
            Path nssdb = Files.createDirectories(home.resolve(".pki").resolve("nssdb"));
            run(List.of(CERTUTIL.toString(), "-N", "--empty-password", "-d", "sql:" + nssdb));
            for (int i = 0; i < caFiles.length; i++) {
                run(List.of(CERTUTIL.toString(), "-A", "-d", "sql:" + nssdb, "-t", "C,,", "-n", "test-root-" + i,
                        "-i", caFiles[i].toString()));
            }
            return new Chromium(home, List.of(), List.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The same browser started through {@code prefix} (e.g. {@code ip netns exec NAME}). */
    public Chromium through(List<String> prefix) {
        return new Chromium(home, List.copyOf(prefix), options);
    }

    /** The same browser with more command-line switches (e.g. {@code --proxy-server=...}). */
    public Chromium option(String... switches) {
        List<String> more = new ArrayList<>(options);
        more.addAll(List.of(switches));
        return new Chromium(home, prefix, more);
    }

    /** A browser using the explicit proxy on {@code 127.0.0.1:port} for every URL, as a proxy setting does. */
    public Chromium viaProxy(int port) {
        return option("--proxy-server=http://127.0.0.1:" + port);
    }

    /**
     * Loads {@code url} in a fresh profile and returns the page's DOM after load (for a page that failed, the DOM
     * of Chromium's error page, or nothing).
     */
    public Result load(String url) {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"));
        try {
            command.add("--user-data-dir=" + Files.createTempDirectory(home, "profile-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        command.addAll(options);
        command.addAll(List.of("--dump-dom", url));
        long started = System.nanoTime();
        try {
            Path out = Files.createTempFile(home, "dom-", ".html");
            Path err = Files.createTempFile(home, "stderr-", ".txt");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            builder.environment().put("HOME", home.toString());
            Process process = builder.start();
            if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new AssertionError("Chromium did not finish within " + TIMEOUT.toSeconds() + " s: "
                        + String.join(" ", command) + "\n" + Files.readString(err));
            }
            return new Result(process.exitValue(), Files.readString(out), Files.readString(err),
                    Duration.ofNanos(System.nanoTime() - started));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while Chromium loaded " + url, e);
        }
    }

    /**
     * One launch.
     *
     * @param dom    what {@code --dump-dom} printed
     * @param stderr Chromium's log (its complaints about the missing D-Bus are noise)
     * @param took   from start to exit
     */
    public record Result(int exitCode, String dom, String stderr, Duration took) {
    }

    private static void requireInstalled(Path binary, String debianPackage) {
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException(binary + " is missing: these tests drive a real browser; install it"
                    + " with `apt-get install chromium libnss3-tools` (.ci/run does, package " + debianPackage + ")");
        }
    }

    private static void run(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("did not finish in 20 s: " + String.join(" ", command));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IllegalStateException("`" + String.join(" ", command) + "` exited " + process.exitValue()
                    + ": " + output.trim());
        }
    }
}

package dev.portcullis.node.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A node running in its own JVM from the built jar ({@code java -jar portcullis.jar ARGS}), for fleet tests:
 * stdout and stderr go to a log file, {@link #awaitHealthy} waits for its admin API, and it can be stopped
 * cleanly (SIGTERM) or killed (SIGKILL). Always {@link #close()} it (try-with-resources or {@code @AfterAll}).
 * Processes of one test fleet share fleet credentials: name {@link TestFleetTls#yaml()} as {@code cluster.tls} in
 * each one's configuration (without it every node generates its own fleet CA, and their event buses refuse each
 * other).
 */
public final class NodeProcess implements AutoCloseable {

    /** The jar failsafe passes in as the system property {@code portcullis.jar}. */
    public static Path builtJar() {
        String jar = System.getProperty("portcullis.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("system property portcullis.jar must name the built jar (run the *IT "
                    + "tests with failsafe after package), was " + jar);
        }
        return Path.of(jar);
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final Path log;

    private NodeProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code java -jar jar args...} in {@code workDir}, output appended to {@code log}.
     *
     * @param env extra environment variables (e.g. {@code PORTCULLIS_ROLES}), may be empty
     */
    public static NodeProcess start(Path jar, Path workDir, Path log, java.util.Map<String, String> env,
                                    String... args) {
        return start(jar, workDir, log, env, List.of(), args);
    }

    /**
     * Starts {@code java -Xmx256m jvmOptions... -jar jar args...} in {@code workDir}, output appended to
     * {@code log}.
     *
     * @param env        extra environment variables (e.g. {@code PORTCULLIS_ROLES}), may be empty
     * @param jvmOptions options for the JVM itself, before {@code -jar} (e.g. {@code -Djdk.net.hosts.file=...}),
     *                   may be empty
     */
    public static NodeProcess start(Path jar, Path workDir, Path log, java.util.Map<String, String> env,
                                    List<String> jvmOptions, String... args) {
        // SIGHUP as a service manager leaves it, whatever the test runner inherited (nohup ignores it, and a JVM
        // started with it ignored keeps it so): coreutils' env resets it, then execs java under the same pid.
        return start(List.of("env", "--default-signal=HUP"), jar, workDir, log, env, jvmOptions, args);
    }

    /** As {@link #start(Path, Path, Path, java.util.Map, String...)}, with SIGHUP ignored, as under nohup. */
    public static NodeProcess startIgnoringSighup(Path jar, Path workDir, Path log, java.util.Map<String, String> env,
                                                  String... args) {
        return start(List.of("env", "--ignore-signal=HUP"), jar, workDir, log, env, List.of(), args);
    }

    private static NodeProcess start(List<String> launcher, Path jar, Path workDir, Path log,
                                     java.util.Map<String, String> env, List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>(launcher);
        command.addAll(List.of(javaBinary(), "-Xmx256m"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().putAll(env);
        try {
            return new NodeProcess(builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * Waits until {@code GET http://127.0.0.1:adminPort/path} answers 200.
     *
     * @throws AssertionError with the end of the log when it does not within {@code timeout} or the process exits
     */
    public void awaitHttp200(int adminPort, String path, Duration timeout) {
        awaitHttp200("127.0.0.1", adminPort, path, timeout);
    }

    /**
     * Waits until {@code GET http://adminHost:adminPort/path} answers 200, for a node whose admin API is bound to
     * another address than 127.0.0.1.
     *
     * @throws AssertionError with the end of the log when it does not within {@code timeout} or the process exits
     */
    public void awaitHttp200(String adminHost, int adminPort, String path, Duration timeout) {
        URI uri = URI.create("http://" + adminHost + ":" + adminPort + path);
        try {
            Poll.until(timeout, () -> {
                if (!process.isAlive()) {
                    throw new AssertionError("node exited with " + process.exitValue() + "; log:\n" + logTail());
                }
                return status(uri);
            }, status -> status == 200, uri + " answers 200");
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nlog:\n" + logTail(), e);
        }
    }

    /** Waits until {@code /healthz} answers 200 on the node's admin port. */
    public void awaitHealthy(int adminPort, Duration timeout) {
        awaitHttp200(adminPort, "/healthz", timeout);
    }

    private static int status(URI uri) {
        try {
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(3)).GET().build();
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Sends the signal {@code name} ({@code "HUP"}, {@code "USR1"}) with {@code kill -NAME pid}, as a service
     * manager would; returns once kill has delivered it.
     */
    public void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                    .redirectErrorStream(true).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new AssertionError("kill -" + name + " " + process.pid() + " failed: "
                        + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Whether the process still runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, as a crash would; waits until the process is gone. */
    public void kill() {
        process.destroyForcibly();
        waitForExit(Duration.ofSeconds(10));
    }

    /**
     * SIGTERM, as an operator would; waits for the node's shutdown hook to finish.
     *
     * @return the exit code
     * @throws AssertionError when the process does not exit within {@code timeout}
     */
    public int stop(Duration timeout) {
        process.destroy();
        if (!waitForExit(timeout)) {
            throw new AssertionError("node did not exit within " + timeout + " of SIGTERM; log:\n" + logTail());
        }
        return process.exitValue();
    }

    /** Waits for the process to exit by itself (e.g. after a start failure); {@code false} on timeout. */
    public boolean waitForExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The exit code; only valid after the process exited. */
    public int exitValue() {
        return process.exitValue();
    }

    /** The whole log so far. */
    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    private String logTail() {
        String text = log();
        return text.length() <= 4000 ? text : "..." + text.substring(text.length() - 4000);
    }

    /** Kills the process if it still runs. */
    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }
}

package dev.portcullis.node.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code curl} binary, so tests see the proxy the way users do. Each call is bounded in time
 * ({@code --max-time} plus a hard kill a few seconds later) and captures the HTTP status, the status of the
 * proxy's answer to CONNECT, the body and stderr.
 *
 * <pre>{@code
 * Curl.Result result = Curl.viaProxy(proxyPort)
 *         .caFile(origin.caFile())
 *         .get("https://origin.test:" + origin.port() + "/");
 * }</pre>
 * With {@code -x} and an https URL, curl sends {@code CONNECT origin.test:PORT} and resolves nothing itself,
 * so test names need no {@code /etc/hosts} entry.
 */
public final class Curl {

    /** What {@link #timeout(Duration)} defaults to. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private static final String STATUS_MARK = "\nportcullis-curl:";

    private final List<String> options = new ArrayList<>();
    private final List<String> prefix = new ArrayList<>();
    private Duration timeout = DEFAULT_TIMEOUT;

    private Curl() {
    }

    /** A curl without a proxy. */
    public static Curl direct() {
        return new Curl();
    }

    /** A curl that uses the explicit proxy on {@code 127.0.0.1:port} ({@code -x}). */
    public static Curl viaProxy(int port) {
        return new Curl().option("-x", "http://127.0.0.1:" + port);
    }

    /** Trusts the CA in {@code file} for the origin's certificate ({@code --cacert}). */
    public Curl caFile(Path file) {
        return option("--cacert", file.toString());
    }

    /** Bounds the whole transfer; the process is killed if it outlives this by 5 s. */
    public Curl timeout(Duration timeout) {
        this.timeout = timeout;
        return this;
    }

    /** Runs curl inside the network namespace {@code namespace} ({@code ip netns exec}), as a workload there. */
    public Curl inNamespace(String namespace) {
        prefix.clear();
        prefix.addAll(List.of("ip", "netns", "exec", namespace));
        return this;
    }

    /** Adds raw curl arguments, e.g. {@code option("-H", "Host: other.test")}. */
    public Curl option(String... args) {
        options.addAll(Arrays.asList(args));
        return this;
    }

    /**
     * Fetches {@code url} and waits for curl to finish.
     *
     * @return the outcome; never throws for HTTP or connection failures (look at {@link Result#exitCode()})
     * @throws IllegalStateException when curl cannot be started or does not end in time
     */
    public Result get(String url) {
        Path body = null;
        try {
            body = Files.createTempFile("portcullis-curl-", ".body");
            List<String> command = new ArrayList<>(prefix);
            command.addAll(List.of("curl", "-sS",
                    "--max-time", Long.toString(Math.max(1, timeout.toSeconds())),
                    "-o", body.toString(),
                    "-w", STATUS_MARK + "%{http_code} %{http_connect}"));
            command.addAll(options);
            command.add(url);
            Process process = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            // Both streams are drained on their own threads so that the wait below stays bounded even if
            // curl hangs with a full pipe.
            StreamCollector stdout = new StreamCollector(process.getInputStream(), "curl-stdout");
            StreamCollector stderr = new StreamCollector(process.getErrorStream(), "curl-stderr");
            stdout.start();
            stderr.start();
            if (!process.waitFor(timeout.toMillis() + 5000, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("curl did not finish within " + timeout + " + 5s: " + command);
            }
            return Result.parse(process.exitValue(), stdout.text(),
                    Files.readString(body, StandardCharsets.UTF_8), stderr.text());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run curl", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for curl", e);
        } finally {
            if (body != null) {
                body.toFile().delete();
            }
        }
    }

    /**
     * Fetches {@code urls} in one curl run, one after the other ({@code --next}), each transfer with this curl's
     * options, so that curl may reuse one connection for them (its {@code -v} output, in {@link Each#stderr()},
     * says whether it did: "Re-using existing connection").
     *
     * @return each transfer's status and body, in order
     */
    public Each getEach(String... urls) {
        try {
            List<String> command = new ArrayList<>(prefix);
            command.add("curl");
            for (int i = 0; i < urls.length; i++) {
                if (i > 0) {
                    command.add("--next");
                }
                command.addAll(List.of("-sS", "-v", "--max-time", Long.toString(Math.max(1, timeout.toSeconds())),
                        "-w", STATUS_MARK + "%{http_code}\n"));
                command.addAll(options);
                command.add(urls[i]);
            }
            Process process = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            StreamCollector stdout = new StreamCollector(process.getInputStream(), "curl-stdout");
            StreamCollector stderr = new StreamCollector(process.getErrorStream(), "curl-stderr");
            stdout.start();
            stderr.start();
            if (!process.waitFor(timeout.toMillis() * urls.length + 5000, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("curl did not finish in time: " + command);
            }
            return Each.parse(process.exitValue(), stdout.text(), stderr.text());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run curl", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for curl", e);
        }
    }

    /**
     * What curl reported for several transfers in one run.
     *
     * @param exitCode curl's exit code, of the last transfer that failed or 0
     * @param statuses each transfer's HTTP status, in order
     * @param bodies   each transfer's body (UTF-8), in order
     * @param stderr   curl's verbose messages for all of them
     */
    public record Each(int exitCode, List<Integer> statuses, List<String> bodies, String stderr) {

        static Each parse(int exitCode, String stdout, String stderr) {
            List<Integer> statuses = new ArrayList<>();
            List<String> bodies = new ArrayList<>();
            int from = 0;
            for (int mark = stdout.indexOf(STATUS_MARK); mark >= 0; mark = stdout.indexOf(STATUS_MARK, from)) {
                bodies.add(stdout.substring(from, mark));
                int end = stdout.indexOf('\n', mark + STATUS_MARK.length());
                end = end < 0 ? stdout.length() : end;
                statuses.add(Result.parseCode(stdout.substring(mark + STATUS_MARK.length(), end).trim()));
                from = Math.min(stdout.length(), end + 1);
            }
            return new Each(exitCode, statuses, bodies, stderr);
        }
    }

    /**
     * What curl reported.
     *
     * @param exitCode      curl's exit code (0 success, 7 cannot connect, 28 timeout, 56 CONNECT refused, ...)
     * @param status        the final HTTP status ({@code %{http_code}}), 0 when there was none
     * @param connectStatus the proxy's answer to CONNECT ({@code %{http_connect}}), 0 without a proxy tunnel
     * @param body          the response body (UTF-8)
     * @param stderr        curl's messages, e.g. {@code "curl: (56) CONNECT tunnel failed, response 403"}
     */
    public record Result(int exitCode, int status, int connectStatus, String body, String stderr) {

        static Result parse(int exitCode, String stdout, String body, String stderr) {
            int mark = stdout.lastIndexOf(STATUS_MARK);
            int status = 0;
            int connectStatus = 0;
            if (mark >= 0) {
                String[] codes = stdout.substring(mark + STATUS_MARK.length()).trim().split(" ");
                status = parseCode(codes[0]);
                connectStatus = codes.length > 1 ? parseCode(codes[1]) : 0;
            }
            return new Result(exitCode, status, connectStatus, body, stderr);
        }

        static int parseCode(String text) {
            try {
                return Integer.parseInt(text);
            } catch (NumberFormatException e) {
                return 0;
            }
        }
    }

    /** Drains a stream on its own thread so a chatty process cannot block on a full pipe. */
    private static final class StreamCollector extends Thread {

        private final java.io.InputStream in;
        private volatile String text = "";

        StreamCollector(java.io.InputStream in, String name) {
            super(name);
            setDaemon(true);
            this.in = in;
        }

        @Override
        public void run() {
            try {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                text = "(unreadable: " + e.getMessage() + ")";
            }
        }

        String text() throws InterruptedException {
            join(5000);
            return text;
        }
    }
}

package dev.portcullis.proxy.access;

import dev.portcullis.proxy.AccessLogOptions;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Writes each access record once, as one JSON line, to the file {@code proxy.access-log.file} (rolled by size
 * and day) or to standard output ({@code proxy.access-log.stdout}), and counts it as metrics
 * ({@link AccessMetrics}). README, "Access log"; the fields: docs/access-log.md.
 *
 * <p>Writing goes through logback (see {@link AccessLogSink}) on a background thread, so the event loops never
 * wait on the disk; when that thread falls {@value AccessLogSink#QUEUE_SIZE} records behind, records are dropped,
 * not waited for, and counted in {@code portcullis_access_log_dropped_total}. Every proxy instance in the JVM that
 * names the same file shares one writer, so their lines never interleave; instances naming different files (nodes
 * in one JVM, each with its own data directory) each get their own.
 */
public final class AccessLog implements AutoCloseable {

    /** {@value}: the logger name the records are written under (in their own logback context). */
    public static final String LOGGER_NAME = "portcullis.access";

    /** Open destinations by file path ({@code "stdout"} for standard output); guarded by itself. */
    private static final Map<String, AccessLogSink> SINKS = new HashMap<>();

    private final AccessLogSink sink;
    /** Where records go besides the sink: nowhere, or a test's list ({@link #capturing}). */
    private final Consumer<JsonObject> observer;
    private boolean closed;

    private AccessLog(AccessLogSink sink) {
        this(sink, record -> { });
    }

    private AccessLog(AccessLogSink sink, Consumer<JsonObject> observer) {
        this.sink = sink;
        this.observer = observer;
    }

    /**
     * Opens (or joins) the destination the options name: standard output when {@code stdout} is set, else the
     * file; with neither, a log that only counts ({@link #discarding()}). Blocking: creates the file's directory.
     *
     * @throws IOException when the file's directory cannot be created
     */
    public static AccessLog open(AccessLogOptions options) throws IOException {
        String key;
        if (options.isStdout()) {
            key = "stdout";
        } else if (options.getFile() != null) {
            Path path = Path.of(options.getFile()).toAbsolutePath().normalize();
            if (path.getParent() != null) {
                Files.createDirectories(path.getParent());
            }
            key = path.toString();
        } else {
            return discarding();
        }
        synchronized (SINKS) {
            AccessLogSink sink = SINKS.get(key);
            if (sink == null) {
                sink = options.isStdout() ? AccessLogSink.stdout() : AccessLogSink.file(key, options);
                SINKS.put(key, sink);
            }
            sink.users++;
            return new AccessLog(sink);
        }
    }

    /** A log that counts records as metrics and writes them nowhere (tests of stages). */
    public static AccessLog discarding() {
        return new AccessLog(null);
    }

    /** A log that counts records and hands each to {@code observer} on the writing thread (tests of stages). */
    public static AccessLog capturing(Consumer<JsonObject> observer) {
        return new AccessLog(null, observer);
    }

    /**
     * Reopens every access-log file open in this JVM: each is closed and opened again by its name, so that after
     * an external rotation (logrotate's {@code create} mode moves the file away, then signals) records go to a new
     * file of that name instead of the moved one. Records written meanwhile wait and are not lost. Blocking
     * (file I/O): call it from a signal handler's or a worker thread, not an event loop.
     */
    public static void reopen() {
        List<AccessLogSink> open;
        synchronized (SINKS) {
            open = new ArrayList<>(SINKS.values());
        }
        open.forEach(AccessLogSink::reopen);
    }

    /** Counts {@code record} and queues its line; never blocks. */
    public void write(JsonObject record) {
        AccessMetrics.count(record);
        observer.accept(record);
        if (sink != null) {
            sink.write(record.encode());
        }
    }

    /** Leaves the destination; the last user to leave writes what is queued and closes it. Blocking. */
    @Override
    public void close() {
        if (sink == null) {
            return;
        }
        synchronized (SINKS) {
            if (closed) {
                return;
            }
            closed = true;
            if (--sink.users == 0) {
                SINKS.values().remove(sink);
                sink.close();
            }
        }
    }
}

package dev.portcullis.proxy.access;

import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Writes access records as JSON lines to the logger {@code portcullis.access} and, when configured, to a file, and
 * counts them as metrics ({@link AccessMetrics}).
 * Every proxy instance in the JVM that names the same file shares one writer, whose single thread keeps file
 * I/O off the event loops and lines whole.
 */
public final class AccessLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("portcullis.access");
    private static final Map<Path, FileSink> SINKS = new HashMap<>();

    private final FileSink sink;

    private AccessLog(FileSink sink) {
        this.sink = sink;
    }

    /** @param file the file to append to, or {@code null} for the logger only */
    public static AccessLog open(String file) throws IOException {
        if (file == null) {
            return new AccessLog(null);
        }
        Path path = Path.of(file).toAbsolutePath().normalize();
        synchronized (SINKS) {
            FileSink sink = SINKS.get(path);
            if (sink == null) {
                sink = new FileSink(path);
                SINKS.put(path, sink);
            }
            sink.users++;
            return new AccessLog(sink);
        }
    }

    public void write(JsonObject record) {
        AccessMetrics.count(record);
        String line = record.encode();
        LOG.info(line);
        if (sink != null) {
            sink.append(line);
        }
    }

    @Override
    public void close() {
        if (sink == null) {
            return;
        }
        synchronized (SINKS) {
            if (--sink.users == 0) {
                SINKS.remove(sink.path);
                sink.close();
            }
        }
    }

    private static final class FileSink {
        final Path path;
        final OutputStream out;
        final ExecutorService writer;
        int users;

        FileSink(Path path) throws IOException {
            this.path = path;
            if (path.getParent() != null) {
                Files.createDirectories(path.getParent());
            }
            this.out = Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE);
            this.writer = Executors.newSingleThreadExecutor(runnable -> {
                Thread thread = new Thread(runnable, "portcullis-access-log");
                thread.setDaemon(true);
                return thread;
            });
        }

        void append(String line) {
            byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
            writer.execute(() -> {
                try {
                    out.write(bytes);
                    out.flush();
                } catch (IOException e) {
                    LOG.warn("cannot write access log {}: {}", path, e.getMessage());
                }
            });
        }

        void close() {
            writer.execute(() -> {
                try {
                    out.close();
                } catch (IOException e) {
                    LOG.warn("cannot close access log {}: {}", path, e.getMessage());
                }
            });
            writer.shutdown();
        }
    }
}

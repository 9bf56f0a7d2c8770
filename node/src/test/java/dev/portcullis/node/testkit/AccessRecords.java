package dev.portcullis.node.testkit;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/** The proxy's access log file, read as JSON records, for tests that look for the one record of a connection. */
public final class AccessRecords {

    private final Path file;

    public AccessRecords(Path file) {
        this.file = file;
    }

    public List<JsonObject> all() {
        try {
            if (!Files.exists(file)) {
                return List.of();
            }
            return Files.readAllLines(file).stream().filter(line -> !line.isBlank()).map(JsonObject::new).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many records match {@code which} so far. */
    public int count(Predicate<JsonObject> which) {
        return (int) all().stream().filter(which).count();
    }

    /**
     * Waits for a record matching {@code which} beyond the first {@code seenBefore} (records are written when a
     * connection ends, a moment after the client saw it close) and returns the newest.
     */
    public JsonObject awaitNext(String what, Predicate<JsonObject> which, int seenBefore) {
        List<JsonObject> matching = Poll.until(Duration.ofSeconds(10),
                () -> all().stream().filter(which).toList(), found -> found.size() > seenBefore, what);
        return matching.get(matching.size() - 1);
    }

    /** Records written by one listener. */
    public static Predicate<JsonObject> listener(String name) {
        return record -> name.equals(record.getString("listener"));
    }

    /** Records of one connection by its SNI on the given listener. */
    public static Predicate<JsonObject> sni(String listener, String sni) {
        return record -> listener.equals(record.getString("listener")) && sni.equals(record.getString("sni"));
    }
}

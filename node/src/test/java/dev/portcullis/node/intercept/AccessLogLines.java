package dev.portcullis.node.intercept;

import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** The JSON records of an access log file, which a background writer fills: polled until enough match. */
final class AccessLogLines {

    private AccessLogLines() {
    }

    /** @return the matching records once at least {@code count} match, or those found within 5 s */
    static List<JsonObject> matching(Path log, Predicate<JsonObject> matching, int count) throws Exception {
        return matching(log, 0, matching, count);
    }

    /** How many lines the log has now: records written later come after this {@link #matching mark}. */
    static int mark(Path log) throws Exception {
        return Files.exists(log) ? Files.readAllLines(log).size() : 0;
    }

    /** As {@link #matching(Path, Predicate, int)}, among the lines after {@code since} ({@link #mark}). */
    static List<JsonObject> matching(Path log, int since, Predicate<JsonObject> matching, int count)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        List<JsonObject> found = List.of();
        while (System.nanoTime() < deadline) {
            found = Files.exists(log) ? Files.readAllLines(log).stream().skip(since)
                    .filter(line -> line.startsWith("{")).map(JsonObject::new).filter(matching).toList() : List.of();
            if (found.size() >= count) {
                return found;
            }
            Thread.sleep(50);
        }
        return found;
    }
}

package dev.portcullis.node.intercept;

import dev.portcullis.node.testkit.AccessRecords;
import dev.portcullis.node.testkit.Poll;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/** The JSON records of an access log file, which a background writer fills: polled until enough match. */
final class AccessLogLines {

    private AccessLogLines() {
    }

    /** @return the matching records once at least {@code count} match; fails the test if not within 5 s */
    static List<JsonObject> matching(Path log, Predicate<JsonObject> matching, int count) {
        return matching(log, 0, matching, count);
    }

    /** How many records the log has now: records written later come after this {@link #matching mark}. */
    static int mark(Path log) {
        return new AccessRecords(log).all().size();
    }

    /** As {@link #matching(Path, Predicate, int)}, among the records after {@code since} ({@link #mark}). */
    static List<JsonObject> matching(Path log, int since, Predicate<JsonObject> matching, int count) {
        AccessRecords records = new AccessRecords(log);
        return Poll.until(Duration.ofSeconds(5),
                () -> records.all().stream().skip(since).filter(matching).toList(),
                found -> found.size() >= count, count + " matching records in " + log);
    }
}

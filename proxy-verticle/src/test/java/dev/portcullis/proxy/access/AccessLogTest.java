package dev.portcullis.proxy.access;

import dev.portcullis.proxy.AccessLogOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The file the access log writes through logback: one record per line, its own file per log, reopened on ask. */
class AccessLogTest {

    @TempDir
    Path dir;

    @Test
    void eachRecordIsOneLineWithItsOwnFieldsAtTheTop() throws IOException {
        Path file = dir.resolve("access.log");
        try (AccessLog log = AccessLog.open(new AccessLogOptions().setFile(file.toString()))) {
            log.write(record("a.test").put(AccessRecord.PATH, "/x\n{}\"y"));
            log.write(record("b.test"));
        }
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(2);
        JsonObject first = new JsonObject(lines.get(0));
        assertThat(first.getString(AccessRecord.HOST)).isEqualTo("a.test");
        assertThat(first.getString(AccessRecord.PATH)).isEqualTo("/x\n{}\"y");
        assertThat(first.fieldNames()).doesNotContain("message", "level", "timestamp");
        assertThat(new JsonObject(lines.get(1)).getString(AccessRecord.HOST)).isEqualTo("b.test");
    }

    @Test
    void logsOfTwoFilesWrittenFromManyThreadsKeepTheirOwnWholeLines() throws Exception {
        Path one = dir.resolve("node-0/access.log");
        Path two = dir.resolve("node-1/access.log");
        AccessLog first = AccessLog.open(new AccessLogOptions().setFile(one.toString()));
        AccessLog second = AccessLog.open(new AccessLogOptions().setFile(two.toString()));
        // A second instance naming the first file shares its writer (proxy instances of one node).
        AccessLog firstAgain = AccessLog.open(new AccessLogOptions().setFile(one.toString()));
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            AccessLog target = t % 2 == 0 ? first : t == 1 ? second : firstAgain;
            String host = target == second ? "two.test" : "one.test";
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 500; i++) {
                    target.write(record(host).put(AccessRecord.PATH, "/" + "p".repeat(i)));
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        first.close();
        firstAgain.close();
        second.close();
        assertThat(records(one)).hasSize(1500).allMatch(r -> "one.test".equals(r.getString(AccessRecord.HOST)));
        assertThat(records(two)).hasSize(500).allMatch(r -> "two.test".equals(r.getString(AccessRecord.HOST)));
    }

    @Test
    void reopenAfterAnExternalRotationWritesToANewFileOfTheSameName() throws IOException {
        Path file = dir.resolve("access.log");
        Path rotated = dir.resolve("access.log.1");
        try (AccessLog log = AccessLog.open(new AccessLogOptions().setFile(file.toString()))) {
            log.write(record("before.test"));
            await(() -> records(file).size() == 1, "the first record in " + file);
            Files.move(file, rotated);
            AccessLog.reopen();
            log.write(record("after.test"));
        }
        assertThat(records(rotated)).extracting(r -> r.getString(AccessRecord.HOST)).containsExactly("before.test");
        assertThat(records(file)).extracting(r -> r.getString(AccessRecord.HOST)).containsExactly("after.test");
    }

    @Test
    void aFileRollsAtItsMaximumSizeIntoArchivesThatKeepEveryRecord() throws IOException {
        Path file = dir.resolve("access.log");
        int written = 300;
        try (AccessLog log = AccessLog.open(new AccessLogOptions().setFile(file.toString()).setMaxFileSize("1KB"))) {
            // Queued at once, so the writer rolls many times in one batch: each roll's compression and clean-up
            // start while the previous ones may still run.
            for (int i = 0; i < written; i++) {
                log.write(record("roll.test").put(AccessRecord.PATH, "/" + i + "/" + "r".repeat(100)));
            }
        }
        // Closing waited for the queue, the last compression and the last clean-up.
        Pattern archiveName = Pattern.compile("access\\.log\\.\\d{4}-\\d\\d-\\d\\d\\.(\\d+)\\.gz");
        List<Path> archives = list(dir).stream().filter(p -> archiveName.matcher(p.getFileName().toString()).matches())
                .toList();
        assertThat(archives).as("archives beside %s", file).hasSizeGreaterThan(10);
        assertThat(archives).extracting(p -> p.getFileName().toString())
                .anyMatch(name -> name.matches("access\\.log\\.\\d{4}-\\d\\d-\\d\\d\\.0\\.gz"));
        List<String> paths = new ArrayList<>();
        for (Path archive : archives) {
            assertThat(Files.size(archive)).as("%s compressed", archive).isLessThan(1024);
            gunzippedRecords(archive).forEach(r -> paths.add(r.getString(AccessRecord.PATH)));
        }
        records(file).forEach(r -> paths.add(r.getString(AccessRecord.PATH)));
        // Every record once, none lost to a roll or to the removal of old archives.
        assertThat(paths).hasSize(written).doesNotHaveDuplicates();
    }

    @Test
    void aLogWithoutFileOrStdoutWritesNothing() throws IOException {
        try (AccessLog log = AccessLog.open(new AccessLogOptions())) {
            log.write(record("nowhere.test"));
        }
        assertThat(list(dir)).isEmpty();
    }

    private static JsonObject record(String host) {
        return new AccessRecord("127.0.0.1", "explicit", "explicit").put(AccessRecord.HOST, host).finish();
    }

    private static List<JsonObject> records(Path file) {
        try {
            return Files.exists(file)
                    ? Files.readAllLines(file).stream().filter(l -> !l.isBlank()).map(JsonObject::new).toList()
                    : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<JsonObject> gunzippedRecords(Path archive) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(archive)), StandardCharsets.UTF_8))) {
            return lines.lines().filter(l -> !l.isBlank()).map(JsonObject::new).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Bounded wait for the background writer: probes every 50 ms for at most 10 s. */
    private static void await(java.util.function.BooleanSupplier done, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what);
            }
            CompletableFuture.runAsync(() -> { },
                    CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS)).join();
        }
    }
}

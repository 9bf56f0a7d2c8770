package dev.portcullis.policy.load;

import dev.portcullis.policy.Fixtures;
import dev.portcullis.policy.parse.PolicyException;
import dev.portcullis.policy.parse.PolicyVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class PolicyWatcherTest {

    private static final String FIRST = "version: 1\ndefault: { action: deny }\nrules: []\n# a\n";
    private static final String SAME_SIZE = "version: 1\ndefault: { action: deny }\nrules: []\n# b\n";

    @TempDir
    Path dir;

    /** A clock well past every file time, so only real stamp changes count. */
    private final Clock later = Clock.fixed(Instant.now().plus(Duration.ofHours(1)), ZoneOffset.UTC);

    @Test
    void loadsTheFileWithAVersionFromItsBytes() throws PolicyException {
        Path file = Fixtures.copy("matching.yaml", dir.resolve("policy.yaml"));

        LoadedPolicy loaded = new PolicyWatcher(file, later).load();

        assertThat(loaded.version()).isEqualTo(PolicyVersion.of(Fixtures.bytes("matching.yaml")));
        assertThat(loaded.rules()).isEqualTo(8);
        assertThat(loaded.file()).isEqualTo(file.toString());
    }

    @Test
    void aMissingFileFailsTheLoad() {
        Path file = dir.resolve("absent.yaml");

        PolicyException error = catchThrowableOfType(PolicyException.class,
                () -> new PolicyWatcher(file, later).load());

        assertThat(error.getMessage()).isEqualTo(file + ": cannot read: file not found");
    }

    @Test
    void anUntouchedFileIsUnchanged() throws PolicyException {
        Path file = Fixtures.copy("matching.yaml", dir.resolve("policy.yaml"));
        PolicyWatcher watcher = new PolicyWatcher(file, later);
        watcher.load();

        assertThat(watcher.check()).isEqualTo(Change.UNCHANGED);
    }

    @Test
    void aRewriteWithTheSameBytesIsUnchanged() throws Exception {
        Path file = Fixtures.copy("matching.yaml", dir.resolve("policy.yaml"));
        PolicyWatcher watcher = new PolicyWatcher(file, later);
        watcher.load();
        touch(file, Instant.now().plusSeconds(60));

        assertThat(watcher.check()).isEqualTo(Change.UNCHANGED);
    }

    @Test
    void aNewValidFileIsReportedWithItsVersion() throws PolicyException {
        Path file = Fixtures.copy("reload-before.yaml", dir.resolve("policy.yaml"));
        PolicyWatcher watcher = new PolicyWatcher(file, later);
        watcher.load();
        Fixtures.copy("reload-after.yaml", file);

        Change change = watcher.check();

        assertThat(change).isInstanceOf(Change.Changed.class);
        assertThat(((Change.Changed) change).loaded().version())
                .isEqualTo(PolicyVersion.of(Fixtures.bytes("reload-after.yaml")));
        assertThat(watcher.check()).isEqualTo(Change.UNCHANGED);
    }

    @Test
    void aBrokenFileIsRefusedOnceWithItsLine() throws PolicyException {
        Path file = Fixtures.copy("reload-before.yaml", dir.resolve("policy.yaml"));
        PolicyWatcher watcher = new PolicyWatcher(file, later);
        watcher.load();
        Fixtures.copy("invalid/port-out-of-range.yaml", file);

        Change change = watcher.check();

        assertThat(change).isInstanceOf(Change.Refused.class);
        assertThat(((Change.Refused) change).error().getMessage())
                .isEqualTo(file + ":8: port must be 1-65535, was 70000");
        assertThat(watcher.check()).isEqualTo(Change.UNCHANGED);
    }

    @Test
    void aDeletedFileIsReportedOnceAndItsReturnIsReportedAsValid() throws Exception {
        Path file = Fixtures.copy("reload-before.yaml", dir.resolve("policy.yaml"));
        PolicyWatcher watcher = new PolicyWatcher(file, later);
        String version = watcher.load().version();
        Files.delete(file);

        Change gone = watcher.check();
        Change stillGone = watcher.check();
        Fixtures.copy("reload-before.yaml", file);
        Change back = watcher.check();

        assertThat(gone).isEqualTo(new Change.Unreadable(file + ": cannot read: file not found"));
        assertThat(stillGone).isEqualTo(Change.UNCHANGED);
        assertThat(back).isInstanceOf(Change.Changed.class);
        assertThat(((Change.Changed) back).loaded().version()).isEqualTo(version);
    }

    @Test
    void aSameSizeRewriteWithinTheRacyWindowIsNoticedThoughTheTimeIsUnchanged() throws Exception {
        Path file = write(dir.resolve("policy.yaml"), FIRST);
        FileTime time = Files.getLastModifiedTime(file);
        // The real clock: the file was written just now, inside the window.
        PolicyWatcher watcher = new PolicyWatcher(file, Clock.systemUTC());
        watcher.load();
        write(file, SAME_SIZE);
        Files.setLastModifiedTime(file, time);

        Change change = watcher.check();

        assertThat(change).isInstanceOf(Change.Changed.class);
        assertThat(((Change.Changed) change).loaded().version())
                .isEqualTo(PolicyVersion.of(SAME_SIZE.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void outsideTheRacyWindowSizeAndTimeAreTrusted() throws Exception {
        Path file = write(dir.resolve("policy.yaml"), FIRST);
        FileTime time = Files.getLastModifiedTime(file);
        PolicyWatcher watcher = new PolicyWatcher(file, later);
        watcher.load();
        write(file, SAME_SIZE);
        Files.setLastModifiedTime(file, time);

        assertThat(watcher.check()).isEqualTo(Change.UNCHANGED);
    }

    private static Path write(Path file, String content) throws IOException {
        return Files.writeString(file, content);
    }

    private static void touch(Path file, Instant time) throws IOException {
        Files.setLastModifiedTime(file, FileTime.from(time));
    }
}

package dev.portcullis.policy.load;

import dev.portcullis.policy.parse.PolicyException;
import dev.portcullis.policy.parse.PolicyVersion;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A policy mounted from a Kubernetes ConfigMap. The kubelet's atomic writer (kubernetes/pkg/volume/util/
 * atomic_writer.go) keeps each version in a timestamped directory {@code ..2026_12_02_05_30_00.000000001}, points
 * the symlink {@code ..data} at the current one, and exposes {@code policy.yaml -> ..data/policy.yaml}. An update
 * writes a new directory, renames a fresh symlink over {@code ..data} in one step, then removes the old directory:
 * the path the node watches never changes, only what it resolves to.
 */
class PolicyWatcherConfigMapTest {

    private static final String FIRST = "version: 1\ndefault: { action: deny }\nrules: []\n# a\n";
    private static final String SAME_SIZE = "version: 1\ndefault: { action: deny }\nrules: []\n# b\n";
    private static final String LONGER = "version: 1\ndefault: { action: deny }\nrules: []\n# a longer one\n";

    @TempDir
    Path mount;
    private Path policy;
    private int generation;
    /** Well past every file time: outside the racy window, so size and time alone would be trusted. */
    private final Clock later = Clock.fixed(Instant.now().plus(Duration.ofHours(1)), ZoneOffset.UTC);

    @BeforeEach
    void mountFirstVersion() throws IOException {
        Path first = writeVersion(FIRST);
        Files.createSymbolicLink(mount.resolve("..data"), first.getFileName());
        policy = Files.createSymbolicLink(mount.resolve("policy.yaml"), Path.of("..data", "policy.yaml"));
    }

    @Test
    void theMountedLayoutLoadsThroughBothSymlinks() throws PolicyException {
        LoadedPolicy loaded = new PolicyWatcher(policy, later).load();

        assertThat(loaded.version()).isEqualTo(version(FIRST));
    }

    @Test
    void anAtomicSwapToOtherContentIsNoticed() throws Exception {
        PolicyWatcher watcher = new PolicyWatcher(policy, later);
        watcher.load();

        swapTo(LONGER, null);

        assertThat(watcher.check()).isInstanceOfSatisfying(Change.Changed.class,
                changed -> assertThat(changed.loaded().version()).isEqualTo(version(LONGER)));
    }

    @Test
    void anAtomicSwapWithTheSameSizeAndModificationTimeIsNoticed() throws Exception {
        PolicyWatcher watcher = new PolicyWatcher(policy, later);
        watcher.load();
        FileTime time = Files.getLastModifiedTime(policy);

        swapTo(SAME_SIZE, time);

        assertThat(Files.size(policy)).isEqualTo(FIRST.length());
        assertThat(Files.getLastModifiedTime(policy)).isEqualTo(time);
        assertThat(watcher.check()).isInstanceOfSatisfying(Change.Changed.class,
                changed -> assertThat(changed.loaded().version()).isEqualTo(version(SAME_SIZE)));
    }

    @Test
    void aSwapToTheSameBytesIsUnchangedAndTheNextLookReadsNothingNew() throws Exception {
        PolicyWatcher watcher = new PolicyWatcher(policy, later);
        watcher.load();

        swapTo(FIRST, Files.getLastModifiedTime(policy));

        assertThat(watcher.check()).isEqualTo(Change.UNCHANGED);
        assertThat(watcher.check()).isEqualTo(Change.UNCHANGED);
    }

    @Test
    void twoSwapsInARowAreEachNoticed() throws Exception {
        PolicyWatcher watcher = new PolicyWatcher(policy, later);
        watcher.load();
        FileTime time = Files.getLastModifiedTime(policy);

        swapTo(SAME_SIZE, time);
        Change second = watcher.check();
        swapTo(FIRST, time);
        Change third = watcher.check();

        assertThat(second).isInstanceOf(Change.Changed.class);
        assertThat(third).isInstanceOfSatisfying(Change.Changed.class,
                changed -> assertThat(changed.loaded().version()).isEqualTo(version(FIRST)));
    }

    /** A new timestamped directory holding {@code content} as policy.yaml. */
    private Path writeVersion(String content) throws IOException {
        generation++;
        Path directory = Files.createDirectory(mount.resolve("..2026_12_02_05_30_00.00000000" + generation));
        Files.writeString(directory.resolve("policy.yaml"), content);
        return directory;
    }

    /**
     * What the kubelet does on a ConfigMap update: new directory, new symlink renamed over {@code ..data}, old
     * directory removed.
     *
     * @param modified the new file's modification time, or {@code null} to leave it as written
     */
    private void swapTo(String content, FileTime modified) throws IOException {
        Path old = mount.resolve("..data").resolveSibling(Files.readSymbolicLink(mount.resolve("..data")));
        Path next = writeVersion(content);
        if (modified != null) {
            Files.setLastModifiedTime(next.resolve("policy.yaml"), modified);
        }
        Path tmp = Files.createSymbolicLink(mount.resolve("..data_tmp"), next.getFileName());
        Files.move(tmp, mount.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Files.delete(old.resolve("policy.yaml"));
        Files.delete(old);
    }

    private static String version(String content) {
        return PolicyVersion.of(content.getBytes(StandardCharsets.UTF_8));
    }
}

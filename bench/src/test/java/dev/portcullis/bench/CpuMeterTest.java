package dev.portcullis.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuMeterTest {

    @TempDir
    Path proc;

    @Test
    void statFieldsAreCountedFromTheLastParenthesisOfTheName() {
        CpuMeter.Stat stat = CpuMeter.Stat.parse(
                "8687 (squid (kid) 1) S 8682 8682 8682 0 -1 4194560 1 0 0 0 120 30 4 6 20 0 1 0 100 1 1");

        assertThat(stat.ppid()).isEqualTo(8682);
        assertThat(stat.ticks()).isEqualTo(120 + 30 + 4 + 6);
    }

    @Test
    void aProcessTreeSumsItselfAndEveryDescendantButNotItsParentOrSiblings() throws IOException {
        stat(1, 0, 1000);
        stat(100, 1, 10);
        stat(101, 100, 20);
        stat(102, 101, 40);
        stat(200, 1, 80);
        Files.createDirectories(proc.resolve("self"));

        CpuMeter meter = new CpuMeter(proc, 100);

        assertThat(meter.treeTicks(100)).isEqualTo(70);
        assertThat(meter.micros(70)).isEqualTo(700_000);
    }

    @Test
    void aMissingProcessIsAnError() throws IOException {
        stat(1, 0, 1);

        assertThatThrownBy(() -> new CpuMeter(proc, 100).treeTicks(4242))
                .isInstanceOf(IOException.class).hasMessageContaining("4242");
    }

    @Test
    void theRealProcFileSystemMeasuresThisProcess() throws IOException {
        CpuMeter meter = CpuMeter.system();

        assertThat(meter.ticksPerSecond()).isPositive();
        assertThat(meter.treeTicks(ProcessHandle.current().pid())).isNotNegative();
    }

    private void stat(long pid, long ppid, long utime) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
        Files.writeString(dir.resolve("stat"), pid + " (p" + pid + ") S " + ppid
                + " 0 0 0 -1 0 0 0 0 0 " + utime + " 0 0 0 20 0 1 0 100 1 1\n");
    }
}

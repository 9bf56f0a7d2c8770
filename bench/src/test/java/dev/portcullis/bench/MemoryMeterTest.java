package dev.portcullis.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class MemoryMeterTest {

    /** {@code jstat -gc} of a G1 JVM (JDK 17) right after {@code jcmd GC.run}. */
    private static final String JSTAT_G1 = "    S0C         S1C         S0U         S1U          EC           EU"
            + "           OC           OU          MC         MU       CCSC      CCSU     YGC     YGCT     FGC"
            + "    FGCT     CGC    CGCT       GCT   \n"
            + "        0.0         0.0         0.0         0.0      16384.0          0.0     212992.0      45210.5"
            + "    58752.0    57651.6    7168.0    6573.5      5     0.034     2     0.310     2     0.004     0.348\n";

    /** The same of a Serial JVM, whose survivor spaces are in use and columns have other widths. */
    private static final String JSTAT_SERIAL = " S0C    S1C    S0U    S1U      EC       EU        OC         OU"
            + "       MC     MU    CCSC   CCSU   YGC     YGCT    FGC    FGCT    CGC    CGCT     GCT   \n"
            + "1088.0 1088.0  0.0   12.5   8768.0   100.0    21888.0    30000.0   40000.0 39000.0 5000.0 4800.0"
            + "      4    0.020   1      0.050   -        -    0.070\n";

    @TempDir
    Path proc;

    @Test
    void theHeapInUseIsBothSurvivorsEdenAndOldInAnyCollectorsLayout() throws IOException {
        assertThat(MemoryMeter.jstatHeapUsedBytes(JSTAT_G1)).isEqualTo(Math.round(45210.5 * 1024));
        assertThat(MemoryMeter.jstatHeapUsedBytes(JSTAT_SERIAL)).isEqualTo(Math.round((12.5 + 100 + 30000) * 1024));
    }

    @Test
    void jstatOutputWithoutTheUsedColumnsIsAnError() {
        assertThatThrownBy(() -> MemoryMeter.jstatHeapUsedBytes("Could not attach to 4242\n"))
                .isInstanceOf(IOException.class).hasMessageContaining("no values");
        assertThatThrownBy(() -> MemoryMeter.jstatHeapUsedBytes("S0C S1C\n1.0 2.0\n"))
                .isInstanceOf(IOException.class).hasMessageContaining("no S0U column");
    }

    @Test
    void theResidentSetIsTheProcessTreesSumOfVmRss() throws IOException {
        process(1, 0, "VmRSS:\t  999 kB");
        process(100, 1, "VmRSS:\t  1000 kB");
        process(101, 100, "VmRSS:\t    24 kB");
        process(102, 101, "State:\tZ (zombie)");

        MemoryMeter meter = new MemoryMeter(proc, proc);

        assertThat(meter.rssBytes(100)).isEqualTo(1024 * 1024);
        assertThat(meter.isJava(100)).as("no exe link: not a JVM, so its heap is not read").isFalse();
        assertThat(meter.read(100)).isEqualTo(new MemoryMeter.Reading(1024 * 1024, null, ""));
    }

    @Test
    void aJvmIsReadWithItsHeapAfterAFullGc() throws IOException {
        long self = ProcessHandle.current().pid();

        MemoryMeter.Reading r = MemoryMeter.system().read(self);

        assertThat(r.note()).isEmpty();
        assertThat(r.heapBytes()).isPositive();
        assertThat(r.rssBytes()).isPositive();
    }

    private void process(long pid, long ppid, String statusLine) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
        Files.writeString(dir.resolve("stat"), pid + " (p" + pid + ") S " + ppid
                + " 0 0 0 -1 0 0 0 0 0 1 0 0 0 20 0 1 0 100 1 1\n");
        Files.writeString(dir.resolve("status"), "Name:\tp" + pid + "\n" + statusLine + "\nThreads:\t1\n");
    }
}

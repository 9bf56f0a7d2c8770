package dev.portcullis.bench;

import java.io.IOException;

/**
 * The CPU a target's process tree uses between {@link #start} and {@link #stop}. A window without a process, or
 * whose process cannot be read, yields {@code null} and says why in {@link #note}. Not thread-safe.
 */
final class CpuWindow {

    private final CpuMeter meter;
    private final long pid;
    private long startTicks;
    private String note = "";

    private CpuWindow(CpuMeter meter, long pid) {
        this.meter = meter;
        this.pid = pid;
    }

    /** A window over process {@code pid} and its descendants, or one that measures nothing when pid is null. */
    static CpuWindow of(CpuMeter meter, Long pid) {
        return new CpuWindow(pid == null ? null : meter, pid == null ? 0 : pid);
    }

    /** Reads the CPU time at the start of the window. */
    void start() {
        if (meter == null) {
            return;
        }
        try {
            startTicks = meter.treeTicks(pid);
        } catch (IOException e) {
            startTicks = -1;
            note = "CPU not measured: " + e.getMessage();
        }
    }

    /**
     * Reads the CPU time at the end of the window.
     *
     * @return the CPU time used within the window in µs, or {@code null} when there is no process or it could not
     * be read at either end
     */
    Double stop() {
        if (meter == null || startTicks < 0) {
            return null;
        }
        try {
            return meter.micros(meter.treeTicks(pid) - startTicks);
        } catch (IOException e) {
            note = "CPU not measured: " + e.getMessage();
            return null;
        }
    }

    /** Why the window measured nothing, or an empty string. */
    String note() {
        return note;
    }
}

package dev.portcullis.bench;

import java.util.Map;

/**
 * The outcome of one measurement: one scenario, one target, one concurrency.
 *
 * @param scenario     what was measured
 * @param target       the target's name
 * @param concurrency  parallel clients (1 for bulk)
 * @param seconds      the measured time: the window for rate scenarios, the summed transfer times for bulk
 * @param iterations   iterations completed within the measured time without error
 * @param bytes        response body bytes received by those iterations
 * @param latency      per-iteration latency of those iterations (a bulk iteration is one large response)
 * @param cpuMicros    CPU time of the target's process tree over the measured time, or {@code null} without
 *                     {@code --pid} or when it could not be read
 * @param errors       failed iterations by kind, during the measured time
 * @param warmupErrors failed iterations by kind, during the warm-up
 * @param notes        anything else the reader must know about this cell (a pid that vanished, stuck workers,
 *                     latency samples not kept); empty when there is nothing
 */
record CellResult(Scenario scenario, String target, int concurrency, double seconds, long iterations, long bytes,
                  Samples.Percentiles latency, Double cpuMicros, Map<String, Long> errors,
                  Map<String, Long> warmupErrors, String notes) {

    /** Completed iterations per second. */
    double rate() {
        return seconds > 0 ? iterations / seconds : 0;
    }

    /** Body throughput in MB/s (10^6 bytes). */
    double megabytesPerSecond() {
        return seconds > 0 ? bytes / 1e6 / seconds : 0;
    }

    /** Proxy CPU per completed iteration in µs, or {@code null} when unknown or nothing completed. */
    Double cpuMicrosPerIteration() {
        return cpuMicros == null || iterations == 0 ? null : cpuMicros / iterations;
    }

    /** Proxy CPU per MiB of body in µs, or {@code null} when unknown or nothing was received. */
    Double cpuMicrosPerMebibyte() {
        return cpuMicros == null || bytes == 0 ? null : cpuMicros / (bytes / 1048576.0);
    }

    /** Failed iterations during the measured time. */
    long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }
}

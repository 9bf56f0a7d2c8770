package dev.portcullis.bench;

import java.util.Map;

/**
 * The outcome of the idle-tunnels scenario for one target.
 *
 * @param target      the target's name
 * @param requested   how many tunnels were to be opened
 * @param opened      how many were open, and had carried their exchange, when the memory was read the second time
 * @param openSeconds how long opening them took
 * @param before      the target's memory before any was opened, or {@code null} without {@code --pid} or when it
 *                    could not be read
 * @param with        its memory with the tunnels open, or {@code null} likewise
 * @param errors      tunnels that failed, by kind
 * @param notes       anything else the reader must know (memory not read, opening stopped early); empty when nothing
 */
record IdleResult(String target, int requested, int opened, double openSeconds, MemoryMeter.Reading before,
                  MemoryMeter.Reading with, Map<String, Long> errors, String notes) {

    /** Heap in use per open tunnel in bytes, or {@code null} when the heap was not read both times or none opened. */
    Double heapPerTunnel() {
        if (before == null || with == null || before.heapBytes() == null || with.heapBytes() == null || opened == 0) {
            return null;
        }
        return (double) (with.heapBytes() - before.heapBytes()) / opened;
    }

    /** RSS per open tunnel in bytes, or {@code null} when the RSS was not read both times or none opened. */
    Double rssPerTunnel() {
        if (before == null || with == null || opened == 0) {
            return null;
        }
        return (double) (with.rssBytes() - before.rssBytes()) / opened;
    }

    /** Failed tunnels. */
    long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }
}

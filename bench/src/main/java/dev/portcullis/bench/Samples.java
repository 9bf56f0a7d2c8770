package dev.portcullis.bench;

import java.util.Arrays;

/**
 * Latency samples in nanoseconds from one thread, up to a cap; samples beyond it are counted in {@link #dropped} so
 * that nothing is left out silently. Not thread-safe: one per thread, merged afterwards.
 */
final class Samples {

    /** The most samples all threads of one measurement keep together: 8 million (64 MB). */
    static final int TOTAL_MAX = 8_000_000;

    private final int max;
    private long[] values = new long[1024];
    private int size;
    private long dropped;

    /** Samples for one of {@code threads} threads, which share {@link #TOTAL_MAX} (at least 10,000 each). */
    Samples(int threads) {
        this.max = Math.max(10_000, TOTAL_MAX / Math.max(1, threads));
    }

    /** The most samples this one keeps. */
    int max() {
        return max;
    }

    /** Records one sample; beyond {@link #max()} only counts it in {@link #dropped()}. */
    void add(long nanos) {
        if (size == values.length) {
            if (size >= max) {
                dropped++;
                return;
            }
            values = Arrays.copyOf(values, Math.min(max, size * 2));
        }
        values[size++] = nanos;
    }

    /** Samples not kept because the cap was reached. */
    long dropped() {
        return dropped;
    }

    /**
     * The percentiles of all samples of several threads (nearest rank).
     *
     * @return p50 and p99 in nanoseconds, or {@link Percentiles#NONE} when there are no samples
     */
    static Percentiles percentiles(Iterable<Samples> all) {
        int total = 0;
        for (Samples s : all) {
            total += s.size;
        }
        if (total == 0) {
            return Percentiles.NONE;
        }
        long[] merged = new long[total];
        int at = 0;
        for (Samples s : all) {
            System.arraycopy(s.values, 0, merged, at, s.size);
            at += s.size;
        }
        Arrays.sort(merged);
        return new Percentiles(rank(merged, 0.50), rank(merged, 0.99), total);
    }

    private static long rank(long[] sorted, double p) {
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /**
     * Latency percentiles.
     *
     * @param p50Nanos the median
     * @param p99Nanos the 99th percentile
     * @param count    how many samples they were taken from; 0 when there were none
     */
    record Percentiles(long p50Nanos, long p99Nanos, int count) {

        /** No samples. */
        static final Percentiles NONE = new Percentiles(0, 0, 0);
    }
}

package dev.portcullis.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Failed iterations counted by kind. Thread-safe. */
final class ErrorCounts {

    /** Longest kind kept; longer messages are cut so that per-connection detail does not split the counts. */
    static final int MAX_KIND = 100;

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    /** Counts one failure of the given kind. */
    void add(String kind) {
        counts.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    /** Counts one failure, classified by {@link #kindOf}. */
    void add(Throwable failure) {
        add(kindOf(failure));
    }

    /** The counts so far, by kind in alphabetical order. */
    Map<String, Long> snapshot() {
        Map<String, Long> copy = new TreeMap<>();
        counts.forEach((kind, n) -> copy.put(kind, n.sum()));
        return copy;
    }

    /**
     * The kind of a failure: an {@link ExchangeException}'s message as is, otherwise the exception's simple class
     * name and message, cut to {@link #MAX_KIND} characters.
     */
    static String kindOf(Throwable failure) {
        if (failure instanceof ExchangeException) {
            return failure.getMessage();
        }
        String message = failure.getMessage();
        String kind = failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
        return kind.length() <= MAX_KIND ? kind : kind.substring(0, MAX_KIND - 3) + "...";
    }
}

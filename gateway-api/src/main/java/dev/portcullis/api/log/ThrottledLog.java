package dev.portcullis.api.log;

import org.slf4j.Logger;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A warning that can repeat thousands of times a second under a flood (a client over its limit, a role not
 * answering) is logged at most once per interval and key, with the count of those left out since: the log
 * stays readable and cheap exactly when the node is under attack. The access record of every refused
 * connection is still written. Thread-safe.
 */
public final class ThrottledLog {

    /** Past this many keys the map is emptied: a flood from many addresses cannot grow it without bound. */
    private static final int MAX_KEYS = 10_000;

    private final Logger log;
    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final Map<String, Window> windows = new HashMap<>();

    public ThrottledLog(Logger log, Duration interval) {
        this(log, interval, System::nanoTime);
    }

    /** @param nanoClock a monotonic clock in nanoseconds ({@link System#nanoTime} but in tests) */
    public ThrottledLog(Logger log, Duration interval, LongSupplier nanoClock) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
        this.nanoClock = nanoClock;
    }

    /** Logs {@code message} at WARN unless a line for {@code key} was logged less than an interval ago. */
    public void warn(String key, String message) {
        long now = nanoClock.getAsLong();
        int leftOut;
        synchronized (windows) {
            Window window = windows.get(key);
            if (window != null && now - window.loggedAt < intervalNanos) {
                window.leftOut++;
                return;
            }
            if (window == null) {
                if (windows.size() >= MAX_KEYS) {
                    windows.clear();
                }
                window = new Window();
                windows.put(key, window);
            }
            leftOut = window.leftOut;
            window.loggedAt = now;
            window.leftOut = 0;
        }
        if (leftOut > 0) {
            log.warn("{} ({} more like it since the last line)", message, leftOut);
        } else {
            log.warn(message);
        }
    }

    private static final class Window {
        private long loggedAt;
        private int leftOut;
    }
}

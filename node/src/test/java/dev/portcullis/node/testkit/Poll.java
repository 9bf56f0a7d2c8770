package dev.portcullis.node.testkit;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Bounded polling for conditions that become true asynchronously (a member leaving, a killed process being
 * noticed): probe, and if not yet done, probe again after a short interval, until a deadline.
 *
 * <pre>{@code
 * Curl.Result denied = Poll.until(Duration.ofSeconds(2), () -> curl.get(url), r -> r.connectStatus() == 503,
 *         "CONNECT refused with 503 after the policy node died");
 * }</pre>
 */
public final class Poll {

    /** {@value} ms between probes. */
    public static final long INTERVAL_MS = 100;

    private Poll() {
    }

    /**
     * Probes until {@code done} accepts a value or {@code timeout} has passed (the probe's own time counts).
     *
     * @param what the awaited condition, for the failure message
     * @return the first accepted value
     * @throws AssertionError naming {@code what} and the last value when the deadline passes
     */
    public static <T> T until(Duration timeout, Supplier<T> probe, Predicate<T> done, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T value = probe.get();
            if (done.test(value)) {
                return value;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout + ": " + what + "; last probe gave " + value);
            }
            // A scheduled wake-up rather than a sleep: the interval is the only wait, the deadline bounds it all.
            CompletableFuture.runAsync(() -> { },
                    CompletableFuture.delayedExecutor(INTERVAL_MS, TimeUnit.MILLISECONDS)).join();
        }
    }
}

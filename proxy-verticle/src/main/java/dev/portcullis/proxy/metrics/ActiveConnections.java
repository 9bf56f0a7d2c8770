package dev.portcullis.proxy.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code portcullis_tunnels_active{listener}}: client connections open now that hold a slot in the node's limits
 * ({@code ConnectionLimits}), by listener. Counted for the JVM, as Micrometer's global registry that shows it is
 * the JVM's; in production a JVM is one node.
 */
public final class ActiveConnections {

    private static final Map<String, AtomicInteger> OPEN = new ConcurrentHashMap<>();

    private ActiveConnections() {
    }

    /** A connection on {@code listener} took its slot. */
    public static void opened(String listener) {
        counter(listener).incrementAndGet();
    }

    /** A connection that {@link #opened} has closed. */
    public static void closed(String listener) {
        counter(listener).decrementAndGet();
    }

    private static AtomicInteger counter(String listener) {
        return OPEN.computeIfAbsent(listener, name -> {
            AtomicInteger open = new AtomicInteger();
            Gauge.builder("portcullis.tunnels.active", open, AtomicInteger::get)
                    .description("Client connections open now, by listener")
                    .tag("listener", name)
                    .strongReference(true)
                    .register(Metrics.globalRegistry);
            return open;
        });
    }
}

package dev.portcullis.proxy.resolve;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.portcullis.api.config.Durations;
import dev.portcullis.api.log.ThrottledLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/**
 * Tells that an answer past its TTL was used: a WARN line per name at most every {@link #QUIET}, so an outage
 * does not flood the log, and {@code portcullis_dns_stale_answers_total} counting every one.
 */
final class StaleServes {

    /** A name gets one line per this long, however many connections use its stale answer meanwhile. */
    static final Duration QUIET = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(DestinationResolver.class);

    private final Duration window;
    private final ThrottledLog log;
    private final Counter served = Counter.builder("portcullis.dns.stale.answers")
            .description("Connections that used a resolution past its TTL because no dns role answered")
            .register(Metrics.globalRegistry);

    /** @param window {@code proxy.dns-serve-stale}, for the log line */
    StaleServes(Duration window, Ticker ticker) {
        this.window = window;
        this.log = new ThrottledLog(LOG, QUIET, ticker::read);
    }

    void served(String name, List<String> addresses, Duration pastTtl, Throwable why) {
        served.increment();
        log.warn(name, "dns serve-stale: " + name + " -> " + addresses + ", " + Durations.format(pastTtl)
                + " past its TTL (proxy.dns-serve-stale " + Durations.format(window) + "), because "
                + why.getMessage() + "; at most one such line per name per " + Durations.format(QUIET));
    }
}

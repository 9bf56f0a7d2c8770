package dev.portcullis.node.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.spi.FilterReply;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.spi.exception.RetryableHazelcastException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class ShutdownNoiseFilterTest {

    private static final String EVENTS = "com.hazelcast.spi.impl.eventservice.impl.EventServiceImpl";

    static Stream<Arguments> events() {
        return Stream.of(
                arguments("an undeliverable event of a member that shuts down is dropped", EVENTS,
                        new RetryableHazelcastException("HazelcastInstance[[127.0.0.1]:5701] is not active!"),
                        FilterReply.DENY),
                arguments("the not-active exception of the instance itself is dropped", EVENTS,
                        new HazelcastInstanceNotActiveException(), FilterReply.DENY),
                arguments("another event-service failure passes", EVENTS,
                        new IllegalStateException("listener failed"), FilterReply.NEUTRAL),
                arguments("the same exception from another logger passes", "com.hazelcast.map.impl.MapService",
                        new RetryableHazelcastException("HazelcastInstance[[127.0.0.1]:5701] is not active!"),
                        FilterReply.NEUTRAL),
                arguments("an event-service error without an exception passes", EVENTS, null, FilterReply.NEUTRAL));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("events")
    void dropsOnlyShutdownNoise(String sentence, String logger, Throwable thrown, FilterReply expected) {
        LoggerContext context = new LoggerContext();
        LoggingEvent event = new LoggingEvent(getClass().getName(), context.getLogger(logger), Level.ERROR,
                "caught an exception while processing", thrown, null);

        assertThat(new ShutdownNoiseFilter().decide(event)).isEqualTo(expected);
    }
}

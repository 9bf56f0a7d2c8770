package dev.portcullis.node.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

import java.util.Set;

/**
 * Drops the errors Hazelcast logs when a member shuts down while cluster events are still queued for local
 * listeners: when a node stops, undeploying its roles removes their event-bus registrations, which queues
 * entry events for the node's own listeners, and the member then leaves before they are dispatched. Each is
 * logged as {@code ERROR EventServiceImpl ... is not active!} with a stack trace although nothing is lost (the
 * listeners belong to the node that is going away). Everything else passes.
 */
public final class ShutdownNoiseFilter extends Filter<ILoggingEvent> {

    private static final String LOGGER = "com.hazelcast.spi.impl.eventservice.impl.EventServiceImpl";
    private static final Set<String> NOT_ACTIVE = Set.of(
            "com.hazelcast.spi.exception.RetryableHazelcastException",
            "com.hazelcast.core.HazelcastInstanceNotActiveException");

    @Override
    public FilterReply decide(ILoggingEvent event) {
        IThrowableProxy thrown = event.getThrowableProxy();
        if (LOGGER.equals(event.getLoggerName()) && thrown != null && NOT_ACTIVE.contains(thrown.getClassName())
                && String.valueOf(thrown.getMessage()).endsWith("is not active!")) {
            return FilterReply.DENY;
        }
        return FilterReply.NEUTRAL;
    }
}

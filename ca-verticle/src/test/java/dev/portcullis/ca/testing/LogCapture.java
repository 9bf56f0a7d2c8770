package dev.portcullis.ca.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/** Collects every event reaching the root logger while open: messages and any stack trace, as text. */
public final class LogCapture implements AutoCloseable {

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    public LogCapture() {
        appender.start();
        root.addAppender(appender);
    }

    /** Each event's formatted message, followed by its stack trace text when it has one. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        synchronized (appender.list) {
            for (ILoggingEvent event : appender.list) {
                String line = event.getLevel() + " " + event.getLoggerName() + " " + event.getFormattedMessage();
                if (event.getThrowableProxy() != null) {
                    line += "\n" + ThrowableProxyUtil.asString(event.getThrowableProxy());
                }
                lines.add(line);
            }
        }
        return lines;
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
    }
}

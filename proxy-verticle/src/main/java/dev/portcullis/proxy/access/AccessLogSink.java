package dev.portcullis.proxy.access;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.util.FileSize;
import dev.portcullis.proxy.AccessLogOptions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One destination of access records (a file, or standard output) written through logback: a
 * {@link BatchingWriter} thread → a {@link RollingFileAppender} (or {@link ConsoleAppender}) of its own
 * {@link LoggerContext}, with the {@link JsonLineEncoder}. A context per destination, not the application's: nodes in one JVM (tests run
 * several) each get their own file and logger, a reconfiguration of the application's logging (logback.xml) cannot
 * stop or redirect it, and rolling of one file never waits on another's.
 */
final class AccessLogSink {

    /** Records waiting for the writer thread; past it lines are dropped and counted, the event loops never wait. */
    static final int QUEUE_SIZE = 8192;

    /** How long closing waits for the lines still queued. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(1);

    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(AccessLogSink.class);
    private static final Counter DROPPED = Counter.builder("portcullis.access.log.dropped")
            .description("Access records not written because the writer's queue was full")
            .register(Metrics.globalRegistry);

    private final String name;
    private final LoggerContext context;
    private final OutputStreamAppender<ILoggingEvent> appender;
    private final BatchingWriter writer;
    private final ReopenableFileAppender file;
    int users;

    private AccessLogSink(String name, LoggerContext context, OutputStreamAppender<ILoggingEvent> appender,
                          ReopenableFileAppender file) {
        this.name = name;
        this.context = context;
        this.appender = appender;
        this.file = file;
        Logger logger = context.getLogger(AccessLog.LOGGER_NAME);
        logger.setLevel(Level.INFO);
        logger.setAdditive(false);
        this.writer = new BatchingWriter("portcullis-access-log " + name, QUEUE_SIZE, logger, appender);
    }

    /** A sink writing to {@code options.getFile()}, rolling as the options say. */
    static AccessLogSink file(String path, AccessLogOptions options) {
        LoggerContext context = context(path);
        ReopenableFileAppender appender = new ReopenableFileAppender();
        appender.setContext(context);
        appender.setName("file");
        appender.setFile(path);
        appender.setAppend(true);
        appender.setEncoder(encoder(context));
        SizeAndTimeBasedRollingPolicy<ILoggingEvent> rolling = new SizeAndTimeBasedRollingPolicy<>();
        rolling.setContext(context);
        rolling.setParent(appender);
        // access.log → access.log.2026-12-02.0.gz, .1.gz, ...: one day per date, %i counting within it.
        rolling.setFileNamePattern(path + ".%d{yyyy-MM-dd}.%i.gz");
        rolling.setMaxFileSize(FileSize.valueOf(options.getMaxFileSize()));
        rolling.setMaxHistory(options.getMaxHistory());
        rolling.setTotalSizeCap(FileSize.valueOf(options.getTotalSizeCap()));
        rolling.start();
        appender.setRollingPolicy(rolling);
        appender.start();
        return new AccessLogSink(path, context, appender, appender);
    }

    /** A sink writing to standard output, one line per record as in a file. */
    static AccessLogSink stdout() {
        LoggerContext context = context("stdout");
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName("stdout");
        appender.setEncoder(encoder(context));
        appender.start();
        return new AccessLogSink("stdout", context, appender, null);
    }

    /** Queues {@code line}; when the writer is {@value #QUEUE_SIZE} lines behind, drops and counts it. */
    void write(String line) {
        if (!writer.offer(line)) {
            DROPPED.increment();
        }
    }

    /**
     * Closes the file and opens it again by its name (after logrotate moved it away, {@code create} mode); lines
     * queued meanwhile wait and go to the new file. Nothing for standard output.
     */
    void reopen() {
        if (file != null) {
            file.reopen();
            LOG.info("access log {} reopened", name);
        }
    }

    /** Writes what is queued (waiting up to {@link #CLOSE_TIMEOUT} for it), then closes the file. */
    void close() {
        try {
            writer.close(CLOSE_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Then the appender (a compression under way is waited for), then the context's threads.
        appender.stop();
        context.stop();
    }

    private static LoggerContext context(String name) {
        LoggerContext context = new ArchivingInOrderContext(name);
        context.setName("portcullis-access " + name);
        if (context.getMDCAdapter() == null) {
            // LoggingEvent reads the MDC through its context's adapter; the application's is not ours to share.
            context.setMDCAdapter(new LogbackMDCAdapter());
        }
        // logback reports its own failures (a file it cannot open) as statuses; this context has no console
        // listener, so they would be silent: say them in the node's log.
        context.getStatusManager().add((Status status) -> {
            // An interrupted wait for a compression at close: the compression goes on regardless.
            if (status.getEffectiveLevel() >= Status.WARN && !(status.getThrowable() instanceof InterruptedException)) {
                LOG.warn("access log {}: {}", name, status.getMessage(), status.getThrowable());
            }
        });
        context.start();
        return context;
    }

    private static JsonLineEncoder encoder(LoggerContext context) {
        JsonLineEncoder encoder = new JsonLineEncoder();
        encoder.setContext(context);
        encoder.start();
        return encoder;
    }

    /**
     * A logger context whose rolled files are compressed and old archives removed on one thread, in the order the
     * rolls happened. logback's own context runs them on pools of four, and its archive removers share the rolling
     * policy's calendar, a {@code GregorianCalendar} that is not safe to use from two threads: two clean-ups at once
     * (the first after start walks 32 days back, and every roll starts one) can each compute a day inside the kept
     * history, and delete that day's archives (seen: the first three archives of a fresh node's access log, gone
     * as "historically stale" within a second of being written). The writer's own use of that calendar is left,
     * once a day at the first record after midnight: it meets only a clean-up started in the milliseconds before.
     */
    private static final class ArchivingInOrderContext extends LoggerContext {
        private final ExecutorService archiving;

        ArchivingInOrderContext(String name) {
            archiving = Executors.newSingleThreadExecutor(task -> {
                Thread thread = new Thread(task, "portcullis-access-log-archive " + name);
                thread.setDaemon(true);
                return thread;
            });
        }

        /** Compression of rolled files. */
        @Override
        public ExecutorService getExecutorService() {
            return archiving;
        }

        /** Removal of archives past {@code max-history} and {@code total-size-cap}. */
        @Override
        public ExecutorService getAlternateExecutorService() {
            return archiving;
        }

        /** After the appender's stop, which waited for the last compression and clean-up. */
        @Override
        public void stop() {
            super.stop();
            archiving.shutdown();
        }
    }

    /**
     * A {@link RollingFileAppender} that can close and reopen its file without losing a line: writing and
     * reopening take one lock, so the writer thread never meets the appender stopped between the two.
     */
    private static final class ReopenableFileAppender extends RollingFileAppender<ILoggingEvent> {
        private final ReentrantLock reopening = new ReentrantLock();

        @Override
        public void doAppend(ILoggingEvent event) {
            reopening.lock();
            try {
                super.doAppend(event);
            } finally {
                reopening.unlock();
            }
        }

        void reopen() {
            reopening.lock();
            try {
                stop();
                // stop() stops the rolling policy too, and start() does not start it again.
                getRollingPolicy().start();
                start();
            } finally {
                reopening.unlock();
            }
        }
    }
}

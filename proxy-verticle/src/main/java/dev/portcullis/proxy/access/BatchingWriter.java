package dev.portcullis.proxy.access;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * The thread that writes one destination's access lines: every {@link #INTERVAL} it takes what the event loops
 * queued and hands it to the logback appender as one batch, flushed once.
 *
 * <p>Not logback's {@code AsyncAppender}: its worker waits on the queue, so each record wakes it (a futex call on
 * the event loop, a context switch for the worker), and the appender behind it flushes each line with a system call
 * of its own. On the bench's new-tunnel-per-request load its worker thread alone used about 6% of the node's CPU. Here
 * the writer wakes {@code 1 s / INTERVAL} times a second whatever the rate, and a line reaches the file at most
 * one interval after its connection ended. Offering never blocks: past the capacity given, in waiting lines, the
 * offer fails and the caller counts the drop.
 */
final class BatchingWriter {

    /** How long a line may wait for its batch; also how often an idle writer looks at its queue. */
    static final Duration INTERVAL = Duration.ofMillis(20);

    private static final String FQCN = BatchingWriter.class.getName();

    private final BlockingQueue<String> queue;
    private final Logger logger;
    private final OutputStreamAppender<ILoggingEvent> target;
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * Starts the writer thread.
     *
     * @param logger the logger the lines are attributed to (its name is the events' logger name)
     * @param target the appender that writes them (a started file or console appender); only this thread uses it,
     *               apart from {@link AccessLogSink}'s reopening, which takes the appender's own lock
     */
    BatchingWriter(String threadName, int capacity, Logger logger, OutputStreamAppender<ILoggingEvent> target) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.logger = logger;
        this.target = target;
        this.thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues a line; {@code false} when the queue is full. Never blocks. */
    boolean offer(String line) {
        return queue.offer(line);
    }

    /** Writes what is queued, then stops the thread. Blocking: waits up to {@code timeout} for the last batch. */
    void close(Duration timeout) throws InterruptedException {
        running = false;
        LockSupport.unpark(thread);
        thread.join(timeout.toMillis());
    }

    private void run() {
        List<String> batch = new ArrayList<>();
        while (running) {
            LockSupport.parkNanos(INTERVAL.toNanos());
            writeQueued(batch);
        }
        writeQueued(batch);
    }

    private void writeQueued(List<String> batch) {
        while (queue.drainTo(batch) > 0) {
            int last = batch.size() - 1;
            for (int i = 0; i <= last; i++) {
                // The appender's buffer takes the lines; the batch's last one flushes them in one write.
                target.setImmediateFlush(i == last);
                target.doAppend(new LoggingEvent(FQCN, logger, Level.INFO, batch.get(i), null, null));
            }
            batch.clear();
        }
    }
}

package dev.portcullis.bench;

import java.io.IOException;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A client loop on its own daemon thread, whose current socket another thread can close to end an iteration stuck
 * past every timeout. Subclasses create each socket with {@link #newSocket} and check {@link #stopping} after a
 * failure: a failure caused by {@link #awaitAll} closing the socket is not an error of the target.
 */
abstract class ClientThread implements Runnable {

    private volatile Socket current;
    private volatile boolean stopping;
    private Thread thread;

    /** Starts the loop on a new daemon thread with the given name. */
    final void start(String name) {
        thread = new Thread(this, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** A new unconnected socket, registered as this thread's current one. */
    final Socket newSocket() {
        Socket socket = new Socket();
        current = socket;
        return socket;
    }

    /** Whether {@link #awaitAll} gave up waiting and closed this thread's socket. */
    final boolean stopping() {
        return stopping;
    }

    /**
     * Waits for every thread until {@code deadlineNanos} (a {@link System#nanoTime} value); then closes the sockets
     * of those still running and waits up to one more second.
     *
     * @return how many threads were still running at the deadline
     */
    static int awaitAll(List<? extends ClientThread> threads, long deadlineNanos) throws InterruptedException {
        int stuck = 0;
        for (ClientThread t : threads) {
            long left = deadlineNanos - System.nanoTime();
            if (left > 0) {
                t.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
            if (t.thread.isAlive()) {
                stuck++;
                t.stopping = true;
                closeQuietly(t.current);
            }
        }
        if (stuck > 0) {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            for (ClientThread t : threads) {
                t.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
            }
        }
        return stuck;
    }

    /**
     * Closes a socket after its iteration ended. A failure to close is no error of the iteration: the outcome was
     * already decided when this is called.
     */
    static void closeQuietly(Socket socket) {
        if (socket == null) {
            return;
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // see the method's javadoc
        }
    }

    /** Sleeps briefly after a failure so that a refusing target does not turn the loop into a busy spin. */
    static boolean backOff() {
        try {
            Thread.sleep(1);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}

package dev.portcullis.proxy.admit;

import dev.portcullis.proxy.connection.ClientConnection;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * The head deadline ({@code proxy.request-timeout}) for every request after a keep-alive connection's first: its
 * head must be complete within the deadline of the previous answer's end, or the connection is closed without an
 * answer (RFC 9112 §9.8: a server may close an idle connection; a client retries on a new one). So a keep-alive
 * client holds its limits slot only while it uses it, and a head trickled in slowly is cut off as the first one is.
 */
final class NextRequestDeadline implements Consumer<Boolean> {

    private final ClientConnection connection;
    private final Duration deadline;
    private long timer = -1;

    NextRequestDeadline(ClientConnection connection, Duration deadline) {
        this.connection = connection;
        this.deadline = deadline;
    }

    /** @param awaiting whether the exchange now waits for the next request */
    @Override
    public void accept(Boolean awaiting) {
        if (timer >= 0) {
            connection.cancel(timer);
            timer = -1;
        }
        if (awaiting) {
            timer = connection.timer(deadline, () -> {
                timer = -1;
                connection.channel().close();
            });
        }
    }
}

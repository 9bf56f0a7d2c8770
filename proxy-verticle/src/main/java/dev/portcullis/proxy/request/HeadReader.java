package dev.portcullis.proxy.request;

import dev.portcullis.proxy.connection.ClientConnection;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;

import java.time.Duration;

/**
 * Stage 1 on every listener that reads HTTP from the client: reads one request head within the size limits and
 * the head deadline (408), then stops reading until the next stage takes the bytes that followed the head (an
 * eager ClientHello, a request body), at most {@value #MAX_EARLY_BYTES} of them.
 */
public final class HeadReader {

    /** Bytes a client may send after its head before the next stage is ready (e.g. an eager ClientHello). */
    public static final int MAX_EARLY_BYTES = 64 * 1024;

    private final ClientConnection connection;
    private final RequestHeadParser parser;
    private final RequestLineSniff sniff;
    private final Duration timeout;
    private final Promise<RequestHead> head = Promise.promise();
    /** RFC 8446 §5.1: the first byte of a TLS connection, ContentType handshake(22). */
    private static final byte TLS_HANDSHAKE = 0x16;
    private boolean taken;
    private boolean started;

    /**
     * @param sniffFirstLine whether to give up as soon as the first line cannot be HTTP ({@link NotHttpException})
     *                       — for listeners where the client's protocol is not known
     */
    public HeadReader(ClientConnection connection, int maxRequestLine, int maxHeaders, Duration timeout,
                      boolean sniffFirstLine) {
        this.connection = connection;
        this.parser = new RequestHeadParser(maxRequestLine, maxHeaders);
        this.sniff = sniffFirstLine ? new RequestLineSniff(maxRequestLine) : null;
        this.timeout = timeout;
    }

    /**
     * Starts reading (sets the socket's data handler).
     *
     * @return the head; or a failed future with {@link BadRequestException} (400, 408, 414, 431) or
     * {@link NotHttpException}. The caller answers.
     */
    public Future<RequestHead> read() {
        connection.whileOpen("client closed before completing a request");
        connection.socket().handler(this::onBytes);
        connection.onInputShutdown(() -> {
            if (!head.future().isComplete()) {
                // The client ended its side with no whole head: nothing more can come.
                head.tryFail(new BadRequestException(400, "client ended its request before the head was complete"));
            }
        });
        long timeoutMs = timeout.toMillis();
        long timer = connection.timer(timeout, () -> head.tryFail(
                new BadRequestException(408, "request head not complete within " + timeoutMs + " ms")));
        return head.future().onComplete(done -> connection.cancel(timer));
    }

    /** The bytes after the head; from now on this reader takes no more bytes. */
    public Buffer takeRest() {
        taken = true;
        return parser.rest() == null ? Buffer.buffer() : parser.rest();
    }

    /**
     * The head's own bytes followed by those after it, for a stage that reads the connection again from its first
     * byte (plain HTTP through Netty's codec); from now on this reader takes no more bytes.
     */
    public Buffer takeHeadAndRest() {
        Buffer rest = takeRest();
        return parser.headBytes() == null ? rest : parser.headBytes().copy().appendBuffer(rest);
    }

    private void onBytes(Buffer bytes) {
        if (taken) {
            return;
        }
        if (head.future().isComplete()) {
            if (head.future().failed()) {
                return;
            }
            if (parser.rest().length() + bytes.length() > MAX_EARLY_BYTES) {
                taken = true;
                connection.refuse(new BadRequestException(400, "more than " + MAX_EARLY_BYTES
                        + " bytes sent before the tunnel was established"));
                return;
            }
            parser.feed(bytes);
            return;
        }
        if (!started && bytes.length() > 0) {
            started = true;
            if (bytes.getByte(0) == TLS_HANDSHAKE) {
                // A client configured with https:// as its proxy opens TLS to the proxy port itself; it would
                // otherwise wait for the head deadline.
                head.tryFail(new BadRequestException(400, "TLS on the proxy port: configure the proxy as http://"));
                return;
            }
        }
        if (sniff != null && !sniff.stillHttp(bytes)) {
            head.tryFail(new NotHttpException(sniff.seen()));
            return;
        }
        try {
            if (parser.feed(bytes) == RequestHeadParser.State.DONE) {
                // Hold further bytes in the kernel until the next stage is ready: at most one more read lands
                // in the rest.
                connection.autoRead(false);
                connection.whileOpen("client closed before its request was answered");
                connection.headFinished();
                head.tryComplete(parser.head());
            }
        } catch (BadRequestException e) {
            head.tryFail(e);
        }
    }
}

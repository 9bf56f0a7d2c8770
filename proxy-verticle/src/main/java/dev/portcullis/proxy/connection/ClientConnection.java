package dev.portcullis.proxy.connection;

import dev.portcullis.api.log.ThrottledLog;
import dev.portcullis.proxy.access.AccessLog;
import dev.portcullis.proxy.access.AccessRecord;
import dev.portcullis.proxy.hello.PeekOutcome;
import dev.portcullis.proxy.metrics.ActiveConnections;
import dev.portcullis.proxy.respond.ErrorResponse;
import dev.portcullis.proxy.respond.FailureMapper;
import dev.portcullis.proxy.splice.SpliceResult;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The client side of one connection, on every listener: its socket and channel, its address, its one access
 * record, its timers and its close. Stages get it instead of the socket, so that:
 * <ul>
 *   <li>the connection ends with exactly one record ({@link #finish}), whichever stage ends it, unless its
 *       requests write one each ({@link #recordsPerRequest});</li>
 *   <li>a refusal is answered the one way the client can read: an HTTP error before a tunnel exists
 *       ({@link #refuse}), a fatal TLS alert once a ClientHello was read ({@link #refuseHello});</li>
 *   <li>a client that leaves closes everything the connection holds: timers, and an upstream not yet owned by a
 *       relay ({@link #holdUpstream}), so no upstream socket outlives its client.</li>
 * </ul>
 * It sets the socket's close handler once; stages never replace it. Not thread-safe: used on the socket's event
 * loop only.
 */
public final class ClientConnection {

    private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);
    private static final String INPUT_WATCH = "portcullis-input-watch";
    private static final ThrottledLog LIMIT_LOG = new ThrottledLog(LOG, Duration.ofSeconds(10));

    private final NetSocket socket;
    private final Channel channel;
    private final Vertx vertx;
    private final AccessLog accessLog;
    private final AccessRecord record;
    private final String clientIp;
    private final ConnectionLimits limits;
    private final List<Long> timers = new ArrayList<>(2);
    private final List<Runnable> finishListeners = new ArrayList<>(1);
    private NetSocket heldUpstream;
    private Consumer<Throwable> errorListener;
    private Runnable inputShutdownListener;
    private Consumer<String> revokeListener;
    private Runnable drainListener;
    private boolean inputShutdown;
    private String closeReason = "client closed";
    private boolean holdsSlot;
    private boolean headFinished;
    private boolean handedOver;
    private boolean recordsPerRequest;
    private boolean closed;
    private boolean finished;

    /**
     * Takes over a socket just accepted (in the connect handler, before its first read).
     *
     * @param limits   the node's connection limits, which {@link #withinLimits} checks
     * @param listener the listener's name, for the record
     * @param mode     {@code explicit} or {@code transparent}, for the record
     */
    public ClientConnection(Vertx vertx, NetSocket socket, AccessLog accessLog, ConnectionLimits limits,
                            String listener, String mode) {
        this.vertx = vertx;
        this.limits = limits;
        this.socket = socket;
        this.channel = Sockets.channel(socket);
        this.accessLog = accessLog;
        this.clientIp = socket.remoteAddress().hostAddress();
        this.record = new AccessRecord(clientIp, listener, mode);
        socket.closeHandler(ignored -> onClosed());
        socket.exceptionHandler(this::onError);
        // A client that half-closes after its request (`nc -N`) still reads the answer: its FIN is an event
        // (RFC 9293 §3.6, a half-close is not a close), seen here and by the relay, not a close of the socket.
        channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        channel.pipeline().addBefore(Sockets.VERTX_HANDLER, INPUT_WATCH, new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
                if (event instanceof ChannelInputShutdownEvent) {
                    onInputShutdown();
                }
                ctx.fireUserEventTriggered(event);
            }
        });
    }

    /**
     * Takes this connection's slot in the node's limits (README, "Limits"), first thing on every listener. Over
     * a limit, the client is refused at once, before a byte of it is read: with {@code 429} or {@code 503} where
     * it speaks HTTP to the proxy ({@code answerHttp}), else closed; the reason goes to the record, and to the
     * log once per client and interval, since a flood repeats it thousands of times.
     *
     * @return whether the connection may go on
     */
    public boolean withinLimits(boolean answerHttp) {
        Optional<LimitExceededException> exceeded = limits.tryAccept(clientIp);
        if (exceeded.isEmpty()) {
            holdsSlot = true;
            ActiveConnections.opened(record.get(AccessRecord.LISTENER));
            return true;
        }
        LimitExceededException limit = exceeded.get();
        LIMIT_LOG.warn(clientIp, record.get(AccessRecord.LISTENER) + " refused " + clientIp + " with "
                + limit.status() + ": " + limit.getMessage());
        if (answerHttp) {
            refuse(limit);
        } else {
            record.put(AccessRecord.STATUS, limit.status());
            socket.close();
            finish(limit.getMessage());
        }
        return false;
    }

    /**
     * The client has sent its whole request head or ClientHello, or was decided without one: it no longer
     * counts against the unfinished-heads limits. Later calls do nothing.
     */
    public void headFinished() {
        if (holdsSlot && !headFinished) {
            headFinished = true;
            limits.headFinished(clientIp);
        }
    }

    /**
     * Calls {@code listener} (on the event loop) once the client has half-closed, at once if it already has.
     * Replaces any earlier listener: the stage that holds the connection now says what a half-close means.
     * Without one (or with {@code null}) a half-close closes the connection, as for a stage that cannot carry
     * one: TCP cannot tell a client that closed from one that only half-closed.
     */
    public void onInputShutdown(Runnable listener) {
        this.inputShutdownListener = listener;
        if (inputShutdown) {
            onInputShutdown();
        }
    }

    /** Whether the client has sent its FIN (it may still read). */
    public boolean inputShutdown() {
        return inputShutdown;
    }

    private void onInputShutdown() {
        inputShutdown = true;
        if (inputShutdownListener != null) {
            inputShutdownListener.run();
        } else {
            channel.close();
        }
    }

    /**
     * Also tells {@code listener} of errors on the client socket (e.g. Netty's ClientHello decoder refusing an
     * oversized hello, after which the channel closes).
     */
    public void onError(Consumer<Throwable> listener) {
        this.errorListener = listener;
    }

    public NetSocket socket() {
        return socket;
    }

    /** The client's Netty channel, whose pipeline the stages add their handlers to. */
    public Channel channel() {
        return channel;
    }

    public Vertx vertx() {
        return vertx;
    }

    /** The client's IP address as text. */
    public String clientIp() {
        return clientIp;
    }

    /** The connection's access record, filled in by the stages. */
    public AccessRecord record() {
        return record;
    }

    /** Whether the client has closed its side. */
    public boolean closed() {
        return closed;
    }

    /** Whether the access record has been written. */
    public boolean finished() {
        return finished;
    }

    /** Stops or resumes reading from the client (bytes wait in the kernel meanwhile). */
    public void autoRead(boolean autoRead) {
        channel.config().setAutoRead(autoRead);
    }

    /**
     * Runs {@code action} after {@code delay} unless the connection has finished or closed by then.
     *
     * @return the timer's id, for {@link #cancel}
     */
    public long timer(Duration delay, Runnable action) {
        long id = vertx.setTimer(Math.max(1, delay.toMillis()), fired -> {
            timers.remove(fired);
            if (!finished && !closed) {
                action.run();
            }
        });
        timers.add(id);
        return id;
    }

    public void cancel(long timer) {
        if (timers.remove(Long.valueOf(timer))) {
            vertx.cancelTimer(timer);
        }
    }

    /** What the record says if the client closes now, before a relay has taken the connection over. */
    public void whileOpen(String reasonIfClientCloses) {
        this.closeReason = reasonIfClientCloses;
    }

    /**
     * An upstream connected for this client but not yet joined to it: closed with the client, so a client that
     * leaves while its ClientHello is awaited or checked leaves no socket behind. If the client has already
     * gone, the upstream is closed at once.
     */
    public void holdUpstream(NetSocket upstream) {
        heldUpstream = upstream;
        if (closed || finished) {
            closeUpstream();
        }
    }

    /**
     * A relay owns both sides from now on (it closes each when the other ends, flushing first); the connection's
     * record is written when it ends.
     *
     * @param relayed completes when both sides are closed
     * @param bytesUpBefore client bytes already sent upstream outside the relay (the first bytes of a connection
     *                      named by its destination)
     */
    public void endWith(Future<SpliceResult> relayed, long bytesUpBefore) {
        handedOver = true;
        heldUpstream = null;
        inputShutdownListener = () -> { };   // the relay carries the half-close to the upstream
        relayed.onComplete(done -> {
            SpliceResult result = done.result();
            record.put(AccessRecord.BYTES_UP, bytesUpBefore + result.bytesUp())
                    .put(AccessRecord.BYTES_DOWN, result.bytesDown());
            finish(result.close());
        });
    }

    /**
     * Answers with the HTTP error {@code failure} maps to and closes; the reason goes to the record. Only while
     * the client still speaks HTTP to the proxy (before a tunnel or a plain-HTTP exchange exists).
     */
    public void refuse(Throwable failure) {
        if (finished || handedOver) {
            return;
        }
        ErrorResponse response = FailureMapper.toResponse(failure);
        if (response.status() >= 500 && response.status() != 502 && response.status() != 503) {
            LOG.warn("{} {} {}: {}", record.get(AccessRecord.LISTENER), clientIp, response.status(), response.reason());
        } else {
            LOG.debug("{} {} refused with {}: {}", record.get(AccessRecord.LISTENER), clientIp, response.status(),
                    response.reason());
        }
        record.put(AccessRecord.STATUS, response.status()).put(AccessRecord.REASON, response.reason());
        closeUpstream();
        if (!closed) {
            socket.write(response.toBuffer()).onComplete(written -> socket.close());
        }
        finish(response.reason());
    }

    /**
     * The outcome that refuses a held ClientHello with {@code failure}'s alert; status and reason go to the
     * record, which is written when the peek has closed the client.
     */
    public Future<PeekOutcome> refuseHello(Throwable failure) {
        ErrorResponse response = FailureMapper.toResponse(failure);
        record.put(AccessRecord.STATUS, response.status());
        return refuseHello(FailureMapper.toAlert(failure), response.reason());
    }

    /**
     * The outcome that refuses a held ClientHello with {@code alert}; {@code reason} goes to the record. A held
     * upstream is closed when the peek has closed the client after the alert, not before: its closing could
     * otherwise close the client ahead of the alert.
     */
    public Future<PeekOutcome> refuseHello(int alert, String reason) {
        LOG.info("{} refused for {} -> {}: {}", record.get(AccessRecord.LISTENER), clientIp,
                record.get(AccessRecord.HOST), reason);
        record.put(AccessRecord.REASON, reason);
        return Future.succeededFuture(new PeekOutcome.Refuse(alert, reason));
    }

    /**
     * Records why the connection was refused, unless the stage that refused already said so (its reason is the
     * more specific one).
     */
    public void refusedBecause(String reason) {
        if (!record.has(AccessRecord.REASON)) {
            LOG.info("{} refused for {} -> {}: {}", record.get(AccessRecord.LISTENER), clientIp,
                    record.get(AccessRecord.HOST), reason);
            record.put(AccessRecord.REASON, reason);
        }
    }

    /** Closes the client without an answer (a reason a client cannot be told), and writes the record. */
    public void close(String reason) {
        if (finished) {
            return;
        }
        LOG.info("{} closed for {}: {}", record.get(AccessRecord.LISTENER), clientIp, reason);
        end(reason);
    }

    /**
     * Closes an admitted connection that a new policy version denies ({@code proxy.revoke-on-change}, README
     * "Policy reference"): reason {@link AccessRecord#REVOKED}, {@code why} (the denying rule and version) in
     * {@link AccessRecord#REVOKED_BY}. Nothing is written to the client first: inside a tunnel the proxy has no
     * voice of its own, so the client sees its connection end.
     */
    public void revoke(String why) {
        if (finished) {
            return;
        }
        LOG.info("{} revoked for {} -> {}:{}: {}", record.get(AccessRecord.LISTENER), clientIp,
                record.get(AccessRecord.HOST), record.get(AccessRecord.PORT), why);
        if (revokeListener != null) {
            revokeListener.accept(why);
            return;
        }
        record.put(AccessRecord.REVOKED_BY, why);
        end(AccessRecord.REVOKED);
    }

    /**
     * Says what {@link #revoke} means for a stage that admits more than once on this connection (a keep-alive
     * forward connection: what was admitted last is closed, not necessarily the client); {@code listener} gets
     * the denying rule and version.
     */
    public void onRevoke(Consumer<String> listener) {
        this.revokeListener = listener;
    }

    /**
     * Says what a drain means for this connection before its timeout (README, "Drain and rolling restarts"): a
     * keep-alive HTTP connection finishes the request in hand and closes; without a listener (a tunnel) nothing
     * happens until the drain timeout.
     */
    public void onDrain(Runnable listener) {
        this.drainListener = listener;
    }

    /** The node began to drain: tells the listener set by {@link #onDrain}, if any. */
    public void drain() {
        if (!finished && drainListener != null) {
            drainListener.run();
        }
    }

    /**
     * From now on every request on this connection writes its own access record (a plain HTTP/1.1 connection
     * read through the codecs), so the connection's own record is not written: what it would say is in theirs.
     * Refusals before this point (a malformed first head, a limit) were written as the connection's record.
     * The connection still finishes when the client closes (slot, timers, held upstream, finish listeners).
     */
    public void recordsPerRequest() {
        this.recordsPerRequest = true;
    }

    /**
     * Closes both sides. Once a relay owns them it closes the upstream after the client and writes the record
     * with its byte counts; before that the record is written here.
     */
    private void end(String reason) {
        record.put(AccessRecord.REASON, reason);
        closeUpstream();
        socket.close();
        if (!handedOver) {
            finish(reason);
        }
    }

    /**
     * Calls {@code listener} once, when the record is written, at once if it already has been: the one moment
     * every connection passes through, however it ends.
     */
    public void onFinish(Runnable listener) {
        if (finished) {
            listener.run();
        } else {
            finishListeners.add(listener);
        }
    }

    /**
     * Writes the access record, once; later calls do nothing. A reason already in the record (set by the stage
     * that refused) is kept: "closed" would only hide it.
     */
    public void finish(String reason) {
        if (finished) {
            return;
        }
        finished = true;
        cancelTimers();
        if (!record.has(AccessRecord.REASON)) {
            record.put(AccessRecord.REASON, reason);
        }
        if (!recordsPerRequest) {
            accessLog.write(record.finish());
        }
        finishListeners.forEach(Runnable::run);
        finishListeners.clear();
    }

    private void onError(Throwable failure) {
        LOG.debug("client {} socket error: {}", clientIp, failure.getMessage());
        if (errorListener != null) {
            errorListener.accept(failure);
        }
    }

    private void onClosed() {
        closed = true;
        if (holdsSlot) {
            holdsSlot = false;
            limits.release(clientIp, headFinished);
            ActiveConnections.closed(record.get(AccessRecord.LISTENER));
        }
        cancelTimers();
        closeUpstream();
        if (!handedOver) {
            finish(closeReason);
        }
    }

    private void closeUpstream() {
        if (heldUpstream != null) {
            heldUpstream.close();
            heldUpstream = null;
        }
    }

    private void cancelTimers() {
        timers.forEach(vertx::cancelTimer);
        timers.clear();
    }
}

package dev.portcullis.proxy.transparent;

import dev.portcullis.proxy.TransparentListenerOptions;
import dev.portcullis.api.host.HostName;
import dev.portcullis.api.policy.DecideRequest;
import dev.portcullis.api.policy.Mode;
import dev.portcullis.api.policy.Protocol;
import dev.portcullis.proxy.Stages;
import dev.portcullis.proxy.access.AccessRecord;
import dev.portcullis.proxy.request.BadRequestException;
import dev.portcullis.proxy.request.ForwardedRequest;
import dev.portcullis.proxy.request.RequestHead;
import dev.portcullis.proxy.request.RequestHeadParser;
import dev.portcullis.proxy.request.RequestTarget;
import dev.portcullis.proxy.respond.ErrorResponse;
import dev.portcullis.proxy.respond.FailureMapper;
import dev.portcullis.proxy.splice.Splice;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Plain bytes on a transparent listener, read as one HTTP/1.1 request decided on its {@code Host} header
 * (DESIGN §3 step 5), forwarded with {@code Connection: close} like an explicit absolute-form request: one
 * decided request per connection. Bytes that cannot begin an HTTP request line are handed on at once (to be
 * named by their destination).
 */
final class TransparentHttp {

    private static final Logger LOG = LoggerFactory.getLogger(TransparentHttp.class);
    /** RFC 9112 §3: method SP request-target SP HTTP-version; transparent clients send origin-form. */
    private static final Pattern REQUEST_LINE = Pattern.compile("[A-Z]+ \\S+ HTTP/1\\.[01]\r?");

    private final NetSocket client;
    private final Stages stages;
    private final TransparentListenerOptions listener;
    private final AccessRecord record;
    private final Consumer<String> finish;
    private final BiConsumer<Buffer, String> notHttp;
    private final RequestHeadParser parser;
    private final String clientIp;
    private final StringBuilder firstLine = new StringBuilder();
    private boolean lineChecked;
    private boolean done;
    private long headTimer;

    /**
     * @param finish  writes the connection's access record with the given close reason (once)
     * @param notHttp takes over a connection whose first bytes are no HTTP request line: those bytes and why
     */
    TransparentHttp(NetSocket client, Stages stages, TransparentListenerOptions listener, AccessRecord record,
                    Consumer<String> finish, BiConsumer<Buffer, String> notHttp) {
        this.client = client;
        this.stages = stages;
        this.listener = listener;
        this.record = record;
        this.finish = finish;
        this.notHttp = notHttp;
        this.parser = new RequestHeadParser(stages.options().getMaxRequestLine(), stages.options().getMaxHeaders());
        this.clientIp = client.remoteAddress().hostAddress();
    }

    /** Takes over the socket's bytes; called before the peek passes the first bytes on. */
    void start() {
        client.handler(this::onBytes);
        client.closeHandler(closed -> {
            stages.vertx().cancelTimer(headTimer);
            if (!done) {
                done = true;
                finish.accept("client closed before completing a request");
            }
        });
        long timeoutMs = stages.options().getRequestTimeout().toMillis();
        headTimer = stages.vertx().setTimer(timeoutMs, id -> refuse(
                new BadRequestException(408, "request head not complete within " + timeoutMs + " ms")));
    }

    private void onBytes(Buffer bytes) {
        if (done) {
            return;
        }
        try {
            if (!looksLikeHttp(bytes)) {
                done = true;
                stages.vertx().cancelTimer(headTimer);
                notHttp.accept(Buffer.buffer(firstLine.toString().getBytes(StandardCharsets.ISO_8859_1)),
                        "first bytes are neither a TLS ClientHello nor an HTTP request");
                return;
            }
            RequestHeadParser.State state = parser.feed(bytes);
            if (state == RequestHeadParser.State.DONE) {
                stages.vertx().cancelTimer(headTimer);
                // Hold further bytes (a body) in the kernel until the upstream is connected.
                ((NetSocketInternal) client).channelHandlerContext().channel().config().setAutoRead(false);
                open(parser.head());
            }
        } catch (BadRequestException e) {
            refuse(e);
        } catch (IllegalArgumentException e) {
            refuse(new BadRequestException(400, "invalid Host header: " + e.getMessage()));
        }
    }

    /**
     * Tells bytes that are neither TLS nor HTTP (an SSH banner on a port mapped to 443, binary junk) as soon as
     * the first line is in, instead of waiting for a header block that will never come. Keeps the bytes until
     * then, so whoever takes over can send them on.
     */
    private boolean looksLikeHttp(Buffer bytes) {
        if (lineChecked) {
            return true;
        }
        firstLine.append(bytes.toString(StandardCharsets.ISO_8859_1));
        if (firstLine.length() == 0) {
            return true;
        }
        int newline = firstLine.indexOf("\n");
        char first = firstLine.charAt(0);
        if (first < 'A' || first > 'Z'
                || (newline >= 0 && !REQUEST_LINE.matcher(firstLine.substring(0, newline)).matches())) {
            return false;
        }
        lineChecked = newline >= 0 || firstLine.length() > stages.options().getMaxRequestLine();
        return true;
    }

    private void open(RequestHead head) {
        record.put(AccessRecord.METHOD, head.method());
        if (!head.target().startsWith("/")) {
            throw new BadRequestException(400, "a transparent request must be in origin-form (GET /path)");
        }
        String hostHeader = head.header("Host");
        if (hostHeader == null) {
            throw new BadRequestException(400, "no Host header to decide on");
        }
        HostName host = HostName.parse(withoutPort(hostHeader));
        record.put(AccessRecord.HOST, host.value()).put(AccessRecord.PATH, head.target().split("\\?", 2)[0]);
        RequestTarget target = new RequestTarget(host, listener.getUpstreamPort(), head.target());
        Buffer forwardedHead = ForwardedRequest.head(head, target);
        long bodyLength = ForwardedRequest.bodyLength(head);
        DecideRequest question = new DecideRequest(host.value(), listener.getUpstreamPort(), clientIp,
                listener.getName(), Mode.TRANSPARENT, Protocol.HTTP, null);
        Admission.admit(stages, question, host, record).onComplete(admitted -> {
            if (admitted.failed()) {
                refuse(admitted.cause());
                return;
            }
            forward(admitted.result().upstream(), forwardedHead, bodyLength);
        });
    }

    private void forward(NetSocket upstream, Buffer forwardedHead, long bodyLength) {
        done = true;
        client.closeHandler(null);
        Buffer early = parser.rest();
        int bodyBytes = (int) Math.min(early.length(), bodyLength);
        Buffer first = forwardedHead.copy().appendBuffer(early.getBuffer(0, bodyBytes));
        Splice.join(client, upstream, first, bodyLength - bodyBytes).onComplete(spliced -> {
            record.put(AccessRecord.BYTES_UP, early.length() + spliced.result().bytesUp())
                    .put(AccessRecord.BYTES_DOWN, spliced.result().bytesDown());
            finish.accept(spliced.result().close());
        });
    }

    private void refuse(Throwable failure) {
        if (done) {
            return;
        }
        done = true;
        stages.vertx().cancelTimer(headTimer);
        ErrorResponse response = FailureMapper.toResponse(failure);
        LOG.info("transparent {} HTTP refused for {}: {}", listener.getName(), clientIp, response.reason());
        record.put(AccessRecord.STATUS, response.status()).put(AccessRecord.REASON, response.reason());
        client.write(response.toBuffer()).onComplete(written -> client.close());
        finish.accept(response.reason());
    }

    /** {@code host}, {@code host:port} or {@code [v6]:port} → the host alone (RFC 9110 §7.2). */
    static String withoutPort(String hostHeader) {
        String value = hostHeader.trim();
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            return close > 0 ? value.substring(1, close) : value;
        }
        int colon = value.indexOf(':');
        return colon >= 0 && value.indexOf(':', colon + 1) < 0 ? value.substring(0, colon) : value;
    }
}

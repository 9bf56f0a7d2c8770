package dev.portcullis.proxy.exchange;

import dev.portcullis.api.bus.ErrorCode;
import dev.portcullis.api.bus.GatewayException;
import dev.portcullis.api.policy.Decision;
import dev.portcullis.api.policy.DecisionReason;
import dev.portcullis.api.policy.Inspection;
import dev.portcullis.api.policy.NonTlsAction;
import dev.portcullis.api.policy.Verdict;
import dev.portcullis.proxy.access.AccessRecord;
import dev.portcullis.proxy.decide.DeniedException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpRequest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exchange state machine byte by byte, without a cluster or sockets: a client channel and an upstream channel
 * with the codecs {@link Http1Codecs} installs, and a route that decides by path, bound to its one upstream as a
 * decrypted connection's is.
 */
class HttpExchangeTest {

    private static final Decision ALLOWED = new Decision(Verdict.ALLOW, Inspection.DECRYPT, NonTlsAction.DENY,
            "inspected", "sha256:v1", DecisionReason.RULE, 0, List.of(), List.of());

    private EmbeddedChannel client;
    private EmbeddedChannel upstream;
    private final List<JsonObject> records = new ArrayList<>();
    private final List<String> routed = new ArrayList<>();
    private BiFunction<HttpRequest, AccessRecord, Future<Channel>> decide;

    @BeforeEach
    void start() {
        client = new EmbeddedChannel();
        String decoded = Http1Codecs.installServer(client, null, 4096, 8192);
        upstream = new EmbeddedChannel();
        // Stands for Vert.x's handler, the last in a real upstream pipeline, before which the exchange sits.
        upstream.pipeline().addLast("handler", new ChannelInboundHandlerAdapter());
        Http1Codecs.installClient(upstream);
        decide = (request, record) -> {
            routed.add(request.uri());
            return request.uri().startsWith("/deny")
                    ? Future.failedFuture(new DeniedException(ALLOWED, "GET " + request.uri(), "http entry at line 9"))
                    : Future.succeededFuture(upstream);
        };
        new HttpExchange((request, record) -> decide.apply(request, record),
                () -> new AccessRecord("10.0.0.1", "test", "explicit"), records::add)
                .start(client, decoded);
    }

    @Test
    void pipelinedAllowedThenDeniedGets200Then403AndOnlyTheFirstGoesUpstream() {
        clientSends("GET /ok HTTP/1.1\r\nHost: h.test\r\n\r\nGET /deny-me HTTP/1.1\r\nHost: h.test\r\n\r\n");

        assertThat(upstreamReceived()).startsWith("GET /ok HTTP/1.1").doesNotContain("deny-me");
        upstreamSends("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");

        String answers = clientReceived();
        assertThat(answers).startsWith("HTTP/1.1 200 OK");
        assertThat(answers.indexOf("HTTP/1.1 403")).isGreaterThan(answers.indexOf("ok"));
        assertThat(answers).contains("Proxy-Status: portcullis; error=http_request_denied");
        assertThat(upstreamReceived()).isEmpty();
        assertThat(records).extracting(r -> r.getInteger("status")).containsExactly(200, 403);
        assertThat(client.isOpen()).isTrue();
    }

    @Test
    void aDeniedRequestsBodyIsDroppedAndTheNextRequestIsServed() {
        clientSends("POST /deny-upload HTTP/1.1\r\nHost: h.test\r\nContent-Length: 5\r\n\r\nhello"
                + "GET /ok HTTP/1.1\r\nHost: h.test\r\n\r\n");

        assertThat(upstreamReceived()).startsWith("GET /ok HTTP/1.1").doesNotContain("hello");
        upstreamSends("HTTP/1.1 204 No Content\r\n\r\n");
        assertThat(clientReceived()).startsWith("HTTP/1.1 403").contains("HTTP/1.1 204");
    }

    @Test
    void aRequestWaitsForTheResponseBeforeItIsRouted() {
        clientSends("GET /one HTTP/1.1\r\nHost: h.test\r\n\r\nGET /two HTTP/1.1\r\nHost: h.test\r\n\r\n");
        assertThat(routed).containsExactly("/one");

        upstreamSends("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        assertThat(routed).containsExactly("/one", "/two");
        assertThat(upstreamReceived()).contains("GET /one").contains("GET /two");
    }

    @Test
    void aPolicyRoleThatDoesNotAnswerFailsTheRequestClosedWith503() {
        decide = (request, record) -> Future.failedFuture(
                new GatewayException(ErrorCode.POLICY_UNAVAILABLE, "policy unavailable: no answer in time"));
        clientSends("GET /ok HTTP/1.1\r\nHost: h.test\r\n\r\n");

        assertThat(clientReceived()).startsWith("HTTP/1.1 503").containsIgnoringCase("connection: close")
                .contains("error=proxy_internal_error");
        assertThat(upstreamReceived()).isEmpty();
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void aMalformedRequestIs400AndClosesWithNothingForwarded() {
        clientSends("GET /ok HTTP/1.1\r\nHost: h.test\r\nbad header line\r\n\r\n");

        assertThat(clientReceived()).startsWith("HTTP/1.1 400").contains("error=http_request_error");
        assertThat(routed).isEmpty();
        assertThat(upstreamReceived()).isEmpty();
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void aRequestLineOverTheLimitIs414() {
        clientSends("GET /" + "a".repeat(5000) + " HTTP/1.1\r\nHost: h.test\r\n\r\n");

        assertThat(clientReceived()).startsWith("HTTP/1.1 414");
        assertThat(records).extracting(r -> r.getInteger("status")).containsExactly(414);
        assertThat(routed).isEmpty();
    }

    @Test
    void aHeaderBlockOverTheLimitIs431() {
        clientSends("GET /ok HTTP/1.1\r\nHost: h.test\r\nX-Big: " + "b".repeat(9000) + "\r\n\r\n");

        assertThat(clientReceived()).startsWith("HTTP/1.1 431");
        assertThat(routed).isEmpty();
    }

    @Test
    void aClientAskingToCloseIsAnsweredAndClosed() {
        clientSends("GET /ok HTTP/1.1\r\nHost: h.test\r\nConnection: close\r\n\r\n");
        upstreamSends("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");

        assertThat(clientReceived()).startsWith("HTTP/1.1 200").containsIgnoringCase("connection: close")
                .endsWith("ok");
        assertThat(client.isOpen()).isFalse();
    }

    private void clientSends(String bytes) {
        client.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.ISO_8859_1));
        settle();
    }

    private void upstreamSends(String bytes) {
        upstream.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.ISO_8859_1));
        settle();
    }

    /** Runs the tasks the exchange posted to the client's loop (a route's answer), until none are left. */
    private void settle() {
        for (int i = 0; i < 10; i++) {
            client.runPendingTasks();
            upstream.runPendingTasks();
        }
    }

    private String clientReceived() {
        return drain(client);
    }

    private String upstreamReceived() {
        return drain(upstream);
    }

    private static String drain(EmbeddedChannel channel) {
        StringBuilder out = new StringBuilder();
        for (Object message = channel.readOutbound(); message != null; message = channel.readOutbound()) {
            ByteBuf bytes = (ByteBuf) message;
            out.append(bytes.toString(StandardCharsets.ISO_8859_1));
            bytes.release();
        }
        return out.toString();
    }
}

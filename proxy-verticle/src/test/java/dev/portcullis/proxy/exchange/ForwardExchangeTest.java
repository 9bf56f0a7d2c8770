package dev.portcullis.proxy.exchange;

import dev.portcullis.api.policy.Decision;
import dev.portcullis.api.policy.DecisionReason;
import dev.portcullis.api.policy.Inspection;
import dev.portcullis.api.policy.NonTlsAction;
import dev.portcullis.api.policy.Verdict;
import dev.portcullis.proxy.access.AccessRecord;
import dev.portcullis.proxy.decide.DeniedException;
import dev.portcullis.proxy.request.ForwardedResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exchange under a route that redials, as a plain forward connection's does: one upstream per host, kept
 * while the next request goes to the same host, closed for another. The client connection outlives the upstreams
 * it no longer uses, and decides its own persistence (RFC 9112 §9.6).
 */
class ForwardExchangeTest {

    private static final Decision RULE = new Decision(Verdict.ALLOW, Inspection.SPLICE, NonTlsAction.DENY,
            "forward", "sha256:v1", DecisionReason.RULE, 0, List.of(), List.of());

    private EmbeddedChannel client;
    private final List<EmbeddedChannel> dialled = new ArrayList<>();
    private final List<JsonObject> records = new ArrayList<>();
    private HttpExchange exchange;
    private EmbeddedChannel open;
    private String openHost;

    @BeforeEach
    void start() {
        client = new EmbeddedChannel();
        Route route = new Route() {
            @Override
            public Future<Channel> route(HttpRequest request, AccessRecord record) {
                String host = request.headers().get("Host");
                record.put(AccessRecord.HOST, host);
                if (host.startsWith("denied")) {
                    return Future.failedFuture(new DeniedException(RULE, host + ":80"));
                }
                if (open == null || !open.isActive() || !host.equals(openHost)) {
                    if (open != null) {
                        open.close();
                    }
                    open = upstream();
                    openHost = host;
                }
                return Future.succeededFuture(open);
            }

            @Override
            public boolean redials() {
                return true;
            }

            @Override
            public void respond(HttpResponse response) {
                ForwardedResponse.rewrite(response);
            }
        };
        exchange = new HttpExchange(route, () -> new AccessRecord("10.0.0.1", "explicit", "explicit"),
                records::add);
        exchange.start(client, Http1Codecs.installServer(client, null, 8192, 32768));
    }

    private EmbeddedChannel upstream() {
        EmbeddedChannel upstream = new EmbeddedChannel();
        // Stands for Vert.x's handler, the last in a real upstream pipeline, before which the codec goes.
        upstream.pipeline().addLast("handler", new ChannelInboundHandlerAdapter());
        Http1Codecs.installClient(upstream);
        dialled.add(upstream);
        return upstream;
    }

    @Test
    void requestsToOneHostShareAnUpstreamAndAnotherHostClosesItWhileTheClientStays() {
        clientSends("GET / HTTP/1.1\r\nHost: a.test\r\n\r\n");
        sendFrom(0, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nA");
        clientSends("GET /again HTTP/1.1\r\nHost: a.test\r\n\r\n");
        sendFrom(0, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nA");
        clientSends("GET / HTTP/1.1\r\nHost: b.test\r\n\r\n");
        sendFrom(1, "HTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\nB");

        assertThat(dialled).hasSize(2);
        assertThat(dialled.get(0).isOpen()).as("a.test's upstream, retired for b.test").isFalse();
        assertThat(client.isOpen()).isTrue();
        String answers = clientReceived();
        assertThat(answers).containsSubsequence("200 OK", "A", "200 OK", "A", "201 Created", "B");
        assertThat(records).extracting(r -> r.getString("host") + " " + r.getInteger("status"))
                .containsExactly("a.test 200", "a.test 200", "b.test 201");
    }

    @Test
    void anUpstreamThatClosesBetweenRequestsLeavesTheClientOpenAndTheNextRequestGetsAnother() {
        clientSends("GET / HTTP/1.1\r\nHost: a.test\r\n\r\n");
        sendFrom(0, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        dialled.get(0).close();
        settle();

        assertThat(client.isOpen()).isTrue();
        clientSends("GET / HTTP/1.1\r\nHost: a.test\r\n\r\n");
        assertThat(dialled).hasSize(2);
        sendFrom(1, "HTTP/1.1 204 No Content\r\n\r\n");
        assertThat(records).extracting(r -> r.getInteger("status")).containsExactly(200, 204);
    }

    @Test
    void anUpstreamSayingCloseEndsOnlyThatUpstreamAndItsConnectionFieldStaysWithIt() {
        clientSends("GET / HTTP/1.1\r\nHost: a.test\r\n\r\n");
        sendFrom(0, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");

        String answer = clientReceived();
        assertThat(answer).contains("200 OK").doesNotContainIgnoringCase("connection:").contains("via: 1.1 portcullis");
        assertThat(dialled.get(0).isOpen()).isFalse();
        assertThat(client.isOpen()).isTrue();
    }

    @Test
    void aResponseDelimitedByTheCloseClosesTheClientAfterItsBody() {
        clientSends("GET / HTTP/1.1\r\nHost: a.test\r\n\r\n");
        sendFrom(0, "HTTP/1.0 200 OK\r\n\r\nuntil the end");
        dialled.get(0).close();
        settle();

        assertThat(clientReceived()).containsIgnoringCase("connection: close").endsWith("until the end");
        assertThat(client.isOpen()).isFalse();
        assertThat(records).extracting(r -> r.getInteger("status")).containsExactly(200);
    }

    @Test
    void pipelinedRequestsToTwoHostsAreAnsweredInOrderAndADeniedOneDoesNotEndTheConnection() {
        clientSends("GET /1 HTTP/1.1\r\nHost: a.test\r\n\r\nGET /2 HTTP/1.1\r\nHost: denied.test\r\n\r\n"
                + "GET /3 HTTP/1.1\r\nHost: b.test\r\n\r\n");
        assertThat(dialled).hasSize(1);
        sendFrom(0, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst");
        sendFrom(1, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nthird");

        assertThat(clientReceived()).containsSubsequence("200 OK", "first", "403 Forbidden", "200 OK", "third");
        assertThat(records).extracting(r -> r.getString("host") + " " + r.getInteger("status"))
                .containsExactly("a.test 200", "denied.test 403", "b.test 200");
        assertThat(client.isOpen()).isTrue();
    }

    @Test
    void aChunkedRequestBodyIsFramedAgainForTheUpstream() {
        clientSends("POST /upload HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");

        String upstream = upstreamReceived(0);
        assertThat(upstream).startsWith("POST /upload HTTP/1.1").containsIgnoringCase("transfer-encoding: chunked")
                .contains("hello").contains(" world").endsWith("0\r\n\r\n");
        sendFrom(0, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        assertThat(records).extracting(r -> r.getLong("bytesUp")).containsExactly(11L);
    }

    @Test
    void aMalformedChunkEndsBothConnectionsRatherThanEndingTheBodyUpstream() {
        clientSends("POST /upload HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\nzz\r\n");

        assertThat(upstreamReceived(0)).contains("hello").doesNotContain("0\r\n\r\n");
        assertThat(dialled.get(0).isOpen()).isFalse();
        assertThat(client.isOpen()).isFalse();
        assertThat(records).hasSize(1);
        assertThat(records.get(0).getString("reason")).startsWith("malformed request body");
    }

    @Test
    void anInterimResponseIsRelayedAndTheFinalOneEndsTheRequest() {
        clientSends("POST /upload HTTP/1.1\r\nHost: a.test\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
        sendFrom(0, "HTTP/1.1 100 Continue\r\n\r\n");
        assertThat(clientReceived()).startsWith("HTTP/1.1 100 Continue");
        assertThat(records).isEmpty();

        clientSends("ok");
        sendFrom(0, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        assertThat(records).extracting(r -> r.getInteger("status")).containsExactly(200);
    }

    @Test
    void aClientThatHalfClosesAfterItsRequestGetsItsAnswerThenTheClose() {
        clientSends("GET / HTTP/1.1\r\nHost: a.test\r\n\r\n");
        exchange.clientEnded();
        assertThat(client.isOpen()).isTrue();

        sendFrom(0, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        assertThat(clientReceived()).endsWith("ok");
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void aRevocationBetweenRequestsClosesOnlyTheUpstreamAndOneInFlightEndsTheRequestAsRevoked() {
        clientSends("GET / HTTP/1.1\r\nHost: a.test\r\n\r\n");
        sendFrom(0, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        exchange.revokeUpstream("denied by rule 'default' (policy sha256:v2)");
        settle();
        assertThat(dialled.get(0).isOpen()).isFalse();
        assertThat(client.isOpen()).isTrue();

        clientSends("GET /big HTTP/1.1\r\nHost: a.test\r\n\r\n");
        sendFrom(1, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npart");
        exchange.revokeUpstream("denied by rule 'default' (policy sha256:v3)");
        settle();

        assertThat(client.isOpen()).isFalse();
        assertThat(records).hasSize(2);
        assertThat(records.get(1).getString("reason")).isEqualTo("revoked");
        assertThat(records.get(1).getString("revokedBy")).contains("sha256:v3");
    }

    @Test
    void anHttp10ClientAskingForKeepAliveIsToldSoAndGetsAChunkedBodyDelimitedByTheCloseInstead() {
        clientSends("GET / HTTP/1.0\r\nHost: a.test\r\nConnection: keep-alive\r\n\r\n");
        sendFrom(0, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        assertThat(clientReceived()).containsIgnoringCase("connection: keep-alive").endsWith("ok");
        assertThat(client.isOpen()).isTrue();

        clientSends("GET / HTTP/1.0\r\nHost: a.test\r\nConnection: keep-alive\r\n\r\n");
        sendFrom(0, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n");
        String answer = clientReceived();
        assertThat(answer).containsIgnoringCase("connection: close").doesNotContainIgnoringCase("chunked")
                .endsWith("\r\n\r\nok");
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void itSaysWhenItWaitsForTheNextRequestSoADeadlineCanRunBetweenRequests() {
        List<Boolean> awaiting = new ArrayList<>();
        exchange.onAwaitingRequest(awaiting::add);

        clientSends("GET / HTTP/1.1\r\nHost: a.test\r\n\r\n");
        sendFrom(0, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        assertThat(awaiting).containsExactly(true);
        clientSends("GET / HTTP/1.1\r\nHost: a.test\r\n\r\n");
        assertThat(awaiting).containsExactly(true, false);
        sendFrom(0, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        assertThat(awaiting).containsExactly(true, false, true);
    }

    @Test
    void aResponseTheUpstreamCodecCannotReadIsA502() {
        clientSends("GET / HTTP/1.1\r\nHost: a.test\r\n\r\n");
        sendFrom(0, "HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n");

        assertThat(clientReceived()).startsWith("HTTP/1.1 502").contains("error=http_protocol_error");
        assertThat(records).extracting(r -> r.getInteger("status")).containsExactly(502);
        assertThat(client.isOpen()).isFalse();
    }

    private void clientSends(String bytes) {
        client.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.ISO_8859_1));
        settle();
    }

    private void sendFrom(int upstream, String bytes) {
        dialled.get(upstream).writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.ISO_8859_1));
        settle();
    }

    /** Runs the tasks the exchange posted to the loops (a route's answer), until none are left. */
    private void settle() {
        for (int i = 0; i < 10; i++) {
            client.runPendingTasks();
            dialled.forEach(EmbeddedChannel::runPendingTasks);
        }
    }

    private String clientReceived() {
        return drain(client);
    }

    private String upstreamReceived(int upstream) {
        return drain(dialled.get(upstream));
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

package dev.portcullis.proxy.exchange.h2;

import dev.portcullis.api.policy.Decision;
import dev.portcullis.api.policy.DecisionReason;
import dev.portcullis.api.policy.Inspection;
import dev.portcullis.api.policy.NonTlsAction;
import dev.portcullis.api.policy.Verdict;
import dev.portcullis.proxy.access.AccessRecord;
import dev.portcullis.proxy.decide.DeniedException;
import dev.portcullis.proxy.exchange.HttpExchange;
import dev.portcullis.proxy.request.BadRequestException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One exchange per HTTP/2 stream, frame by frame: a client connection with the gateway's server codec and
 * {@link StreamExchanges}, requests written with Netty's frame writer, and a route that decides by path and gives
 * each allowed request an upstream channel of its own (HTTP/1 here, to see what the exchange sends). A refused
 * stream is answered on that stream alone, without connection-specific fields, and the connection goes on.
 */
class StreamExchangesTest {

    private static final Decision ALLOWED = new Decision(Verdict.ALLOW, Inspection.DECRYPT, NonTlsAction.DENY,
            "inspected", "sha256:v1", DecisionReason.RULE, 0, List.of(), List.of());

    private EmbeddedChannel connection;
    private H2Peer peer;
    private final Map<String, EmbeddedChannel> upstreams = new LinkedHashMap<>();
    private final List<JsonObject> records = new ArrayList<>();
    private StreamExchanges exchanges;

    @BeforeEach
    void start() {
        StreamExchanges exchanges = new StreamExchanges((request, record) -> {
            if (request.uri().startsWith("/deny")) {
                return Future.failedFuture(new DeniedException(ALLOWED, "GET " + request.uri(), "http entry 1"));
            }
            if (request.uri().startsWith("/bad")) {
                return Future.failedFuture(new BadRequestException(400, "malformed path"));
            }
            EmbeddedChannel upstream = new EmbeddedChannel();
            upstream.pipeline().addLast(HttpExchange.UPSTREAM_CODEC, new HttpClientCodec());
            upstream.pipeline().addLast("handler", new ChannelInboundHandlerAdapter());
            upstreams.put(request.uri(), upstream);
            return Future.<Channel>succeededFuture(upstream);
        }, new AccessRecord("10.0.0.1", "explicit", "explicit"), records::add);
        this.exchanges = exchanges;
        connection = newConnection();
        peer = new H2Peer(connection).preface();
    }

    private EmbeddedChannel newConnection() {
        return new EmbeddedChannel(Http2Codecs.server(new Http2Codecs.Limits(100, 32768)),
                new Http2MultiplexHandler(exchanges), new ChannelInboundHandlerAdapter() {
                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    }
                });
    }

    private String upstreamReceived(String path) {
        EmbeddedChannel upstream = upstreams.get(path);
        StringBuilder out = new StringBuilder();
        for (Object written; (written = upstream.readOutbound()) != null; ) {
            out.append(((ByteBuf) written).toString(StandardCharsets.ISO_8859_1));
            ((ByteBuf) written).release();
        }
        return out.toString();
    }

    private void upstreamSends(String path, String bytes) {
        upstreams.get(path).writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.ISO_8859_1));
    }

    private Http2Headers headersOf(int stream) throws Exception {
        peer.received();
        int index = 0;
        for (String frame : peer.frames) {
            if (frame.startsWith("HEADERS ")) {
                if (frame.startsWith("HEADERS " + stream + " ")) {
                    return peer.headers.get(index);
                }
                index++;
            }
        }
        return null;
    }

    @Test
    void aDeniedStreamGets403WithProxyStatusWhileTheOtherStreamGoesOn() throws Exception {
        peer.request(3, "GET", "/ok", false).request(5, "GET", "/deny-me", true);
        connection.runPendingTasks();

        Http2Headers denied = headersOf(5);
        assertThat(denied.status()).hasToString("403");
        assertThat(denied.get("proxy-status")).asString().startsWith("portcullis; error=http_request_denied");
        assertThat(peer.frames).anyMatch(frame -> frame.startsWith("DATA 5 403 Forbidden: GET /deny-me denied"));
        assertThat(upstreams).containsOnlyKeys("/ok");

        assertThat(upstreamReceived("/ok")).startsWith("GET /ok HTTP/1.1");
        upstreamSends("/ok", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        connection.runPendingTasks();

        assertThat(headersOf(3).status()).hasToString("200");
        assertThat(peer.frames).contains("DATA 3 ok");
        assertThat(records).extracting(r -> r.getInteger(AccessRecord.STREAM) + " " + r.getInteger("status"))
                .containsExactlyInAnyOrder("5 403", "3 200");
        assertThat(connection.isActive()).isTrue();
        assertThat(peer.frames).noneMatch(frame -> frame.startsWith("GOAWAY"));
    }

    @Test
    void aRefusalThatClosesAnHttp1ConnectionClosesOnlyItsStreamAndSendsNoConnectionField() throws Exception {
        peer.request(3, "GET", "/bad", true);
        connection.runPendingTasks();

        Http2Headers refused = headersOf(3);
        assertThat(refused.status()).hasToString("400");
        assertThat(refused.contains("connection")).isFalse();
        assertThat(connection.isActive()).isTrue();

        peer.request(5, "GET", "/ok", true);
        connection.runPendingTasks();
        assertThat(upstreamReceived("/ok")).startsWith("GET /ok HTTP/1.1");
    }

    @Test
    void connectionSpecificFieldsOfAResponseNeverReachTheStream() throws Exception {
        peer.request(3, "GET", "/ok", true);
        connection.runPendingTasks();
        upstreamSends("/ok", "HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n"
                + "Transfer-Encoding: chunked\r\nX-Kept: yes\r\n\r\n2\r\nok\r\n0\r\n\r\n");
        connection.runPendingTasks();

        Http2Headers response = headersOf(3);
        assertThat(response.get("x-kept")).asString().isEqualTo("yes");
        assertThat(response.contains("connection")).isFalse();
        assertThat(response.contains("keep-alive")).isFalse();
        assertThat(response.contains("transfer-encoding")).isFalse();
        assertThat(response.contains("x-http2-stream-id")).isFalse();
        assertThat(peer.frames).contains("DATA 3 ok");
    }

    @ParameterizedTest(name = "request ended first: {0}")
    @ValueSource(booleans = {true, false})
    void aResponseThatEndedIsDeliveredWholeToASlowClientEvenWhenItsUpstreamClosesAtOnce(boolean requestEnded)
            throws Exception {
        connection = newConnection();
        peer = new H2Peer(connection).preface(new Http2Settings().initialWindowSize(10));
        peer.request(3, "GET", "/ok", requestEnded);
        connection.runPendingTasks();
        String body = "0123456789".repeat(10);
        upstreamSends("/ok", "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + body);
        upstreams.get("/ok").close();
        connection.runPendingTasks();
        peer.received();

        assertThat(peer.frames).contains("DATA 3 0123456789");
        peer.windowUpdate(3, 1000);
        connection.runPendingTasks();
        List<String> frames = peer.received();

        assertThat(String.join("", frames.stream().filter(frame -> frame.startsWith("DATA 3 "))
                .map(frame -> frame.substring("DATA 3 ".length())).toList())).isEqualTo(body);
        if (requestEnded) {
            assertThat(frames).noneMatch(frame -> frame.startsWith("RST_STREAM"));
        } else {
            // The client is still sending: the stream is reset, but only after the whole response (RFC 9113 §8.1).
            assertThat(frames.get(frames.size() - 1)).startsWith("RST_STREAM 3");
        }
    }
}

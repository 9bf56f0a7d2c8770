package dev.portcullis.proxy.exchange.h2;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP/2 defences of the gateway's server-side codec ({@link Http2Codecs#server}), frame by frame: raw frames
 * from Netty's own writer into an EmbeddedChannel, the answers read back with Netty's reader. Streams are accepted
 * and left open (nobody answers), as a slow upstream would. Streams start at 3: without a server socket as its
 * parent, Netty takes an EmbeddedChannel for a client, whose stream 1 is reserved for an h2c upgrade.
 */
class Http2CodecsTest {

    private static final long REFUSED_STREAM = Http2Error.REFUSED_STREAM.code();
    private static final long ENHANCE_YOUR_CALM = Http2Error.ENHANCE_YOUR_CALM.code();

    private static EmbeddedChannel server(int maxStreams, int maxHeaderList) {
        return new EmbeddedChannel(Http2Codecs.server(new Http2Codecs.Limits(maxStreams, maxHeaderList)),
                new Http2MultiplexHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel stream) {
                        // Accepted and left open.
                    }
                }), new ChannelInboundHandlerAdapter() {
                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        // The codec answered it with GOAWAY or RST_STREAM already; EmbeddedChannel would rethrow it.
                    }
                });
    }

    private static boolean goAway(List<String> frames) {
        return frames.stream().anyMatch(frame -> frame.startsWith("GOAWAY"));
    }

    @Test
    void theSettingsAdvertiseTheStreamAndHeaderListLimits() throws Exception {
        EmbeddedChannel server = server(100, 32768);
        List<String> frames = new H2Peer(server).preface().received();

        assertThat(frames.get(0)).startsWith("SETTINGS").contains("MAX_CONCURRENT_STREAMS=100")
                .contains("MAX_HEADER_LIST_SIZE=32768");
    }

    @Test
    void aStreamOverMaxConcurrentStreamsIsRefusedAndTheConnectionGoesOn() throws Exception {
        EmbeddedChannel server = server(3, 32768);
        H2Peer peer = new H2Peer(server).preface();
        for (int stream = 3; stream <= 9; stream += 2) {
            peer.request(stream, "GET", "/", false);
        }
        List<String> frames = peer.received();

        assertThat(frames).contains("RST_STREAM 9 " + REFUSED_STREAM);
        assertThat(frames).noneMatch(frame -> frame.matches("RST_STREAM [357] .*"));
        assertThat(goAway(frames)).isFalse();
        assertThat(server.isActive()).isTrue();
    }

    @Test
    void aHeaderListOverMaxHeadersGets431OnItsStreamAlone() throws Exception {
        EmbeddedChannel server = server(100, 1024);
        H2Peer peer = new H2Peer(server).preface();
        peer.headers(3, new DefaultHttp2Headers().method("GET").path("/").scheme("https").authority("h.test")
                .add("x-big", "a".repeat(1000)), true);
        List<String> frames = peer.received();

        assertThat(peer.headers).anySatisfy(block -> assertThat(block.status()).hasToString("431"));
        assertThat(goAway(frames)).isFalse();
        assertThat(server.isActive()).isTrue();
    }

    @Test
    void aHeaderListFarOverMaxHeadersEndsTheConnection() throws Exception {
        EmbeddedChannel server = server(100, 1024);
        H2Peer peer = new H2Peer(server).preface();
        peer.headers(3, new DefaultHttp2Headers().method("GET").path("/").scheme("https").authority("h.test")
                .add("x-big", "a".repeat(4000)), true);

        assertThat(goAway(peer.received())).isTrue();
        assertThat(server.isActive()).isFalse();
    }

    @Test
    void rapidResetEndsTheConnectionWithEnhanceYourCalm() throws Exception {
        EmbeddedChannel server = server(100, 32768);
        H2Peer peer = new H2Peer(server).preface();
        int sent = 0;
        for (int stream = 3; server.isActive() && sent < 1000; stream += 2, sent++) {
            peer.request(stream, "GET", "/", false).reset(stream);
        }
        List<String> frames = peer.received();

        assertThat(frames).anyMatch(frame -> frame.startsWith("GOAWAY " + ENHANCE_YOUR_CALM));
        assertThat(server.isActive()).isFalse();
        assertThat(sent).isLessThanOrEqualTo(Http2Codecs.MAX_RST_FRAMES + 1);
    }

    @Test
    void aFloodOfLargeContinuationFramesEndsTheConnectionBeforeTheBlockOutgrowsTheLimit() throws Exception {
        int maxHeaders = 32768;
        EmbeddedChannel server = server(100, maxHeaders);
        H2Peer peer = new H2Peer(server).preface().openHeaderBlock(3);
        int frames = 0;
        while (server.isActive() && frames < 10_000) {
            peer.continuation(3, 16 * 1024 - 1);
            frames++;
        }

        assertThat(goAway(peer.received())).isTrue();
        assertThat(server.isActive()).isFalse();
        // Netty drops the block at its go-away size (a quarter over the limit): what a flood costs is bounded.
        assertThat((long) frames * 16 * 1024).isLessThanOrEqualTo(maxHeaders + maxHeaders / 4 + 32 * 1024);
    }

    @Test
    void aFloodOfSmallContinuationFramesEndsTheConnection() throws Exception {
        EmbeddedChannel server = server(100, 32768);
        H2Peer peer = new H2Peer(server).preface().openHeaderBlock(3);
        int frames = 0;
        while (server.isActive() && frames < 10_000) {
            peer.continuation(3, 1);
            frames++;
        }

        assertThat(peer.received()).anyMatch(frame -> frame.startsWith("GOAWAY"));
        assertThat(server.isActive()).isFalse();
        assertThat(frames).isLessThanOrEqualTo(Http2Codecs.MAX_SMALL_CONTINUATIONS + 1);
    }
}

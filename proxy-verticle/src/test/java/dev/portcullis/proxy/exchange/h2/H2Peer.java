package dev.portcullis.proxy.exchange.h2;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Flags;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;

import java.util.ArrayList;
import java.util.List;

/**
 * The far end of an HTTP/2 connection for byte-level tests: frames written with Netty's own
 * {@link DefaultHttp2FrameWriter} (also raw ones, e.g. CONTINUATION floods, through {@code writeFrame}) into the
 * channel under test, and its answers read back with {@link DefaultHttp2FrameReader} into {@link #frames}.
 */
final class H2Peer {

    /** What the channel under test sent, one line per frame: "SETTINGS ...", "HEADERS 1 {...}", "GOAWAY 11". */
    final List<String> frames = new ArrayList<>();
    final List<Http2Headers> headers = new ArrayList<>();
    private final EmbeddedChannel tested;
    private final EmbeddedChannel scratch = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
    private final ChannelHandlerContext ctx = scratch.pipeline().firstContext();
    private final DefaultHttp2FrameWriter writer = new DefaultHttp2FrameWriter();
    private final DefaultHttp2FrameReader reader = new DefaultHttp2FrameReader();
    private ByteBuf unread = Unpooled.buffer();

    H2Peer(EmbeddedChannel tested) {
        this.tested = tested;
    }

    /** The client connection preface (RFC 9113 §3.4) and an empty SETTINGS frame. */
    H2Peer preface() {
        return preface(new Http2Settings());
    }

    /** The client connection preface (RFC 9113 §3.4) with {@code settings}. */
    H2Peer preface(Http2Settings settings) {
        send(Http2CodecUtil.connectionPrefaceBuf());
        writer.writeSettings(ctx, settings, ctx.newPromise());
        return flush();
    }

    /** Acknowledges the tested side's SETTINGS, which Netty needs before it applies its own. */
    H2Peer settingsAck() {
        writer.writeSettingsAck(ctx, ctx.newPromise());
        return flush();
    }

    /** Gives the tested side {@code bytes} more window on {@code stream} (0: the connection). */
    H2Peer windowUpdate(int stream, int bytes) {
        writer.writeWindowUpdate(ctx, stream, bytes, ctx.newPromise());
        return flush();
    }

    H2Peer request(int stream, String method, String path, boolean endStream) {
        Http2Headers request = new DefaultHttp2Headers().method(method).path(path).scheme("https")
                .authority("h.test");
        return headers(stream, request, endStream);
    }

    H2Peer headers(int stream, Http2Headers block, boolean endStream) {
        writer.writeHeaders(ctx, stream, block, 0, endStream, ctx.newPromise());
        return flush();
    }

    H2Peer reset(int stream) {
        writer.writeRstStream(ctx, stream, 0x8 /* CANCEL */, ctx.newPromise());
        return flush();
    }

    /** A HEADERS frame without END_HEADERS: a header block that CONTINUATION frames must finish. */
    H2Peer openHeaderBlock(int stream) throws Http2Exception {
        ByteBuf block = Unpooled.buffer();
        new DefaultHttp2HeadersEncoder().encodeHeaders(stream, new DefaultHttp2Headers().method("GET").path("/")
                .scheme("https").authority("h.test"), block);
        writer.writeFrame(ctx, (byte) 0x1, stream, new Http2Flags().endOfHeaders(false), block, ctx.newPromise());
        return flush();
    }

    /** A CONTINUATION frame (RFC 9113 §6.10) of {@code size} bytes that does not end the block. */
    H2Peer continuation(int stream, int size) {
        writer.writeFrame(ctx, (byte) 0x9, stream, new Http2Flags().endOfHeaders(false),
                Unpooled.wrappedBuffer(new byte[size]), ctx.newPromise());
        return flush();
    }

    private H2Peer flush() {
        scratch.flush();
        for (Object written; (written = scratch.readOutbound()) != null; ) {
            send((ByteBuf) written);
        }
        return this;
    }

    private void send(ByteBuf bytes) {
        if (tested.isActive()) {
            tested.writeInbound(bytes);
        } else {
            bytes.release();
        }
    }

    /** Reads every frame the channel under test has sent so far into {@link #frames}. */
    List<String> received() throws Http2Exception {
        tested.runPendingTasks();
        for (Object written; (written = tested.readOutbound()) != null; ) {
            unread = Unpooled.wrappedBuffer(unread, (ByteBuf) written);
        }
        reader.readFrame(ctx, unread, new Http2FrameAdapter() {
            @Override
            public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings settings) {
                frames.add("SETTINGS " + settings);
            }

            @Override
            public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers block, int padding,
                                      boolean endOfStream) {
                frames.add("HEADERS " + streamId + " " + block);
                headers.add(block);
            }

            @Override
            public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers block, int dependency,
                                      short weight, boolean exclusive, int padding, boolean endOfStream) {
                onHeadersRead(ctx, streamId, block, padding, endOfStream);
            }

            @Override
            public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding,
                                  boolean endOfStream) {
                frames.add("DATA " + streamId + " " + data.toString(java.nio.charset.StandardCharsets.UTF_8));
                return data.readableBytes() + padding;
            }

            @Override
            public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) {
                frames.add("RST_STREAM " + streamId + " " + errorCode);
            }

            @Override
            public void onGoAwayRead(ChannelHandlerContext ctx, int lastStreamId, long errorCode, ByteBuf debugData) {
                frames.add("GOAWAY " + errorCode + " " + debugData.toString(java.nio.charset.StandardCharsets.UTF_8));
            }
        });
        return frames;
    }
}

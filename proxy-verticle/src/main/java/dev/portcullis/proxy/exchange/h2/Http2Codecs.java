package dev.portcullis.proxy.exchange.h2;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;

/**
 * Netty's HTTP/2 frame codecs as the gateway runs them (RFC 9113), with the defences a proxy between strangers
 * needs set explicitly rather than left to defaults that may change (README, "Decrypt inspection"):
 * <ul>
 *   <li>{@code SETTINGS_MAX_CONCURRENT_STREAMS} bounded ({@link Limits#maxConcurrentStreams()}): a stream over it
 *       is refused with {@code RST_STREAM(REFUSED_STREAM)} (RFC 9113 §5.1.2), from the first frame, acknowledged
 *       or not;</li>
 *   <li>{@code SETTINGS_MAX_HEADER_LIST_SIZE} tied to {@code proxy.max-headers}: a larger header list gets a 431
 *       on its stream, one past Netty's go-away margin (a quarter more) ends the connection;</li>
 *   <li>rapid reset (CVE-2023-44487): more than {@value #MAX_RST_FRAMES} {@code RST_STREAM}s from the peer in
 *       {@value #RST_WINDOW_SECONDS} s end the connection with {@code GOAWAY(ENHANCE_YOUR_CALM)};</li>
 *   <li>CONTINUATION floods (CVE-2024-27316 class): Netty stops accumulating a header block at the go-away size
 *       and ends the connection, and refuses more than {@value #MAX_SMALL_CONTINUATIONS} small CONTINUATION
 *       frames in a row, so a block that never ends cannot grow memory;</li>
 *   <li>flow control stays Netty's: a stream's window is only given back as its child channel reads, so a
 *       stream channel that stops reading (its peer is slow) stops the sender (RFC 9113 §5.2).</li>
 * </ul>
 */
public final class Http2Codecs {

    /** {@value}: Netty's default since 4.1.100, stated so it cannot silently change. */
    public static final int MAX_RST_FRAMES = 200;
    public static final int RST_WINDOW_SECONDS = 30;
    /** {@value} CONTINUATION frames smaller than 10 KiB in a row, before the connection is ended. */
    public static final int MAX_SMALL_CONTINUATIONS = 16;
    /**
     * {@value} bytes: the window each stream opens with, both ways (SETTINGS_INITIAL_WINDOW_SIZE). Netty's 64 KiB
     * default makes the sender wait for a WINDOW_UPDATE every 32 KiB, which held h2 bulk through decryption to
     * about 0.6× HTTP/1.1; a stalled stream can hold at most this much in the gateway.
     */
    public static final int STREAM_WINDOW = 1024 * 1024;
    /** {@value} bytes: the connection's window (RFC 9113 §6.9.2: raised by a WINDOW_UPDATE on stream 0). */
    public static final int CONNECTION_WINDOW = 4 * 1024 * 1024;

    /**
     * @param maxConcurrentStreams streams one client connection may have open at once
     * @param maxHeaderListSize    the largest header list (RFC 9113 §6.5.2) accepted, in bytes
     */
    public record Limits(int maxConcurrentStreams, int maxHeaderListSize) {
    }

    /** RFC 9113 §6.9.2: every connection starts with this window, whatever SETTINGS say. */
    private static final int DEFAULT_CONNECTION_WINDOW = 65_535;

    /** Pipeline names of the client side's handlers, after {@code "ssl"}. */
    public static final String SERVER_FRAMES = "portcullis-h2-server";
    public static final String SERVER_STREAMS = "portcullis-h2-server-streams";

    private Http2Codecs() {
    }

    /**
     * Serves h2 on a client connection whose TLS ends in its handler named {@code "ssl"}: the server codec, one
     * child channel per stream running {@code exchanges}, the widened connection window, and no half-close. The
     * one place both decrypt inspection and the reverse listener start serving a client's streams.
     */
    public static void serveStreams(Channel client, Limits limits, StreamExchanges exchanges) {
        client.pipeline().addAfter("ssl", SERVER_FRAMES, server(limits));
        client.pipeline().addAfter(SERVER_FRAMES, SERVER_STREAMS, new Http2MultiplexHandler(exchanges));
        widenConnectionWindow(client);
        // HTTP/2 has no use for TCP half-close (RFC 9113 §5.1 ends streams, GOAWAY connections): a client's FIN
        // closes its connection rather than leaving its streams waiting for the idle timeout.
        client.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, false);
    }

    /** The codec for the client's side of a decrypted connection: the gateway is the server. */
    public static Http2FrameCodec server(Limits limits) {
        Http2FrameCodec codec = defended(Http2FrameCodecBuilder.forServer(), Http2Settings.defaultSettings()
                .initialWindowSize(STREAM_WINDOW)
                .maxConcurrentStreams(limits.maxConcurrentStreams())
                .maxHeaderListSize(limits.maxHeaderListSize()));
        // Netty applies our SETTINGS only once the client acknowledges them, so a client that never does could
        // open streams without bound. Enforced from the first frame instead; a stream refused this way is one the
        // client may retry (RFC 9113 §8.7).
        codec.connection().remote().maxActiveStreams(limits.maxConcurrentStreams());
        return codec;
    }

    /**
     * The codec for the upstream side: the gateway is the client, and accepts no server push (RFC 9113 §8.4). A
     * stream over the server's {@code SETTINGS_MAX_CONCURRENT_STREAMS} waits for a free one (Netty's
     * {@code StreamBufferingEncoder}) instead of failing: the client may have more streams open than the server
     * allows, at most its own {@link Limits#maxConcurrentStreams()}.
     */
    public static Http2FrameCodec client(Limits limits) {
        return defended(Http2FrameCodecBuilder.forClient().encoderEnforceMaxConcurrentStreams(true),
                Http2Settings.defaultSettings()
                        .initialWindowSize(STREAM_WINDOW)
                        .pushEnabled(false)
                        .maxHeaderListSize(limits.maxHeaderListSize()));
    }

    /**
     * Raises the connection window of a codec just installed on {@code channel} from RFC 9113's 65,535 bytes to
     * {@link #CONNECTION_WINDOW}, so the streams of one connection do not share a window smaller than one of them.
     */
    public static void widenConnectionWindow(Channel channel) {
        channel.writeAndFlush(new DefaultHttp2WindowUpdateFrame(CONNECTION_WINDOW - DEFAULT_CONNECTION_WINDOW));
    }

    private static Http2FrameCodec defended(Http2FrameCodecBuilder builder, Http2Settings settings) {
        return builder.initialSettings(settings)
                .validateHeaders(true)
                .decoderEnforceMaxRstFramesPerWindow(MAX_RST_FRAMES, RST_WINDOW_SECONDS)
                .decoderEnforceMaxSmallContinuationFrames(MAX_SMALL_CONTINUATIONS)
                .build();
    }
}

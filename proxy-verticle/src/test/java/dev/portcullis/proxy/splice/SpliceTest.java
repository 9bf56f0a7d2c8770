package dev.portcullis.proxy.splice;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The relay on two in-memory channels: what passes, how much, and how a close travels to the other side. */
class SpliceTest {

    /** A channel whose pipeline ends, like a Vert.x socket's, in a handler named "handler". */
    private static EmbeddedChannel socketLike() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline().addLast("handler", new ChannelInboundHandlerAdapter());
        return channel;
    }

    private static ByteBuf text(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
    }

    private static String written(EmbeddedChannel channel) {
        StringBuilder out = new StringBuilder();
        ByteBuf next;
        while ((next = channel.readOutbound()) != null) {
            out.append(next.toString(StandardCharsets.ISO_8859_1));
            next.release();
        }
        return out.toString();
    }

    @Test
    void theFirstBytesGoUpstreamBeforeAnythingTheClientSendsAfterThem() {
        EmbeddedChannel client = socketLike();
        EmbeddedChannel upstream = socketLike();

        Splice.join(client, upstream, text("HEAD "));
        client.writeInbound(text("body"));

        assertThat(written(upstream)).isEqualTo("HEAD body");
    }

    @Test
    void bytesPassUntouchedBothWaysAndAreCounted() {
        EmbeddedChannel client = socketLike();
        EmbeddedChannel upstream = socketLike();

        Future<SpliceResult> done = Splice.join(client, upstream, null);
        client.writeInbound(text("ping"));
        upstream.writeInbound(text("pong!"));
        upstream.close();

        assertThat(written(upstream)).isEqualTo("ping");
        assertThat(written(client)).isEqualTo("pong!");
        assertThat(done.isComplete()).isTrue();
        assertThat(done.result().bytesUp()).isEqualTo(4);
        assertThat(done.result().bytesDown()).isEqualTo(5);
    }

    @Test
    void theUpstreamClosingClosesTheClientAndSaysWhoClosedFirst() {
        EmbeddedChannel client = socketLike();
        EmbeddedChannel upstream = socketLike();

        Future<SpliceResult> done = Splice.join(client, upstream, null);
        upstream.close();

        assertThat(client.isActive()).isFalse();
        assertThat(done.result().close()).isEqualTo("upstream");
    }

    @Test
    void theDownstreamRelaysTheServersBytesBeforeTheClientDirectionIsJoined() {
        EmbeddedChannel client = socketLike();
        EmbeddedChannel upstream = socketLike();

        Splice downstream = Splice.openDownstream(client, upstream);
        upstream.writeInbound(text("SSH-2.0-banner\r\n"));

        assertThat(written(client)).isEqualTo("SSH-2.0-banner\r\n");
        assertThat(downstream.bytesDown()).isEqualTo(16);
        client.writeInbound(text("not yet relayed"));
        assertThat(written(upstream)).as("client bytes wait for joinClient").isEmpty();
    }
}

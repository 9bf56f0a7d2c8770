package dev.portcullis.proxy.hello;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the first bytes of a TLS connection as they arrive on the wire. Each input is the client's bytes
 * followed by four bytes that choose where the connection splits them into two reads (the corpus under
 * {@code ClientHelloFuzzTestInputs/} holds real JDK hellos, two host_name entries in one SNI extension, duplicate
 * extensions, truncated lengths, lengths past the end, a SOCKS5 greeting). Properties:
 * <ul>
 *   <li>{@link ClientHelloParser} over the handshake body either reads it or refuses with
 *       {@link MalformedClientHelloException}, whatever offset the body sits at in its buffer, without moving
 *       the buffer's indices;</li>
 *   <li>{@link ClientHelloPeek} decides the same way, sends the same alert and passes the same bytes whether the
 *       bytes came in one read or in two; it asks at most once, and once it has asked (and was told to pass)
 *       every byte goes on unchanged. Netty's own refusals (a record over the limit, a record header that
 *       is no TLS record) are allowed, and must not depend on the split either.</li>
 * </ul>
 */
class ClientHelloFuzzTest {

    /** Record (5) and handshake (4) headers in front of the body the parser reads. */
    private static final int HEADERS = 9;
    private static final HexFormat HEX = HexFormat.of();

    @FuzzTest(maxDuration = "10s")
    void peekSplitAnywhereSeesWhatPeekWholeSees(FuzzedDataProvider data) {
        int at = data.consumeInt();
        byte[] bytes = data.consumeRemainingAsBytes();
        int split = Math.floorMod(at, bytes.length + 1);

        if (bytes.length >= HEADERS) {
            parseBodyAtTwoOffsets(Arrays.copyOfRange(bytes, HEADERS, bytes.length));
        }

        Peeked whole = peek(bytes, bytes.length);
        Peeked twoReads = peek(bytes, split);

        assertThat(twoReads).as("peek of %d bytes split at %d", bytes.length, split).isEqualTo(whole);
        assertThat(whole.asked()).hasSizeLessThanOrEqualTo(1);
        if (whole.asked().size() == 1) {
            assertThat(whole.passed()).as("every byte passed on after the decision").isEqualTo(HEX.formatHex(bytes));
        }
    }

    private static void parseBodyAtTwoOffsets(byte[] body) {
        Object atZero = parse(Unpooled.wrappedBuffer(body));
        ByteBuf shifted = Unpooled.buffer(body.length + 3).writeBytes(new byte[] {0x16, 0x03, 0x01}).writeBytes(body);
        shifted.readerIndex(3);
        Object atThree = parse(shifted);
        assertThat(shifted.readerIndex()).as("reader index").isEqualTo(3);
        assertThat(shifted.writerIndex()).as("writer index").isEqualTo(body.length + 3);
        assertThat(atThree).as("parse does not depend on where the body sits").isEqualTo(atZero);
    }

    /** The hello, or the refusal's message; any other exception escapes and is a finding. */
    private static Object parse(ByteBuf body) {
        try {
            return ClientHelloParser.parse(body);
        } catch (MalformedClientHelloException refused) {
            return "refused: " + refused.getMessage();
        }
    }

    private static Peeked peek(byte[] bytes, int split) {
        List<ClientHello> asked = new ArrayList<>();
        EmbeddedChannel channel = new EmbeddedChannel(new ClientHelloPeek(hello -> {
            asked.add(hello);
            return Future.succeededFuture(new PeekOutcome.Pass());
        }));
        String failure = null;
        try {
            // A read never delivers zero bytes, so an empty piece is not written.
            if (split > 0) {
                channel.writeInbound(Unpooled.wrappedBuffer(bytes, 0, split));
            }
            if (split < bytes.length && channel.isOpen()) {
                channel.writeInbound(Unpooled.wrappedBuffer(bytes, split, bytes.length - split));
            }
        } catch (DecoderException e) {
            // Netty's own refusals: a record over the limit (TooLongFrameException), or a record header that is
            // no TLS record (NotSslRecordException, wrapped). Anything else thrown inside the peek, which Netty
            // also wraps, is a finding.
            if (e.getCause() != null && !(e.getCause() instanceof NotSslRecordException)) {
                throw e;
            }
            failure = e.getCause() == null ? e.getClass().getName() : e.getCause().getClass().getName();
        }
        byte[] passed = drain(channel, true);
        byte[] answered = drain(channel, false);
        boolean open = channel.isOpen();
        channel.finishAndReleaseAll();
        return new Peeked(List.copyOf(asked), HEX.formatHex(passed), HEX.formatHex(answered), open, failure);
    }

    private static byte[] drain(EmbeddedChannel channel, boolean inbound) {
        ByteBuf all = Unpooled.buffer();
        ByteBuf next;
        while ((next = inbound ? channel.readInbound() : channel.readOutbound()) != null) {
            all.writeBytes(next);
            next.release();
        }
        byte[] out = new byte[all.readableBytes()];
        all.readBytes(out);
        return out;
    }

    /** What one connection saw: whom it asked, the bytes passed on and answered (hex), whether it stayed open. */
    private record Peeked(List<ClientHello> asked, String passed, String answered, boolean open, String failure) {
    }
}

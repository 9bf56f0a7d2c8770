package dev.portcullis.proxy.hello;

import dev.portcullis.proxy.respond.TlsAlert;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vertx.core.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ClientHelloPeekTest {

    private final List<ClientHello> seen = new ArrayList<>();

    private EmbeddedChannel channel(PeekOutcome outcome) {
        return new EmbeddedChannel(new ClientHelloPeek(hello -> {
            seen.add(hello);
            return Future.succeededFuture(outcome);
        }));
    }

    private static ByteBuf readAll(EmbeddedChannel channel) {
        ByteBuf all = Unpooled.buffer();
        ByteBuf next;
        while ((next = channel.readInbound()) != null) {
            all.writeBytes(next);
            next.release();
        }
        return all;
    }

    @ParameterizedTest(name = "ClientHello in {0}-byte segments is read once and passed on byte for byte")
    @ValueSource(ints = {1, 2, 7, 100, 100_000})
    void fragmentedClientHelloIsPeekedWithoutLosingAByte(int segment) throws Exception {
        byte[] record = ClientHellos.record("split.example", List.of("http/1.1"));
        EmbeddedChannel channel = channel(new PeekOutcome.Pass());

        for (int at = 0; at < record.length; at += segment) {
            channel.writeInbound(Unpooled.wrappedBuffer(record, at, Math.min(segment, record.length - at)));
        }

        assertThat(seen).hasSize(1);
        assertThat(seen.get(0).sni()).isEqualTo("split.example");
        ByteBuf passed = readAll(channel);
        assertThat(ByteBufUtil.bytes(passed)).isEqualTo(record);
        assertThat(channel.pipeline().get(ClientHelloPeek.class)).as("peek removes itself").isNull();
    }

    @Test
    void plainTextFirstBytesAreReportedAsNotTls() {
        EmbeddedChannel channel = channel(new PeekOutcome.Pass());

        channel.writeInbound(Unpooled.copiedBuffer("SSH-2.0-OpenSSH_9.2\r\n", StandardCharsets.US_ASCII));

        assertThat(seen).containsExactly(ClientHello.NOT_TLS);
        assertThat(readAll(channel).toString(StandardCharsets.US_ASCII)).isEqualTo("SSH-2.0-OpenSSH_9.2\r\n");
    }

    @Test
    void aThreeByteSocksGreetingIsDecidedAtOnceAsNotTls() {
        EmbeddedChannel channel = channel(new PeekOutcome.Pass());

        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x05, 0x01, 0x00}));

        assertThat(seen).containsExactly(ClientHello.NOT_TLS);
        assertThat(ByteBufUtil.bytes(readAll(channel))).containsExactly(0x05, 0x01, 0x00);
    }

    @Test
    void aSingleNonTlsByteIsEnoughToRefuse() {
        EmbeddedChannel channel = channel(new PeekOutcome.Refuse(TlsAlert.HANDSHAKE_FAILURE, "not TLS"));

        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x05}));

        assertThat(seen).containsExactly(ClientHello.NOT_TLS);
        assertThat(channel.isOpen()).isFalse();
        assertThat(readAll(channel).readableBytes()).as("nothing passed on").isZero();
    }

    @Test
    void bytesArrivingWhileANotTlsDecisionIsPendingAreKeptInOrder() {
        io.vertx.core.Promise<PeekOutcome> later = io.vertx.core.Promise.promise();
        EmbeddedChannel channel = new EmbeddedChannel(new ClientHelloPeek(hello -> {
            seen.add(hello);
            return later.future();
        }));

        channel.writeInbound(Unpooled.copiedBuffer("SSH-2.0-", StandardCharsets.US_ASCII));
        channel.writeInbound(Unpooled.copiedBuffer("OpenSSH\r\n", StandardCharsets.US_ASCII));
        later.complete(new PeekOutcome.Pass());
        channel.runPendingTasks();

        assertThat(seen).containsExactly(ClientHello.NOT_TLS);
        assertThat(readAll(channel).toString(StandardCharsets.US_ASCII)).isEqualTo("SSH-2.0-OpenSSH\r\n");
    }

    @Test
    void refusalAnswersWithAFatalAlertAndCloses() throws Exception {
        EmbeddedChannel channel = channel(new PeekOutcome.Refuse(TlsAlert.UNRECOGNIZED_NAME, "name mismatch"));

        channel.writeInbound(Unpooled.wrappedBuffer(ClientHellos.record("other.example", List.of())));

        ByteBuf alert = channel.readOutbound();
        assertThat(ByteBufUtil.bytes(alert)).containsExactly(0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 112);
        assertThat(channel.isOpen()).isFalse();
        assertThat(readAll(channel).readableBytes()).as("nothing passed on").isZero();
    }

    @Test
    void clientHelloOverTheLimitIsRefusedWithoutAsking() {
        EmbeddedChannel channel = channel(new PeekOutcome.Pass());
        ByteBuf huge = Unpooled.buffer();
        int length = ClientHelloPeek.MAX_CLIENT_HELLO + 100;
        // One whole 16 KiB record whose handshake message claims more than the limit.
        huge.writeBytes(new byte[] {0x16, 0x03, 0x01, 0x40, 0x00, 0x01});
        huge.writeMedium(length);
        huge.writeZero(0x4000 - 4);

        try {
            channel.writeInbound(huge);
        } catch (RuntimeException expected) {
            // Netty reports the oversized hello as a decoder failure and closes.
        }

        assertThat(seen).isEmpty();
        assertThat(channel.isOpen()).isFalse();
    }

    @ParameterizedTest(name = "a ClientHello over two records cut {0} bytes into the second is read as TLS")
    @ValueSource(ints = {1, 2, 3, 4, 5, 6})
    void helloOverTwoRecordsIsReadWhereverTcpCutsIt(int into) throws Exception {
        byte[] record = ClientHellos.record("split.example", List.of());
        byte[] handshake = java.util.Arrays.copyOfRange(record, 5, record.length);
        ByteBuf records = Unpooled.buffer();
        records.writeBytes(new byte[] {0x16, 0x03, 0x01, 0x00, 50}).writeBytes(handshake, 0, 50);
        records.writeBytes(new byte[] {0x16, 0x03, 0x01}).writeShort(handshake.length - 50)
                .writeBytes(handshake, 50, handshake.length - 50);
        byte[] bytes = ByteBufUtil.bytes(records);
        EmbeddedChannel channel = channel(new PeekOutcome.Pass());

        channel.writeInbound(Unpooled.wrappedBuffer(bytes, 0, 55 + into));
        channel.writeInbound(Unpooled.wrappedBuffer(bytes, 55 + into, bytes.length - 55 - into));

        assertThat(seen).hasSize(1);
        assertThat(seen.get(0).sni()).isEqualTo("split.example");
        assertThat(ByteBufUtil.bytes(readAll(channel))).isEqualTo(bytes);
    }

    @Test
    void handshakeRecordWithoutAClientHelloIsRefusedNotPassedAsNonTls() throws Exception {
        EmbeddedChannel channel = channel(new PeekOutcome.Pass());
        ByteBuf bytes = Unpooled.buffer().writeBytes(new byte[] {0x16, 0x03, 0x01, 0x00, 0x00})
                .writeBytes(ClientHellos.record("other.example", List.of()));

        channel.writeInbound(bytes);

        assertThat(seen).as("not asked: a zero-length handshake record is no ClientHello and no plain text").isEmpty();
        ByteBuf alert = channel.readOutbound();
        assertThat(ByteBufUtil.bytes(alert)).containsExactly(0x15, 0x03, 0x03, 0x00, 0x02, 0x02, TlsAlert.DECODE_ERROR);
        assertThat(channel.isOpen()).isFalse();
        assertThat(readAll(channel).readableBytes()).as("nothing passed on").isZero();
    }

    /** Copies readable bytes out, as the JDK has no ByteBuf helper. */
    private static final class ByteBufUtil {
        static byte[] bytes(ByteBuf buf) {
            byte[] bytes = new byte[buf.readableBytes()];
            buf.getBytes(buf.readerIndex(), bytes);
            return bytes;
        }
    }
}

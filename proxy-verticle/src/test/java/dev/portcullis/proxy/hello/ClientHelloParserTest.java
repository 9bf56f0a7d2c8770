package dev.portcullis.proxy.hello;

import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientHelloParserTest {

    @Test
    void readsSniAndAlpnFromARealClientHello() throws Exception {
        byte[] body = ClientHellos.body(ClientHellos.record("Api.Example.TEST", List.of("h2", "http/1.1")));

        ClientHello hello = ClientHelloParser.parse(Unpooled.wrappedBuffer(body));

        assertThat(hello.tls()).isTrue();
        assertThat(hello.sni()).isEqualTo("api.example.test");
        assertThat(hello.alpn()).containsExactly("h2", "http/1.1");
        assertThat(hello.ech()).isFalse();
    }

    @Test
    void clientHelloWithoutSniHasNoName() throws Exception {
        ClientHello hello = ClientHelloParser.parse(Unpooled.wrappedBuffer(
                ClientHellos.body(ClientHellos.record(null, List.of()))));

        assertThat(hello.sni()).isNull();
        assertThat(hello.alpn()).isEmpty();
    }

    @Test
    void parsingLeavesTheBufferUntouched() throws Exception {
        var buffer = Unpooled.wrappedBuffer(ClientHellos.body(ClientHellos.record("a.test", List.of())));
        int readable = buffer.readableBytes();

        ClientHelloParser.parse(buffer);

        assertThat(buffer.readableBytes()).isEqualTo(readable);
    }

    @ParameterizedTest(name = "truncated after {0} bytes is malformed, never read past")
    @ValueSource(ints = {0, 1, 33, 40, 60, 100})
    void truncatedClientHelloIsMalformed(int keep) throws Exception {
        byte[] body = ClientHellos.body(ClientHellos.record("a.test", List.of("http/1.1")));
        byte[] truncated = Arrays.copyOf(body, Math.min(keep, body.length - 1));

        assertThatThrownBy(() -> ClientHelloParser.parse(Unpooled.wrappedBuffer(truncated)))
                .isInstanceOf(MalformedClientHelloException.class);
    }

    @Test
    void extensionLengthPointingPastTheEndIsMalformed() throws Exception {
        byte[] body = ClientHellos.body(ClientHellos.record("a.test", List.of()));
        byte[] corrupt = body.clone();
        int extensionsLengthAt = extensionsLengthOffset(corrupt);
        corrupt[extensionsLengthAt] = (byte) 0xff;
        corrupt[extensionsLengthAt + 1] = (byte) 0xff;

        assertThatThrownBy(() -> ClientHelloParser.parse(Unpooled.wrappedBuffer(corrupt)))
                .isInstanceOf(MalformedClientHelloException.class);
    }

    private static int extensionsLengthOffset(byte[] body) {
        int at = 2 + 32;
        at += 1 + (body[at] & 0xff);
        at += 2 + (((body[at] & 0xff) << 8) | (body[at + 1] & 0xff));
        at += 1 + (body[at] & 0xff);
        return at;
    }
}

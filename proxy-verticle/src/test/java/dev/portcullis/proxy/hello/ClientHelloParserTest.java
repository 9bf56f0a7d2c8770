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

    /** A minimal ClientHello body (RFC 8446 §4.1.2) with the given extensions, each {type, data}. */
    private static byte[] bodyWith(byte[]... extensions) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x03, 0x03});
        out.writeBytes(new byte[32]);
        out.writeBytes(new byte[] {0x00, 0x00, 0x02, 0x13, 0x01, 0x01, 0x00});
        int length = 0;
        for (byte[] extension : extensions) {
            length += extension.length;
        }
        out.write(length >> 8);
        out.write(length);
        for (byte[] extension : extensions) {
            out.writeBytes(extension);
        }
        return out.toByteArray();
    }

    private static byte[] extension(int type, byte[] data) {
        byte[] out = new byte[4 + data.length];
        out[0] = (byte) (type >> 8);
        out[1] = (byte) type;
        out[2] = (byte) (data.length >> 8);
        out[3] = (byte) data.length;
        System.arraycopy(data, 0, out, 4, data.length);
        return out;
    }

    /** A server_name extension listing these host_names (RFC 6066 §3). */
    private static byte[] serverNames(String... names) {
        java.io.ByteArrayOutputStream list = new java.io.ByteArrayOutputStream();
        for (String name : names) {
            byte[] ascii = name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            list.write(0);
            list.write(ascii.length >> 8);
            list.write(ascii.length);
            list.writeBytes(ascii);
        }
        byte[] entries = list.toByteArray();
        byte[] data = new byte[2 + entries.length];
        data[0] = (byte) (entries.length >> 8);
        data[1] = (byte) entries.length;
        System.arraycopy(entries, 0, data, 2, entries.length);
        return extension(0, data);
    }

    @Test
    void aHandBuiltHelloWithOneNameIsRead() {
        ClientHello hello = ClientHelloParser.parse(Unpooled.wrappedBuffer(bodyWith(serverNames("allowed.test"))));

        assertThat(hello.sni()).isEqualTo("allowed.test");
    }

    @Test
    void twoHostNamesInOneServerNameExtensionAreMalformed() {
        byte[] body = bodyWith(serverNames("allowed.test", "other.test"));

        assertThatThrownBy(() -> ClientHelloParser.parse(Unpooled.wrappedBuffer(body)))
                .isInstanceOf(MalformedClientHelloException.class)
                .hasMessageContaining("more than one host_name");
    }

    @Test
    void twoServerNameExtensionsAreMalformed() {
        byte[] body = bodyWith(serverNames("allowed.test"), serverNames("other.test"));

        assertThatThrownBy(() -> ClientHelloParser.parse(Unpooled.wrappedBuffer(body)))
                .isInstanceOf(MalformedClientHelloException.class)
                .hasMessageContaining("appears twice");
    }

    @Test
    void aDuplicateOfAnyExtensionIsMalformed() {
        byte[] padding = extension(21, new byte[4]);
        byte[] body = bodyWith(serverNames("allowed.test"), padding, padding);

        assertThatThrownBy(() -> ClientHelloParser.parse(Unpooled.wrappedBuffer(body)))
                .isInstanceOf(MalformedClientHelloException.class)
                .hasMessageContaining("extension 21 appears twice");
    }

    private static int extensionsLengthOffset(byte[] body) {
        int at = 2 + 32;
        at += 1 + (body[at] & 0xff);
        at += 2 + (((body[at] & 0xff) << 8) | (body[at + 1] & 0xff));
        at += 1 + (body[at] & 0xff);
        return at;
    }
}

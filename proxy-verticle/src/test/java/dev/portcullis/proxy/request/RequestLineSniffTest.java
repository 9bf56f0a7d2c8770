package dev.portcullis.proxy.request;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class RequestLineSniffTest {

    static Stream<Arguments> firstBytes() {
        return Stream.of(
                Arguments.of("a request line is HTTP", "GET / HTTP/1.1\r\nHost: a\r\n", true),
                Arguments.of("a request line without CR is HTTP", "GET /x HTTP/1.0\n", true),
                Arguments.of("the start of a request line is HTTP until the line is in", "POS", true),
                Arguments.of("an OpenSSH banner is not HTTP", "SSH-2.0-OpenSSH_9.2p1\r\n", false),
                Arguments.of("a lower-case first byte is not HTTP", "get / HTTP/1.1\r\n", false),
                Arguments.of("binary junk is not HTTP", "\u0000\u0001\u0002", false),
                Arguments.of("an upper-case line that is no request line is not HTTP", "HELLO THERE\r\n", false),
                Arguments.of("HTTP/2's preface is not an HTTP/1 request line", "PRI * HTTP/2.0\r\n", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("firstBytes")
    void tellsAnHttpRequestLineFromOtherBytes(String sentence, String bytes, boolean http) {
        assertThat(new RequestLineSniff(8192).stillHttp(Buffer.buffer(bytes))).isEqualTo(http);
    }

    @ParameterizedTest(name = "{0}, in one-byte pieces")
    @MethodSource("firstBytes")
    void tellsTheSameInOneBytePieces(String sentence, String bytes, boolean http) {
        RequestLineSniff sniff = new RequestLineSniff(8192);
        boolean stillHttp = true;
        for (int i = 0; i < bytes.length() && stillHttp; i++) {
            stillHttp = sniff.stillHttp(Buffer.buffer(bytes.substring(i, i + 1)));
        }
        assertThat(stillHttp).isEqualTo(http);
    }
}

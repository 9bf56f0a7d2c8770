package dev.portcullis.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ResponseReaderTest {

    private static final String CONNECT_THEN_RESPONSE = "HTTP/1.1 200 Connection established\r\n\r\n"
            + "HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Length: 13\r\n\r\nhello, world\n";
    private static final String CHUNKED = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;ext=1\r\nhello\r\n8\r\n, world\n\r\n0\r\nTrailer: x\r\n\r\n";
    private static final String UNTIL_CLOSE = "HTTP/1.0 200 OK\r\nConnection: close\r\n\r\n0123456789";

    static Stream<Arguments> readSizes() {
        return IntStream.of(1, 2, 3, 5, 7, 13, 64, 1 << 20).mapToObj(Arguments::of);
    }

    @ParameterizedTest(name = "reads of at most {0} bytes")
    @MethodSource("readSizes")
    void connectResponseLeavesTheTunnelledResponseBuffered(int readSize) throws IOException {
        ResponseReader reader = reader(CONNECT_THEN_RESPONSE, readSize);

        ResponseHead connect = reader.readHead();
        ResponseHead origin = reader.readHead();

        assertThat(connect.status()).isEqualTo(200);
        assertThat(origin.headers()).containsEntry("server", "nginx");
        assertThat(reader.readBody(origin)).isEqualTo(13);
        assertThat(reader.buffered()).isZero();
    }

    @ParameterizedTest(name = "reads of at most {0} bytes")
    @MethodSource("readSizes")
    void chunkedBodyIsCountedWithoutItsFraming(int readSize) throws IOException {
        ResponseReader reader = reader(CHUNKED, readSize);

        assertThat(reader.readBody(reader.readHead())).isEqualTo(13);
        assertThat(reader.buffered()).isZero();
    }

    @ParameterizedTest(name = "reads of at most {0} bytes")
    @MethodSource("readSizes")
    void bodyWithoutLengthIsReadToTheEndOfTheStream(int readSize) throws IOException {
        ResponseReader reader = reader(UNTIL_CLOSE, readSize);

        assertThat(reader.readBody(reader.readHead())).isEqualTo(10);
    }

    static Stream<Arguments> brokenResponses() {
        return Stream.of(
                Arguments.of("stream closed before anything", "", "connection closed before a response"),
                Arguments.of("stream closed inside the head", "HTTP/1.1 200 OK\r\nA: b\r\n",
                        "connection closed inside a response head"),
                Arguments.of("not HTTP", "SSH-2.0-OpenSSH\r\n\r\n", "malformed status line"),
                Arguments.of("status not a number", "HTTP/1.1 2xx OK\r\n\r\n", "malformed status line"),
                Arguments.of("header without colon", "HTTP/1.1 200 OK\r\nbroken\r\n\r\n", "malformed header line"),
                Arguments.of("body shorter than declared", "HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\nshort",
                        "body shorter than declared"),
                Arguments.of("negative length", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "bad Content-Length"),
                Arguments.of("chunk size not hex", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                        "malformed chunk size"),
                Arguments.of("chunked body cut off", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
                        "body shorter than declared"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenResponses")
    void brokenResponsesFailWithTheirKind(String sentence, String bytes, String kind) {
        assertThatThrownBy(() -> {
            ResponseReader reader = reader(bytes, 3);
            reader.readBody(reader.readHead());
        }).isInstanceOf(ExchangeException.class).hasMessage(kind);
    }

    private static ResponseReader reader(String bytes, int readSize) {
        ResponseReader reader = new ResponseReader(0);
        reader.reset(new Trickle(bytes.getBytes(StandardCharsets.ISO_8859_1), readSize));
        return reader;
    }

    /** Hands out at most a fixed number of bytes per read, as a slow or fragmenting peer would. */
    private static final class Trickle extends InputStream {

        private final ByteArrayInputStream in;
        private final int max;

        Trickle(byte[] bytes, int max) {
            this.in = new ByteArrayInputStream(bytes);
            this.max = max;
        }

        @Override
        public int read() {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            return in.read(b, off, Math.min(len, max));
        }
    }
}

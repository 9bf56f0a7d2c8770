package dev.portcullis.proxy.request;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequestHeadParserTest {

    private static final String CONNECT = "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n"
            + "User-Agent: curl/8\r\n\r\n";
    private static final byte[] CLIENT_HELLO_START = {0x16, 0x03, 0x01, 0x00, 0x05};

    @Test
    void connectHeadSplitAtEverySizeParsesTheSameAndKeepsTheBytesAfterIt() {
        byte[] bytes = Buffer.buffer(CONNECT).appendBytes(CLIENT_HELLO_START).getBytes();
        IntStream.rangeClosed(1, bytes.length).forEach(chunk -> {
            RequestHeadParser parser = new RequestHeadParser(8192, 32768);
            RequestHeadParser.State state = RequestHeadParser.State.NEED_MORE;
            for (int at = 0; at < bytes.length; at += chunk) {
                byte[] piece = java.util.Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + chunk));
                state = parser.feed(Buffer.buffer(piece));
            }
            assertThat(state).as("chunk size %d", chunk).isEqualTo(RequestHeadParser.State.DONE);
            assertThat(parser.head().method()).isEqualTo("CONNECT");
            assertThat(parser.head().target()).isEqualTo("example.com:443");
            assertThat(parser.head().header("user-agent")).isEqualTo("curl/8");
            assertThat(parser.rest().getBytes()).as("chunk size %d", chunk).isEqualTo(CLIENT_HELLO_START);
        });
    }

    @Test
    void incompleteHeadAsksForMore() {
        RequestHeadParser parser = new RequestHeadParser(8192, 32768);
        assertThat(parser.feed(Buffer.buffer("CONNECT example.com:443 HTTP/1.1\r\nHost: x\r\n")))
                .isEqualTo(RequestHeadParser.State.NEED_MORE);
        assertThat(parser.head()).isNull();
    }

    static Stream<Arguments> refusedHeads() {
        return Stream.of(
                Arguments.of("garbage request line", "GARBAGE\r\n\r\n", 400),
                Arguments.of("two spaces in the request line", "CONNECT  a:1 HTTP/1.1\r\n\r\n", 400),
                Arguments.of("HTTP/2 version on an HTTP/1 listener", "CONNECT a:1 HTTP/2.0\r\n\r\n", 400),
                Arguments.of("control character in the target", "CONNECT a\u0001b:1 HTTP/1.1\r\n\r\n", 400),
                Arguments.of("header without colon", "CONNECT a:1 HTTP/1.1\r\nNoColon\r\n\r\n", 400),
                Arguments.of("space before the colon", "CONNECT a:1 HTTP/1.1\r\nHost : a\r\n\r\n", 400),
                Arguments.of("obsolete line folding", "CONNECT a:1 HTTP/1.1\r\nA: b\r\n c\r\n\r\n", 400),
                Arguments.of("bare LF inside a header value", "CONNECT a:1 HTTP/1.1\r\nA: b\nc\r\n\r\n", 400),
                Arguments.of("tab before the colon", "CONNECT a:1 HTTP/1.1\r\nHost\t: a\r\n\r\n", 400),
                Arguments.of("bare LF ending the request line", "CONNECT a:1 HTTP/1.1\nA: b\r\n\r\n", 400),
                Arguments.of("bare LF ending a field line", "CONNECT a:1 HTTP/1.1\r\nA: b\nB: c\r\n\r\n", 400),
                Arguments.of("bare LF before the head's end", "CONNECT a:1 HTTP/1.1\r\nA: b\n\r\n\r\n", 400),
                Arguments.of("bare LF starting a field line", "CONNECT a:1 HTTP/1.1\r\nA: b\r\n\nB: c\r\n\r\n", 400),
                Arguments.of("bare CR ending a field line", "CONNECT a:1 HTTP/1.1\r\nA: b\r\r\n\r\n", 400),
                Arguments.of("obsolete folding with a tab", "CONNECT a:1 HTTP/1.1\r\nA: b\r\n\tc\r\n\r\n", 400),
                Arguments.of("request line over the limit", "CONNECT " + "a".repeat(200) + ":1 HTTP/1.1\r\n\r\n", 414),
                Arguments.of("header block over the limit",
                        "CONNECT a:1 HTTP/1.1\r\nX: " + "a".repeat(600) + "\r\n\r\n", 431));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedHeads")
    void refusesMalformedOrOversizedHeads(String sentence, String head, int status) {
        RequestHeadParser parser = new RequestHeadParser(128, 512);
        assertThatThrownBy(() -> parser.feed(Buffer.buffer(head.getBytes(StandardCharsets.ISO_8859_1))))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.status()).isEqualTo(status));
    }

    @Test
    void oversizedHeaderBlockIsRefusedBeforeItEnds() {
        RequestHeadParser parser = new RequestHeadParser(128, 512);
        parser.feed(Buffer.buffer("CONNECT a:1 HTTP/1.1\r\n"));
        assertThatThrownBy(() -> parser.feed(Buffer.buffer("X: " + "a".repeat(1000))))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.status()).isEqualTo(431));
    }

    @Test
    void endlessRequestLineIsRefusedBeforeItEnds() {
        RequestHeadParser parser = new RequestHeadParser(128, 512);
        assertThatThrownBy(() -> parser.feed(Buffer.buffer("CONNECT " + "a".repeat(300))))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.status()).isEqualTo(414));
    }
}

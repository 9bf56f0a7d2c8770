package dev.portcullis.proxy.request;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client side of a decrypted connection as the inspector builds it ({@link ClientHttpCodec}, then
 * {@link FramingCheck}), fed each hostile request's exact bytes in one write (README, "No smuggling").
 */
class FramingCheckTest {

    private static final String POST = "POST /upload HTTP/1.1\r\nHost: origin.test\r\n";
    /** Would reach a lenient origin as a second request if the first were framed by the wrong header. */
    private static final String HIDDEN = "GET /deny-xte HTTP/1.1\r\nHost: origin.test\r\n\r\n";

    /** What the check passes on, in order; contents as text, released. */
    private static List<String> decode(String bytes) {
        EmbeddedChannel channel = new EmbeddedChannel(ClientHttpCodec.create(4096, 8192), new FramingCheck());
        channel.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.ISO_8859_1));
        List<String> out = new ArrayList<>();
        for (Object message; (message = channel.readInbound()) != null; ) {
            HttpObject http = (HttpObject) message;
            String result = http.decoderResult().isFailure()
                    ? " FAILED " + http.decoderResult().cause() : "";
            if (http instanceof HttpRequest request) {
                out.add(request.method() + " " + request.uri() + result);
            } else {
                String kind = http instanceof LastHttpContent ? "last" : "content";
                out.add(kind + " " + ((HttpContent) http).content().toString(StandardCharsets.ISO_8859_1) + result);
            }
            ReferenceCountUtil.release(message);
        }
        channel.finishAndReleaseAll();
        return out;
    }

    /** Refused: one failed request, and none of its body nor the request behind it is passed on. */
    private static void assertRefused(String bytes, String reason) {
        List<String> out = decode(bytes);
        assertThat(out).hasSize(1);
        assertThat(out.get(0)).contains(" FAILED ").contains(reason);
    }

    @Test
    void contentLengthAndChunkedAreRefusedThoughNettyDropsTheContentLength() {
        assertRefused(POST + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + HIDDEN,
                "both Content-Length and Transfer-Encoding (RFC 9112 section 6.3)");
        assertRefused(POST + "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n" + HIDDEN,
                "both Content-Length and Transfer-Encoding (RFC 9112 section 6.3)");
    }

    @Test
    void xchunkedWithContentLengthIsRefused() {
        String body = "0\r\n\r\n" + HIDDEN;
        assertRefused(POST + "Transfer-Encoding: xchunked\r\nContent-Length: " + body.length() + "\r\n\r\n" + body,
                "both Content-Length and Transfer-Encoding");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"xchunked", "'chunked, identity'", "identity", "'gzip, chunked'",
            "'chunked, chunked'"})
    void transferEncodingOtherThanChunkedIsRefused(String codings) {
        assertRefused(POST + "Transfer-Encoding: " + codings + "\r\n\r\n3\r\nabc\r\n0\r\n\r\n" + HIDDEN,
                "Transfer-Encoding other than chunked");
    }

    @Test
    void transferEncodingInHttp10IsRefused() {
        assertRefused("POST /upload HTTP/1.0\r\nHost: origin.test\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3\r\nabc\r\n0\r\n\r\n", "Transfer-Encoding in an HTTP/1.0 request");
    }

    @Test
    void twoContentLengthsAreRefused() {
        assertRefused(POST + "Content-Length: 3\r\nContent-Length: 46\r\n\r\nabc" + HIDDEN,
                "Multiple Content-Length values");
        assertRefused(POST + "Content-Length: 3, 3\r\n\r\nabc", "Multiple Content-Length values");
    }

    @Test
    void twoContentLengthsInHttp10AreRefusedThoughNettyTakesTheFirst() {
        assertRefused("POST /upload HTTP/1.0\r\nHost: origin.test\r\nContent-Length: 3\r\nContent-Length: 46\r\n\r\n"
                + "abc" + HIDDEN, "more than one Content-Length");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"+3", "-3", "0x3", "3a"})
    void contentLengthThatIsNotDigitsIsRefused(String value) {
        assertRefused(POST + "Content-Length: " + value + "\r\n\r\nabc", "Content-Length");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"content-length", "Transfer-Encoding", "'close, host'"})
    void connectionNamingAFramingFieldIsRefused(String option) {
        assertRefused(POST + "Connection: " + option + "\r\nContent-Length: 3\r\n\r\nabc" + HIDDEN,
                "(RFC 9110 section 7.6.1)");
    }

    @Test
    void bareLfIsRefused() {
        assertRefused(POST + "X-A: 1\nContent-Length: 3\r\n\r\nabc", "Line Feed must be preceded by Carriage Return");
        assertRefused("GET / HTTP/1.1\nHost: origin.test\r\n\r\n", "Line Feed must be preceded by Carriage Return");
        assertRefused(POST + "\n", "Line Feed must be preceded by Carriage Return");
    }

    @Test
    void bareCrOrAnotherControlInAFieldIsRefused() {
        assertRefused(POST + "X-A: 1\rContent-Length: 3\r\n\r\nabc", "Validation failed for header 'X-A'");
        assertRefused(POST + "X-A: 1\u0000\r\nContent-Length: 3\r\n\r\nabc", "Validation failed for header 'X-A'");
        assertRefused(POST + "X-A: 1\u000b2\r\nContent-Length: 3\r\n\r\nabc", "Validation failed for header 'X-A'");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"' '", "'\t'"})
    void whitespaceBeforeTheColonIsRefused(String whitespace) {
        assertRefused(POST + "Content-Length" + whitespace + ": 3\r\n\r\nabc", "a header name can only contain");
    }

    @Test
    void obsFoldIsReplacedBySpaceAndAFoldedTransferEncodingIsStillRefused() {
        // RFC 9112 §5.2: a server may replace obs-fold with SP instead of refusing; Netty does, so nothing folded
        // is forwarded, and the framing fields are read after the replacement.
        EmbeddedChannel channel = new EmbeddedChannel(ClientHttpCodec.create(4096, 8192), new FramingCheck());
        channel.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: origin.test\r\nX-A: one\r\n two\r\n\r\n",
                StandardCharsets.ISO_8859_1));
        HttpRequest request = channel.readInbound();
        assertThat(request.decoderResult().isSuccess()).isTrue();
        assertThat(request.headers().get("X-A")).isEqualTo("one two");
        channel.finishAndReleaseAll();
        assertRefused(POST + "Transfer-Encoding: identity\r\n chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
                "Transfer-Encoding other than chunked");
        // A first field line that starts with whitespace folds nothing: Netty's name validation refuses it.
        assertRefused("POST / HTTP/1.1\r\n Content-Length: 3\r\nHost: origin.test\r\n\r\nabc",
                "a header name can only contain");
    }

    /** A bad chunk fails the body's last content; nothing after it is decoded. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "'g\r\nabc\r\n'|Invalid character in chunk size",
            "'-3\r\nabc\r\n'|Invalid character in chunk size",
            "'0x3\r\nabc\r\n'|Invalid character in chunk size",
            "'\r\nabc\r\n'|NumberFormatException",
            "'3;a=b\r\nabc\r\n'|Invalid chunk extension",
            "'3;a\rb\r\nabc\r\n'|Invalid chunk extension",
            "'3\nabc\r\n'|Line Feed must be preceded by Carriage Return",
            "'3\r\nabcX0\r\n\r\n'|Chunk data sections must be terminated by a CR LF"})
    void malformedChunksFailTheBody(String chunks, String reason) {
        List<String> out = decode(POST + "Transfer-Encoding: chunked\r\n\r\n" + chunks + "0\r\n\r\n" + HIDDEN);
        assertThat(out.get(0)).isEqualTo("POST /upload");
        assertThat(out.get(out.size() - 1)).startsWith("last ").contains(" FAILED ").contains(reason);
        assertThat(out).noneMatch(message -> message.contains("deny-xte"));
    }

    @Test
    void wellFramedRequestsPass() {
        assertThat(decode("GET /a HTTP/1.1\r\nHost: origin.test\r\n\r\n"
                + POST + "Content-Length: 3\r\n\r\nabc"
                + POST + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"))
                .containsExactly("GET /a", "last ", "POST /upload", "last abc",
                        "POST /upload", "content abc", "last ");
    }
}

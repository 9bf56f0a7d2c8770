package dev.portcullis.proxy.request;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ForwardedRequestTest {

    private static RequestHead parse(String text) {
        RequestHeadParser parser = new RequestHeadParser(8192, 32768);
        parser.feed(Buffer.buffer(text));
        return parser.head();
    }

    @Test
    void upstreamRequestIsOriginFormWithHostFromTheUriAndNoHopByHopFields() {
        RequestHead head = parse("GET http://example.com:8080/a/../a?b HTTP/1.1\r\nHost: EXAMPLE.com:8080\r\n"
                + "Proxy-Authorization: Basic secret\r\nProxy-Connection: keep-alive\r\nConnection: X-Custom\r\n"
                + "X-Custom: drop me\r\nAccept: */*\r\n\r\n");
        String upstream = ForwardedRequest.head(head, RequestTarget.of(head)).toString();
        assertThat(upstream).startsWith("GET /a?b HTTP/1.1\r\nHost: example.com:8080\r\n")
                .contains("Accept: */*\r\n")
                .contains("Connection: close\r\n")
                .doesNotContain("EXAMPLE", "Proxy-Authorization", "Proxy-Connection", "X-Custom")
                .endsWith("\r\n\r\n");
    }

    @Test
    void aHostThatDisagreesWithTheUriIsRefusedNotReplaced() {
        RequestHead head = parse("GET http://example.com/ HTTP/1.1\r\nHost: evil.example\r\n\r\n");
        assertThatThrownBy(() -> RequestTarget.of(head))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.status()).isEqualTo(400));
    }

    @Test
    void chunkedRequestBodyIsRefusedWith411() {
        RequestHead head = parse("POST http://example.com/ HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n");
        assertThatThrownBy(() -> ForwardedRequest.bodyLength(head))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.status()).isEqualTo(411));
    }

    @Test
    void conflictingContentLengthsAreRefused() {
        RequestHead head = parse("POST http://example.com/ HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n");
        assertThatThrownBy(() -> ForwardedRequest.bodyLength(head))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.status()).isEqualTo(400));
    }

    /** README, "No smuggling": the plain path reads framing with the same rules as the decrypted one. */
    @Test
    void framingAnotherParserCouldReadDifferentlyIsRefusedWith400() {
        for (String fields : new String[] {
                "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n",
                "Transfer-Encoding: xchunked\r\nContent-Length: 3\r\n",
                "Transfer-Encoding: chunked, identity\r\n",
                "Connection: content-length\r\nContent-Length: 3\r\n",
                "Connection: Transfer-Encoding\r\n",
                "Content-Length: +3\r\n"}) {
            RequestHead head = parse("POST http://example.com/ HTTP/1.1\r\n" + fields + "\r\n");
            assertThatThrownBy(() -> ForwardedRequest.head(head, RequestTarget.of(head)))
                    .as(fields)
                    .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.status()).isEqualTo(400));
        }
    }

    @Test
    void contentLengthGivesTheBodyLength() {
        RequestHead head = parse("POST http://example.com/ HTTP/1.1\r\nContent-Length: 12\r\n\r\n");
        assertThat(ForwardedRequest.bodyLength(head)).isEqualTo(12);
    }
}

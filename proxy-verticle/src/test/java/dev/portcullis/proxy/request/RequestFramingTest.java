package dev.portcullis.proxy.request;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequestFramingTest {

    /** Fields from "Name: value" strings, as either parser gives them. */
    private static List<Map.Entry<String, String>> fields(String... lines) {
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        for (String line : lines) {
            int colon = line.indexOf(':');
            fields.add(new AbstractMap.SimpleImmutableEntry<>(line.substring(0, colon),
                    line.substring(colon + 1).strip()));
        }
        return fields;
    }

    private static void assertRefused(String version, String reason, String... lines) {
        assertThatThrownBy(() -> RequestFraming.of(version, fields(lines)))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).contains(reason);
                });
    }

    @Test
    void noBodyFieldsMeanNoBody() {
        assertThat(RequestFraming.of("HTTP/1.1", fields("Host: a", "Connection: keep-alive")))
                .isEqualTo(new RequestFraming.Framing(RequestFraming.Kind.NONE, 0));
    }

    @Test
    void oneContentLengthIsTheBodyLength() {
        assertThat(RequestFraming.of("HTTP/1.0", fields("content-length: 012")))
                .isEqualTo(new RequestFraming.Framing(RequestFraming.Kind.LENGTH, 12));
    }

    @Test
    void exactlyChunkedInHttp11IsChunked() {
        assertThat(RequestFraming.of("HTTP/1.1", fields("Transfer-Encoding: Chunked")).chunked()).isTrue();
    }

    @Test
    void bothContentLengthAndTransferEncodingAreRefused() {
        assertRefused("HTTP/1.1", "both Content-Length and Transfer-Encoding (RFC 9112 section 6.3)",
                "Content-Length: 3", "Transfer-Encoding: chunked");
        assertRefused("HTTP/1.1", "both Content-Length and Transfer-Encoding",
                "Transfer-Encoding: xchunked", "Content-Length: 3");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"xchunked", "'chunked, identity'", "identity", "'gzip, chunked'",
            "'chunked, chunked'", "'chunked,'", "''", "chunked;q=1"})
    void transferEncodingOtherThanExactlyChunkedIsRefused(String value) {
        assertRefused("HTTP/1.1", "Transfer-Encoding other than chunked", "Transfer-Encoding: " + value);
    }

    @Test
    void twoTransferEncodingFieldsAreRefused() {
        assertRefused("HTTP/1.1", "Transfer-Encoding other than chunked",
                "Transfer-Encoding: chunked", "Transfer-Encoding: chunked");
    }

    @Test
    void transferEncodingInHttp10IsRefused() {
        assertRefused("HTTP/1.0", "Transfer-Encoding in an HTTP/1.0 request (RFC 9112 section 6.1)",
                "Transfer-Encoding: chunked");
    }

    @Test
    void twoContentLengthsAreRefusedEvenWhenEqual() {
        assertRefused("HTTP/1.1", "more than one Content-Length", "Content-Length: 3", "Content-Length: 4");
        assertRefused("HTTP/1.1", "more than one Content-Length", "Content-Length: 3", "Content-Length: 3");
        assertRefused("HTTP/1.0", "more than one Content-Length", "Content-Length: 3", "Content-Length: 40");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"+3", "-3", "'3, 3'", "0x3", "3 3", "''", "3a", "١"})
    void contentLengthThatIsNotDigitsIsRefused(String value) {
        assertRefused("HTTP/1.1", "Content-Length is not 1*DIGIT", "Content-Length: " + value);
    }

    @Test
    void contentLengthPastALongIsRefused() {
        assertRefused("HTTP/1.1", "Content-Length out of range", "Content-Length: 99999999999999999999");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"content-length", "Transfer-Encoding", "'keep-alive, Host'"})
    void connectionNamingAFramingOrRoutingFieldIsRefused(String option) {
        assertRefused("HTTP/1.1", "(RFC 9110 section 7.6.1)", "Connection: " + option, "Content-Length: 3");
    }

    @Test
    void connectionNamingItInASecondFieldIsRefusedToo() {
        assertRefused("HTTP/1.1", "Connection names content-length",
                "Connection: keep-alive", "connection: Content-Length");
    }
}

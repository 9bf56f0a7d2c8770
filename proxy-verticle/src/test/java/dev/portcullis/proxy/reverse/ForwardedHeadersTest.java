package dev.portcullis.proxy.reverse;

import dev.portcullis.api.policy.Service;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What a backend is told about the client: the gateway's word only, never the client's own claim. */
class ForwardedHeadersTest {

    private static HttpHeaders spoofed() {
        return new DefaultHttpHeaders().add("X-Forwarded-For", "10.9.9.9").add("Forwarded", "for=10.9.9.9")
                .add("X-Real-IP", "10.9.9.9").add("X-Forwarded-Host", "admin.internal").add("Accept", "*/*");
    }

    @Test
    void xForwardedReplacesWhatTheClientSent() {
        HttpHeaders headers = spoofed();
        ForwardedHeaders.apply(headers, Service.Forwarded.X_FORWARDED, "203.0.113.7", "shop.test");

        assertThat(headers.getAll("x-forwarded-for")).containsExactly("203.0.113.7");
        assertThat(headers.get("x-forwarded-proto")).isEqualTo("https");
        assertThat(headers.getAll("x-forwarded-host")).containsExactly("shop.test");
        assertThat(headers.contains("forwarded")).isFalse();
        assertThat(headers.contains("x-real-ip")).isFalse();
        assertThat(headers.get("accept")).isEqualTo("*/*");
    }

    @Test
    void rfc7239BracketsAndQuotesAnIpv6ClientAndAHostWithAPort() {
        HttpHeaders headers = spoofed();
        ForwardedHeaders.apply(headers, Service.Forwarded.RFC7239, "2001:db8::7", "shop.test:8443");

        assertThat(headers.getAll("forwarded"))
                .containsExactly("for=\"[2001:db8::7]\";proto=https;host=\"shop.test:8443\"");
        assertThat(headers.contains("x-forwarded-for")).isFalse();
    }

    @Test
    void noneDropsThemAll() {
        HttpHeaders headers = spoofed();
        ForwardedHeaders.apply(headers, Service.Forwarded.NONE, "203.0.113.7", "shop.test");

        assertThat(headers.names()).containsExactly("Accept");
    }
}

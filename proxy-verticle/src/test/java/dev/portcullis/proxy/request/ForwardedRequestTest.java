package dev.portcullis.proxy.request;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A plain request and its response as a forward proxy passes them on (RFC 9110 §7.6.1, §7.6.3, RFC 9112 §3.2.2). */
class ForwardedRequestTest {

    private static HttpRequest request(String uri, String... fields) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
        for (int i = 0; i < fields.length; i += 2) {
            request.headers().add(fields[i], fields[i + 1]);
        }
        return request;
    }

    @Test
    void theUpstreamRequestIsOriginFormWithHostFromTheUriAndNoHopByHopFields() {
        HttpRequest request = request("http://example.com:8080/a/../a?b", "Host", "EXAMPLE.com:8080",
                "Proxy-Authorization", "Basic secret", "Proxy-Connection", "keep-alive", "Connection",
                "X-Custom, keep-alive", "X-Custom", "drop me", "Keep-Alive", "timeout=5", "TE", "trailers",
                "Upgrade", "websocket", "Accept", "*/*");

        ForwardedRequest.rewrite(request, RequestTarget.absoluteForm(request.uri(), List.of("EXAMPLE.com:8080"),
                "HTTP/1.1"));

        assertThat(request.uri()).isEqualTo("/a?b");
        assertThat(request.headers().getAll("Host")).containsExactly("example.com:8080");
        assertThat(request.headers().get("Accept")).isEqualTo("*/*");
        assertThat(request.headers().get("Via")).isEqualTo("1.1 portcullis");
        for (String gone : new String[] {"Proxy-Authorization", "Proxy-Connection", "Connection", "X-Custom",
                "Keep-Alive", "TE", "Upgrade"}) {
            assertThat(request.headers().contains(gone)).as(gone).isFalse();
        }
    }

    @Test
    void viaIsAppendedToWhatEarlierProxiesAdded() {
        HttpRequest request = request("http://example.com/", "Host", "example.com", "Via", "1.0 fred",
                "Via", "1.1 p.example");

        ForwardedRequest.rewrite(request, RequestTarget.absoluteForm(request.uri(), List.of("example.com"),
                "HTTP/1.1"));

        assertThat(request.headers().getAll("Via")).containsExactly("1.0 fred, 1.1 p.example, 1.1 portcullis");
        assertThat(request.headers().get("Host")).isEqualTo("example.com");
    }

    @Test
    void connectionNamingAFramingFieldDoesNotRemoveIt() {
        // Removing Content-Length for it would leave the body to be read as the next request (smuggling).
        HttpRequest request = request("http://example.com/", "Host", "example.com", "Connection",
                "Content-Length, Transfer-Encoding, Host", "Content-Length", "5");

        ForwardedRequest.rewrite(request, RequestTarget.absoluteForm(request.uri(), List.of("example.com"),
                "HTTP/1.1"));

        assertThat(request.headers().get("Content-Length")).isEqualTo("5");
        assertThat(request.headers().get("Host")).isEqualTo("example.com");
    }

    @Test
    void anHttp10RequestGoesUpstreamAsHttp11() {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.GET, "http://example.com/");

        ForwardedRequest.rewrite(request, RequestTarget.absoluteForm(request.uri(), List.of(), "HTTP/1.0"));

        assertThat(request.protocolVersion()).isEqualTo(HttpVersion.HTTP_1_1);
        assertThat(request.headers().get("Host")).isEqualTo("example.com");
    }

    @Test
    void theResponseLosesItsHopByHopFieldsAndGainsVia() {
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_0, HttpResponseStatus.OK);
        response.headers().add("Connection", "close, X-Hop").add("X-Hop", "1").add("Keep-Alive", "timeout=5")
                .add("Transfer-Encoding", "chunked").add("Content-Type", "text/plain");

        ForwardedResponse.rewrite(response);

        assertThat(response.protocolVersion()).isEqualTo(HttpVersion.HTTP_1_1);
        assertThat(response.headers().contains("Connection")).isFalse();
        assertThat(response.headers().contains("X-Hop")).isFalse();
        assertThat(response.headers().contains("Keep-Alive")).isFalse();
        assertThat(response.headers().get("Transfer-Encoding")).as("the codec frames the body again").isEqualTo(
                "chunked");
        assertThat(response.headers().get("Content-Type")).isEqualTo("text/plain");
        assertThat(response.headers().get("Via")).isEqualTo("1.1 portcullis");
    }
}

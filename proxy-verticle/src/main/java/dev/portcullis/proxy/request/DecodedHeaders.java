package dev.portcullis.proxy.request;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The header fields Netty's request decoder builds, validated as Netty's defaults validate them, which also keep
 * the {@code Content-Length} fields as decoded before the decoder rewrites them: it removes them when
 * {@code Transfer-Encoding: chunked} is present ({@code handleTransferEncodingChunkedWithContentLength}) and
 * collapses several into the first in HTTP/1.0. RFC 9112 §6.3 allows a server either; the gateway refuses both
 * (README, "No smuggling"), and {@link RequestFraming} can only refuse what it sees.
 */
final class DecodedHeaders extends DefaultHttpHeaders {

    /** Makes the headers of each decoded request; Netty's default validation of names and values. */
    static final HttpHeadersFactory FACTORY = new HttpHeadersFactory() {
        @Override
        public HttpHeaders newHeaders() {
            return new DecodedHeaders();
        }

        @Override
        public HttpHeaders newEmptyHeaders() {
            return new DecodedHeaders();
        }
    };

    private List<String> decodedContentLength;

    private DecodedHeaders() {
        super(DefaultHttpHeadersFactory.headersFactory().getNameValidator(),
                DefaultHttpHeadersFactory.headersFactory().getValueValidator());
    }

    /** The {@code Content-Length} values as decoded, if they were changed since; else {@code null}. */
    List<String> decodedContentLength() {
        return decodedContentLength;
    }

    @Override
    public HttpHeaders remove(String name) {
        keepContentLength(name);
        return super.remove(name);
    }

    @Override
    public HttpHeaders remove(CharSequence name) {
        keepContentLength(name);
        return super.remove(name);
    }

    @Override
    public HttpHeaders set(String name, Object value) {
        keepContentLength(name);
        return super.set(name, value);
    }

    @Override
    public HttpHeaders set(CharSequence name, Object value) {
        keepContentLength(name);
        return super.set(name, value);
    }

    private void keepContentLength(CharSequence name) {
        // The first change only: one overload may call another.
        if (decodedContentLength == null && HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(name)) {
            decodedContentLength = new ArrayList<>(getAll(HttpHeaderNames.CONTENT_LENGTH));
        }
    }
}

package dev.portcullis.proxy.request;

import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;

/**
 * The Netty codec for HTTP/1.1 from a client, as strict as Netty can be made (README, "No smuggling"); put
 * {@link FramingCheck} right after it for the framing rules Netty does not enforce.
 *
 * <p>What Netty refuses itself, as a request with a failed decoder result: a bare LF ending a line (strict line
 * parsing, RFC 9112 §2.2), whitespace before a field's colon and bare CR or other controls in a field (Netty's
 * header validation, RFC 9112 §5.1), two {@code Content-Length} fields or a list, and a {@code Content-Length}
 * that is not a number. In a chunked body it refuses a size that is not hex, a chunk extension and a chunk not
 * ended by CRLF, as a failed last content. Obsolete line folding is not refused but replaced by a space before
 * the value is read or forwarded, which RFC 9112 §5.2 allows a server in place of 400; nothing folded is
 * forwarded. Netty has no option to refuse it, and finding a fold without one means finding where each head
 * ends in the raw bytes, which only a second HTTP parser could do.
 *
 * <p>Netty 4.2.12 is lenient about chunk sizes in ways no option changes: whitespace before the size and
 * anything after a space following it are ignored, and a size of {@code 2^32} or more can wrap
 * ({@code 10000000000000003} is read as 3, {@code 100000000} as the last chunk). None of it can reach the
 * origin: the body is re-chunked upstream with the sizes Netty read, so the origin reads the requests the policy
 * decided.
 */
public final class ClientHttpCodec {

    /** {@value} bytes: the most of a body the codecs hand on at a time, both ways. */
    public static final int MAX_CHUNK = 8192;

    private ClientHttpCodec() {
    }

    public static HttpServerCodec create(int maxInitialLine, int maxHeaders) {
        return new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(maxInitialLine)
                .setMaxHeaderSize(maxHeaders)
                .setMaxChunkSize(MAX_CHUNK)
                // Netty's default, but one a system property can turn off.
                .setStrictLineParsing(true)
                .setAllowDuplicateContentLengths(false)
                .setHeadersFactory(DecodedHeaders.FACTORY));
    }
}

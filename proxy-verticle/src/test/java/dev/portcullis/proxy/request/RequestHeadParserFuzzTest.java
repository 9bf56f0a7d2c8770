package dev.portcullis.proxy.request;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vertx.core.buffer.Buffer;

import java.util.HexFormat;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the request-head parser with a client's bytes, followed by four bytes that choose where the connection
 * splits them into two reads (the corpus under {@code RequestHeadParserFuzzTestInputs/} holds CONNECT lines,
 * absolute-form, two Host headers, obs-fold, bare CR, NUL, over-long lines and a TLS record on the HTTP port).
 * The limits are small so that the fuzzer reaches them. Properties:
 * <ul>
 *   <li>the only refusal is {@link BadRequestException} with 400, 414 or 431;</li>
 *   <li>two reads give the same head and the same bytes after it, the same refusal status, or both still
 *       wait, as one read of the same bytes does: a limit cannot depend on how TCP cut the bytes;</li>
 *   <li>a head that is read has a token method, a target without controls or spaces, HTTP/1.0 or 1.1, token
 *       header names and values without CR, LF or NUL, within the limits.</li>
 * </ul>
 */
class RequestHeadParserFuzzTest {

    private static final int MAX_REQUEST_LINE = 64;
    private static final int MAX_HEADER_BLOCK = 256;
    private static final Set<Integer> REFUSALS = Set.of(400, 414, 431);

    @FuzzTest(maxDuration = "10s")
    void twoReadsGiveWhatOneReadGives(FuzzedDataProvider data) {
        int at = data.consumeInt();
        byte[] bytes = data.consumeRemainingAsBytes();
        int split = Math.floorMod(at, bytes.length + 1);

        Object whole = read(bytes, bytes.length);
        Object twoReads = read(bytes, split);

        assertThat(twoReads).as("%d bytes split at %d", bytes.length, split).isEqualTo(whole);
        if (whole instanceof Read read) {
            wellFormed(read.head());
        }
    }

    /** A {@link Read}, the refusal's status, or "need more". */
    private static Object read(byte[] bytes, int split) {
        RequestHeadParser parser = new RequestHeadParser(MAX_REQUEST_LINE, MAX_HEADER_BLOCK);
        RequestHeadParser.State state = RequestHeadParser.State.NEED_MORE;
        try {
            // A read never delivers zero bytes, so an empty piece is not fed.
            if (split > 0) {
                state = parser.feed(Buffer.buffer(bytes).getBuffer(0, split));
            }
            if (split < bytes.length) {
                state = parser.feed(Buffer.buffer(bytes).getBuffer(split, bytes.length));
            }
        } catch (BadRequestException refused) {
            assertThat(REFUSALS).as("refusal status for %s", refused.getMessage()).contains(refused.status());
            return refused.status();
        }
        if (state == RequestHeadParser.State.NEED_MORE) {
            assertThat(parser.head()).isNull();
            return "need more";
        }
        return new Read(parser.head(), HexFormat.of().formatHex(parser.rest().getBytes()));
    }

    private static void wellFormed(RequestHead head) {
        assertThat(head.method()).matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
        assertThat(head.target()).isNotEmpty().matches("[\\x21-\\x7e]+");
        assertThat(head.version()).isIn("HTTP/1.0", "HTTP/1.1");
        int requestLine = head.method().length() + head.target().length() + head.version().length() + 2;
        assertThat(requestLine).isLessThanOrEqualTo(MAX_REQUEST_LINE);
        for (Map.Entry<String, String> header : head.headers()) {
            assertThat(header.getKey()).matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
            assertThat(header.getValue()).doesNotContain("\r", "\n", "\0");
        }
    }

    private record Read(RequestHead head, String rest) {
    }
}

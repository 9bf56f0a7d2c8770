package dev.portcullis.api.host;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes {@link HostName#parse} with arbitrary text (the corpus under {@code HostNameFuzzTestInputs/} holds IDN
 * homographs, numeric IPv4 spellings, bracketed and mapped IPv6, trailing dots, over-long labels and '_').
 * Properties: the only refusal is {@link InvalidHostException}; a normalised name normalises to itself, of the
 * same kind, so a policy pattern and a client's spelling of one destination cannot drift apart.
 */
class HostNameFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void normalisingIsTotalAndIdempotent(byte[] input) {
        String raw = new String(input, StandardCharsets.UTF_8);
        HostName first;
        try {
            first = HostName.parse(raw);
        } catch (InvalidHostException refused) {
            return;
        }
        HostName second = HostName.parse(first.value());
        assertThat(second).as("normalising %s twice", HostName.printable(raw)).isEqualTo(first);
    }
}

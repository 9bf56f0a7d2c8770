package dev.portcullis.proxy.intercept;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** ALPN end to end (RFC 7301): what the server is offered, and what the client is then offered. */
class AlpnChoiceTest {

    @Test
    void theServerIsOfferedTheClientsInspectableProtocolsInTheClientsOrder() {
        assertThat(AlpnChoice.upstreamOffer(List.of("h2", "http/1.1"))).containsExactly("h2", "http/1.1");
        assertThat(AlpnChoice.upstreamOffer(List.of("http/1.1", "h2"))).containsExactly("http/1.1", "h2");
        assertThat(AlpnChoice.upstreamOffer(List.of("h3", "h2", "spdy/3.1"))).containsExactly("h2");
    }

    @Test
    void aClientWithoutAlpnSpeaksHttp11AndOneWithNothingInspectableGetsNothing() {
        assertThat(AlpnChoice.upstreamOffer(List.of())).containsExactly("http/1.1");
        assertThat(AlpnChoice.upstreamOffer(List.of("acme-tls/1"))).isEmpty();
    }

    @Test
    void theClientIsOfferedExactlyWhatTheServerSelected() {
        assertThat(AlpnChoice.forClient(List.of("h2", "http/1.1"), "h2")).contains("h2");
        assertThat(AlpnChoice.forClient(List.of("h2", "http/1.1"), "http/1.1")).contains("http/1.1");
        assertThat(AlpnChoice.forClient(List.of("h2", "http/1.1"), null)).contains("http/1.1");
        assertThat(AlpnChoice.forClient(List.of(), null)).contains("http/1.1");
    }

    @Test
    void anH2OnlyClientAndAServerWithoutH2ShareNothing() {
        assertThat(AlpnChoice.forClient(List.of("h2"), null)).isEqualTo(Optional.empty());
        assertThat(AlpnChoice.forClient(List.of("h2"), "http/1.1")).isEmpty();
    }
}

package dev.portcullis.node.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What may go into the served JavaScript: only names the host-name parser accepts, normalised. */
class PacSettingsTest {

    @Test
    void directNamesAreNormalisedAndSuffixesKeepTheirStar() {
        PacSettings pac = new PacSettings(true, "Proxy.Example:3128", List.of("Intranet.Example.", ".corp.example",
                "*.Lab.Example", "10.0.0.1"));

        assertThat(pac.direct()).containsExactly("intranet.example", "*.corp.example", "*.lab.example", "10.0.0.1");
        assertThat(pac.proxy()).isEqualTo("proxy.example:3128");
    }

    @ParameterizedTest(name = "refused: {0}")
    @ValueSource(strings = {"a.example\"; return \"DIRECT", "a.example\\u0022", "a b.example", "*.10.0.0.1", "[::1]",
            "</script>", ""})
    void anythingButAHostNameOrSuffixIsRefusedWithTheKey(String entry) {
        assertThatThrownBy(() -> new PacSettings(true, null, List.of(entry)))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("admin.pac.direct: ");
    }

    @ParameterizedTest(name = "refused proxy: {0}")
    @ValueSource(strings = {"proxy.example", "proxy.example:0", "proxy.example:http", "a\"b:3128", ":3128"})
    void aProxyAddressMustBeHostAndPort(String proxy) {
        assertThatThrownBy(() -> new PacSettings(true, proxy, List.of()))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("admin.pac.proxy must be host:port");
    }
}

package dev.portcullis.dns.upstream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerAddressesTest {

    @ParameterizedTest(name = "{0} is read as {1}")
    @CsvSource(delimiter = '|', value = {
            "192.0.2.53           | 192.0.2.53:53",
            "192.0.2.53:5353      | 192.0.2.53:5353",
            "' 192.0.2.53 '       | 192.0.2.53:53",
            "[2001:db8::53]:5353  | [2001:db8:0:0:0:0:0:53]:5353",
            "[2001:db8::53]       | [2001:db8:0:0:0:0:0:53]:53",
            "2001:db8::53         | [2001:db8:0:0:0:0:0:53]:53",
            "[::1]:53             | [0:0:0:0:0:0:0:1]:53"})
    void addressIsReadAndWrittenBack(String text, String formatted) {
        InetSocketAddress address = ServerAddresses.parse("servers[0]", text);

        assertThat(ServerAddresses.format(address)).isEqualTo(formatted);
        assertThat(ServerAddresses.parse("servers[0]", formatted)).isEqualTo(address);
    }

    @ParameterizedTest(name = "''{0}'' is refused")
    @ValueSource(strings = {"", "dns.test", "dns.test:53", "[::1", "[::1]53", "[dns.test]:53", "192.0.2.53:0",
            "192.0.2.53:x", "192.0.2.256"})
    void notAnIpLiteralIsRefusedNamingTheField(String text) {
        assertThatThrownBy(() -> ServerAddresses.parse("servers[3]", text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("servers[3] ");
    }
}

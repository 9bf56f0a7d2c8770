package dev.portcullis.node.bridge;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** A refused frame's address is the client's text: the log line shows it without breaking lines. */
class PolicyBridgeLogTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "an ordinary address is shown as it is | portcullis.ca.sign.v1 | portcullis.ca.sign.v1",
            "a line break cannot forge a second log line | a\\nWARN forged | a?WARN forged",
            "a carriage return and a tab are replaced | a\\rb\\tc | a?b?c"})
    void addressesAreLoggedPrintably(String what, String address, String logged) {
        String input = address.replace("\\n", "\n").replace("\\r", "\r").replace("\\t", "\t");

        assertThat(PolicyBridge.printable(input)).isEqualTo(logged);
    }

    @ParameterizedTest(name = "an address of {0} characters is clipped to 200")
    @CsvSource({"201", "100000"})
    void longAddressesAreClipped(int length) {
        assertThat(PolicyBridge.printable("a".repeat(length))).isEqualTo("a".repeat(200) + "...");
    }
}

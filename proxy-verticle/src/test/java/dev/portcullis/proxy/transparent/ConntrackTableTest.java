package dev.portcullis.proxy.transparent;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ConntrackTableTest {

    private static final List<String> TABLE = List.of(
            "ipv4     2 udp      17 25 src=10.0.0.2 dst=10.0.0.1 sport=5353 dport=53 src=10.0.0.1 dst=10.0.0.2"
                    + " sport=40053 dport=5353 mark=0 zone=0 use=2",
            "ipv4     2 tcp      6 431999 ESTABLISHED src=10.0.0.2 dst=192.0.2.9 sport=40022 dport=22"
                    + " src=10.0.0.1 dst=10.0.0.2 sport=8022 dport=40022 [ASSURED] mark=0 zone=0 use=2",
            "ipv4     2 tcp      6 117 TIME_WAIT src=10.0.0.3 dst=192.0.2.7 sport=40022 dport=443"
                    + " src=192.0.2.7 dst=10.0.0.3 sport=443 dport=40022 [ASSURED] mark=0 zone=0 use=2",
            "ipv6     10 tcp      6 300 ESTABLISHED src=fd00::2 dst=2001:db8::9 sport=41000 dport=22"
                    + " src=fd00::1 dst=fd00::2 sport=8022 dport=41000 [ASSURED] mark=0 zone=0 use=2");

    @Test
    void aRedirectedConnectionIsFoundByItsClientAndTheListener() {
        assertThat(ConntrackTable.originalDestination(TABLE, new InetSocketAddress("10.0.0.2", 40022),
                new InetSocketAddress("10.0.0.1", 8022)))
                .contains(new InetSocketAddress("192.0.2.9", 22));
    }

    @Test
    void ipv6EntriesMatchWhateverFormTheAddressIsWrittenIn() {
        assertThat(ConntrackTable.originalDestination(TABLE, new InetSocketAddress("fd00:0:0:0:0:0:0:2", 41000),
                new InetSocketAddress("fd00::1", 8022)))
                .contains(new InetSocketAddress("2001:db8::9", 22));
    }

    @Test
    void anEntryThatWasNotRedirectedToTheListenerIsNotTaken() {
        assertThat(ConntrackTable.originalDestination(TABLE, new InetSocketAddress("10.0.0.3", 40022),
                new InetSocketAddress("10.0.0.1", 8022))).isEmpty();
    }

    @Test
    void noTableMeansNoAnswer() {
        assertThat(ConntrackTable.originalDestination(List.of(), new InetSocketAddress("10.0.0.2", 40022),
                new InetSocketAddress("10.0.0.1", 8022))).isEmpty();
    }
}

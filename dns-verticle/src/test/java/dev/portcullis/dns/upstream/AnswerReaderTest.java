package dev.portcullis.dns.upstream;

import dev.portcullis.dns.testing.DnsWire;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DefaultDnsResponse;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsSection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;

import static org.assertj.core.api.Assertions.assertThat;

/** Answer sections built record by record, no sockets. */
class AnswerReaderTest {

    private final DnsResponse response = new DefaultDnsResponse(1);

    @AfterEach
    void release() {
        response.release();
    }

    @Test
    void addressesComeInAnswerOrderWithTheSmallestTtl() {
        address("api.test.", DnsRecordType.A, 300, "192.0.2.2");
        address("api.test.", DnsRecordType.A, 60, "192.0.2.1");
        address("api.test.", DnsRecordType.A, 120, "192.0.2.2");

        AnswerReader.Read read = AnswerReader.read(response, "api.test", DnsRecordType.A);

        assertThat(read.addresses()).extracting(InetAddress::getHostAddress).containsExactly("192.0.2.2", "192.0.2.1");
        assertThat(read.minTtlSeconds()).isEqualTo(60);
        assertThat(read.unresolvedAlias()).isNull();
    }

    @Test
    void recordsOfOtherNamesAndTypesAreIgnored() {
        address("evil.test.", DnsRecordType.A, 60, "203.0.113.66");
        address("api.test.", DnsRecordType.AAAA, 60, "2001:db8::1");
        address("API.test.", DnsRecordType.A, 60, "192.0.2.1");

        AnswerReader.Read read = AnswerReader.read(response, "api.test", DnsRecordType.A);

        assertThat(read.addresses()).extracting(InetAddress::getHostAddress).containsExactly("192.0.2.1");
    }

    @Test
    void aliasChainIsFollowedAndItsTtlCounts() {
        alias("www.test.", 30, "cdn.test.");
        alias("cdn.test.", 600, "edge.test.");
        address("edge.test.", DnsRecordType.AAAA, 120, "2001:db8::7");

        AnswerReader.Read read = AnswerReader.read(response, "www.test", DnsRecordType.AAAA);

        assertThat(read.addresses()).extracting(InetAddress::getHostAddress).containsExactly("2001:db8:0:0:0:0:0:7");
        assertThat(read.minTtlSeconds()).isEqualTo(30);
    }

    @Test
    void chainThatEndsWithoutAddressesNamesTheAliasToAskNext() {
        alias("www.test.", 30, "elsewhere.test.");

        AnswerReader.Read read = AnswerReader.read(response, "www.test", DnsRecordType.A);

        assertThat(read.addresses()).isEmpty();
        assertThat(read.unresolvedAlias()).isEqualTo("elsewhere.test.");
        assertThat(read.minTtlSeconds()).isEqualTo(30);
    }

    @Test
    void aliasLoopEndsWithoutAddresses() {
        alias("a.test.", 30, "b.test.");
        alias("b.test.", 30, "a.test.");

        AnswerReader.Read read = AnswerReader.read(response, "a.test", DnsRecordType.A);

        assertThat(read.addresses()).isEmpty();
    }

    @Test
    void emptyAnswerHasNoAddressAndNoAlias() {
        AnswerReader.Read read = AnswerReader.read(response, "api.test", DnsRecordType.A);

        assertThat(read.addresses()).isEmpty();
        assertThat(read.unresolvedAlias()).isNull();
    }

    @Test
    void addressDataOfTheWrongLengthIsSkipped() {
        response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord("api.test.", DnsRecordType.A, 60,
                Unpooled.wrappedBuffer(new byte[] {1, 2, 3})));
        address("api.test.", DnsRecordType.A, 60, "192.0.2.1");

        AnswerReader.Read read = AnswerReader.read(response, "api.test", DnsRecordType.A);

        assertThat(read.addresses()).extracting(InetAddress::getHostAddress).containsExactly("192.0.2.1");
    }

    @Test
    void ttlWithTheTopBitSetCountsAsZero() {
        address("api.test.", DnsRecordType.A, 0x8000_0000L, "192.0.2.1");

        assertThat(AnswerReader.read(response, "api.test", DnsRecordType.A).minTtlSeconds()).isZero();
    }

    private void address(String name, DnsRecordType type, long ttl, String ip) {
        try {
            response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(name, type, ttl,
                    Unpooled.wrappedBuffer(InetAddress.getByName(ip).getAddress())));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(ip, e);
        }
    }

    private void alias(String name, long ttl, String target) {
        response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(name, DnsRecordType.CNAME, ttl,
                DnsWire.name(target)));
    }
}

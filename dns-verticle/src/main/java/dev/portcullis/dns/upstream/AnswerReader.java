package dev.portcullis.dns.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.dns.DefaultDnsRecordDecoder;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsSection;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the addresses for one question out of a response's answer section, following the CNAME chain the
 * resolver included (RFC 1034 §3.6.2: a recursive answer carries the aliases and then the records of the
 * canonical name). Records owned by names outside the chain are ignored.
 */
final class AnswerReader {

    /** Longer chains than this inside one answer are treated as a loop. */
    static final int MAX_CHAIN = 16;

    /**
     * What one answer says about a name.
     *
     * @param addresses       the addresses of the asked type, in answer order, without duplicates; may be empty
     * @param minTtlSeconds   the smallest TTL of the records used (aliases included); {@link Long#MAX_VALUE} when
     *                        none was used
     * @param unresolvedAlias the canonical name the chain ended at when it had no address in this answer, to be
     *                        asked next; {@code null} when there was no alias or addresses were found
     */
    record Read(List<InetAddress> addresses, long minTtlSeconds, String unresolvedAlias) {
    }

    private AnswerReader() {
    }

    static Read read(DnsResponse response, String name, DnsRecordType type) {
        Map<String, DnsRecord> aliases = new HashMap<>();
        Map<String, List<DnsRecord>> addressRecords = new HashMap<>();
        int count = response.count(DnsSection.ANSWER);
        for (int i = 0; i < count; i++) {
            DnsRecord record = response.recordAt(DnsSection.ANSWER, i);
            if (record.dnsClass() != DnsRecord.CLASS_IN || !(record instanceof DnsRawRecord)) {
                continue;
            }
            String owner = fqdn(record.name());
            if (record.type() == DnsRecordType.CNAME) {
                aliases.putIfAbsent(owner, record);
            } else if (record.type() == type) {
                addressRecords.computeIfAbsent(owner, k -> new ArrayList<>()).add(record);
            }
        }

        String current = fqdn(name);
        long minTtl = Long.MAX_VALUE;
        for (int hop = 0; hop <= MAX_CHAIN; hop++) {
            List<DnsRecord> records = addressRecords.get(current);
            if (records != null) {
                List<InetAddress> addresses = new ArrayList<>(records.size());
                for (DnsRecord record : records) {
                    InetAddress address = address((DnsRawRecord) record, type);
                    if (address != null && !addresses.contains(address)) {
                        addresses.add(address);
                        minTtl = Math.min(minTtl, ttlSeconds(record));
                    }
                }
                if (!addresses.isEmpty()) {
                    return new Read(addresses, minTtl, null);
                }
            }
            DnsRecord alias = aliases.get(current);
            String target = alias == null ? null : target((DnsRawRecord) alias);
            if (target == null || target.equals(current)) {
                break;
            }
            minTtl = Math.min(minTtl, ttlSeconds(alias));
            current = target;
        }
        String unresolved = current.equals(fqdn(name)) ? null : current;
        return new Read(List.of(), minTtl, unresolved);
    }

    /** The name in the form records carry: lower-case with the trailing dot. */
    static String fqdn(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower : lower + ".";
    }

    // RFC 2181 §8: a TTL with the most significant bit set is treated as zero.
    private static long ttlSeconds(DnsRecord record) {
        long ttl = record.timeToLive();
        return ttl < 0 || ttl > Integer.MAX_VALUE ? 0 : ttl;
    }

    private static InetAddress address(DnsRawRecord record, DnsRecordType type) {
        ByteBuf content = record.content();
        int expected = type == DnsRecordType.A ? 4 : 16;
        if (content.readableBytes() != expected) {
            return null;
        }
        try {
            // Note: Java turns an IPv4-mapped AAAA (::ffff:a.b.c.d) into an Inet4Address, so the destination guard
            // sees it as the IPv4 address it is.
            return InetAddress.getByAddress(ByteBufUtil.getBytes(content));
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static String target(DnsRawRecord alias) {
        // Netty's record decoder has already decompressed CNAME data, so the name decodes on its own.
        ByteBuf content = alias.content();
        try {
            return fqdn(DefaultDnsRecordDecoder.decodeName(content.duplicate()));
        } catch (RuntimeException e) {
            return null;
        }
    }
}

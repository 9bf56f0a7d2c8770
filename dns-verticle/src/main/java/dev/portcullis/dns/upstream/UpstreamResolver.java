package dev.portcullis.dns.upstream;

import dev.portcullis.api.dns.AddressFamily;
import dev.portcullis.dns.lookup.Lookup;
import dev.portcullis.dns.lookup.LookupResult;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsNameResolverChannelStrategy;
import io.netty.resolver.dns.DnsServerAddressStream;
import io.netty.resolver.dns.DnsServerAddressStreamProvider;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.resolver.dns.NoopAuthoritativeDnsServerCache;
import io.netty.resolver.dns.NoopDnsCache;
import io.netty.resolver.dns.NoopDnsCnameCache;
import io.netty.resolver.dns.SequentialDnsServerAddressStreamProvider;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.transport.Transport;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Looks names up with the gateway's own resolvers, over Netty's DNS client, on one event loop. It keeps no cache
 * of its own (Netty's caches are disabled): answers and their TTLs go to {@link dev.portcullis.dns.cache}.
 */
public final class UpstreamResolver implements Lookup, AutoCloseable {

    private final DnsNameResolver resolver;
    private final RecordLookup records;
    private final List<InetSocketAddress> servers;

    /**
     * Creates a resolver on an event loop.
     *
     * @param eventLoop where queries are sent and answers handled; futures complete there
     * @param udp       makes the UDP channels, of the event loop's transport
     * @param tcp       makes the TCP channels used to repeat a query whose UDP answer was truncated
     * @param servers   the resolvers, tried in order; empty means the system's (/etc/resolv.conf)
     * @param timeout   how long to wait for each server's answer
     */
    public UpstreamResolver(EventLoop eventLoop, ChannelFactory<? extends DatagramChannel> udp,
                            ChannelFactory<? extends SocketChannel> tcp, List<InetSocketAddress> servers,
                            Duration timeout) {
        DnsServerAddressStreamProvider provider = servers.isEmpty()
                ? DnsServerAddressStreamProviders.platformDefault()
                : new SequentialDnsServerAddressStreamProvider(servers);
        this.servers = servers.isEmpty() ? listOf(provider) : List.copyOf(servers);
        this.resolver = new DnsNameResolverBuilder(eventLoop)
                .datagramChannelFactory(udp)
                .socketChannelFactory(tcp, false)
                // A fresh socket, so a fresh source port, per query: with one long-lived socket only the 16-bit
                // query id stands between us and a spoofed answer (RFC 5452 §4.5).
                .datagramChannelStrategy(DnsNameResolverChannelStrategy.ChannelPerResolution)
                .nameServerProvider(provider)
                .queryTimeoutMillis(timeout.toMillis())
                .resolveCache(NoopDnsCache.INSTANCE)
                .cnameCache(NoopDnsCnameCache.INSTANCE)
                .authoritativeDnsServerCache(NoopAuthoritativeDnsServerCache.INSTANCE)
                .recursionDesired(true)
                // Names arrive normalised to A-labels (HostName); search domains would let "example.com"
                // become "example.com.corp.internal".
                .decodeIdn(false)
                .searchDomains(List.of())
                .build();
        this.records = new RecordLookup(resolver, provider, timeout);
    }

    /**
     * Creates a resolver on a Vert.x context's event loop, with the channel types of the Vert.x transport (NIO,
     * epoll or io_uring), since a channel only registers with an event loop of its own transport.
     */
    public static UpstreamResolver onContext(Vertx vertx, Context context, List<InetSocketAddress> servers,
                                             Duration timeout) {
        Transport transport = ((VertxInternal) vertx).transport();
        EventLoop eventLoop = ((ContextInternal) context).nettyEventLoop();
        return new UpstreamResolver(eventLoop, transport::datagramChannel,
                () -> (SocketChannel) transport.channelFactory(false).newChannel(), servers, timeout);
    }

    /** The resolvers asked, in order (the system's when none were configured). */
    public List<InetSocketAddress> servers() {
        return servers;
    }

    /** {@inheritDoc} Completes on the resolver's event loop. */
    @Override
    public Future<LookupResult> lookup(String name, AddressFamily family) {
        return switch (family) {
            case IPV4 -> records.lookup(name, DnsRecordType.A);
            case IPV6 -> records.lookup(name, DnsRecordType.AAAA);
            case ANY -> {
                Future<LookupResult> ipv4 = records.lookup(name, DnsRecordType.A);
                Future<LookupResult> ipv6 = records.lookup(name, DnsRecordType.AAAA);
                yield Future.join(ipv4, ipv6).transform(ignored -> FamilyMerge.merge(name, ipv4, ipv6));
            }
        };
    }

    /** Closes the resolver's channels; queries in flight fail. */
    @Override
    public void close() {
        resolver.close();
    }

    private static List<InetSocketAddress> listOf(DnsServerAddressStreamProvider provider) {
        DnsServerAddressStream stream = provider.nameServerAddressStream("");
        List<InetSocketAddress> out = new ArrayList<>(stream.size());
        for (int i = 0; i < stream.size(); i++) {
            out.add(stream.next());
        }
        return List.copyOf(out);
    }
}

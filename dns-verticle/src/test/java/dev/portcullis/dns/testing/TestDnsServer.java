package dev.portcullis.dns.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsOpCode;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A DNS server on {@code 127.0.0.1} and a port of its own, answering UDP queries from a programmable zone, the way
 * a recursive resolver would: A and AAAA records with TTLs, CNAMEs followed inside the zone, NXDOMAIN for
 * unknown names, and, per name, SERVFAIL or silence. It counts every query it receives.
 *
 * <pre>
 * try (TestDnsServer dns = TestDnsServer.start()) {
 *     dns.a("api.test", 60, "192.0.2.10").aaaa("api.test", 60, "2001:db8::10");
 *     ... config "servers": [dns.hostPort()] ...
 *     assertThat(dns.queries("api.test")).isEqualTo(2);
 * }
 * </pre>
 */
public final class TestDnsServer implements AutoCloseable {

    private enum Behaviour { ANSWER, NXDOMAIN, SERVFAIL, SILENT }

    private record Entry(DnsRecordType type, long ttl, byte[] data) {
    }

    private final EventLoopGroup group;
    private final Channel channel;
    private final Map<String, List<Entry>> zone = new ConcurrentHashMap<>();
    private final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> queriesByName = new ConcurrentHashMap<>();
    private final AtomicInteger queries = new AtomicInteger();
    private volatile Duration delay = Duration.ZERO;
    private volatile boolean followAliases = true;

    private TestDnsServer() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        channel = new Bootstrap()
                .group(group)
                .channel(NioDatagramChannel.class)
                .handler(new ChannelInitializer<DatagramChannel>() {
                    @Override
                    protected void initChannel(DatagramChannel ch) {
                        ch.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(),
                                new QueryHandler());
                    }
                })
                .bind("127.0.0.1", 0)
                .syncUninterruptibly()
                .channel();
    }

    /** Starts a server on 127.0.0.1 and a free port. Blocks until it is bound: call it from the test thread. */
    public static TestDnsServer start() {
        return new TestDnsServer();
    }

    /** Where the server listens. */
    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** The address as the dns role's {@code servers} option writes it. */
    public String hostPort() {
        return "127.0.0.1:" + address().getPort();
    }

    /** Adds A records to a name. */
    public TestDnsServer a(String name, long ttlSeconds, String... addresses) {
        return addresses(name, DnsRecordType.A, ttlSeconds, addresses);
    }

    /** Adds AAAA records to a name. */
    public TestDnsServer aaaa(String name, long ttlSeconds, String... addresses) {
        return addresses(name, DnsRecordType.AAAA, ttlSeconds, addresses);
    }

    /** Makes a name an alias; answers for it carry the CNAME and then the target's records. */
    public TestDnsServer cname(String name, long ttlSeconds, String target) {
        byte[] data = ByteBufUtil.getBytes(DnsWire.name(target));
        entries(name).add(new Entry(DnsRecordType.CNAME, ttlSeconds, data));
        return this;
    }

    /** Answers NXDOMAIN for a name (also what unknown names get). */
    public TestDnsServer nxdomain(String name) {
        behaviours.put(key(name), Behaviour.NXDOMAIN);
        return this;
    }

    /** Answers SERVFAIL for a name. */
    public TestDnsServer servfail(String name) {
        behaviours.put(key(name), Behaviour.SERVFAIL);
        return this;
    }

    /** Never answers queries for a name, so the client times out. */
    public TestDnsServer silent(String name) {
        behaviours.put(key(name), Behaviour.SILENT);
        return this;
    }

    /**
     * Whether answers for an alias also carry the target's records, as a recursive resolver's do (the default), or
     * only the CNAME, as an authoritative server's do when the target is in another zone.
     */
    public TestDnsServer followAliases(boolean follow) {
        this.followAliases = follow;
        return this;
    }

    /** Holds every answer back this long (on the server's event loop), to keep queries in flight. */
    public TestDnsServer delay(Duration delay) {
        this.delay = delay;
        return this;
    }

    /** How many queries the server received, all names and types. */
    public int queries() {
        return queries.get();
    }

    /** How many queries the server received for a name, all types. */
    public int queries(String name) {
        AtomicInteger count = queriesByName.get(key(name));
        return count == null ? 0 : count.get();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private TestDnsServer addresses(String name, DnsRecordType type, long ttlSeconds, String... addresses) {
        for (String address : addresses) {
            try {
                entries(name).add(new Entry(type, ttlSeconds, InetAddress.getByName(address).getAddress()));
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("not an IP literal: " + address, e);
            }
        }
        return this;
    }

    private List<Entry> entries(String name) {
        behaviours.putIfAbsent(key(name), Behaviour.ANSWER);
        return zone.computeIfAbsent(key(name), k -> new CopyOnWriteArrayList<>());
    }

    private static String key(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    private DatagramDnsResponse answer(DatagramDnsQuery query) {
        DnsQuestion question = query.recordAt(DnsSection.QUESTION);
        String name = key(question.name());
        queries.incrementAndGet();
        queriesByName.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
        Behaviour behaviour = behaviours.getOrDefault(name, Behaviour.NXDOMAIN);
        if (behaviour == Behaviour.SILENT) {
            return null;
        }
        DnsResponseCode code = switch (behaviour) {
            case SERVFAIL -> DnsResponseCode.SERVFAIL;
            case NXDOMAIN -> DnsResponseCode.NXDOMAIN;
            default -> DnsResponseCode.NOERROR;
        };
        DatagramDnsResponse response =
                new DatagramDnsResponse(query.recipient(), query.sender(), query.id(), DnsOpCode.QUERY, code);
        response.setAuthoritativeAnswer(true).setRecursionDesired(query.isRecursionDesired())
                .setRecursionAvailable(true);
        response.addRecord(DnsSection.QUESTION, new DefaultDnsQuestion(question.name(), question.type()));
        if (code == DnsResponseCode.NOERROR) {
            addAnswers(response, name, question.type(), 0);
        }
        return response;
    }

    private void addAnswers(DatagramDnsResponse response, String name, DnsRecordType type, int depth) {
        for (Entry entry : zone.getOrDefault(name, List.of())) {
            if (entry.type() == type || entry.type() == DnsRecordType.CNAME) {
                response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(name + ".", entry.type(),
                        entry.ttl(), Unpooled.wrappedBuffer(entry.data())));
            }
            if (entry.type() == DnsRecordType.CNAME && followAliases && depth < 8) {
                addAnswers(response, key(decode(entry.data())), type, depth + 1);
            }
        }
    }

    private static String decode(byte[] wireName) {
        StringBuilder name = new StringBuilder();
        int i = 0;
        while (wireName[i] != 0) {
            int length = wireName[i];
            name.append(new String(wireName, i + 1, length, StandardCharsets.US_ASCII)).append('.');
            i += length + 1;
        }
        return name.toString();
    }

    /** Answers on the server's event loop, after the configured delay. */
    private final class QueryHandler extends SimpleChannelInboundHandler<DatagramDnsQuery> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery query) {
            DatagramDnsResponse response = answer(query);
            if (response == null) {
                return;
            }
            long delayMs = delay.toMillis();
            if (delayMs > 0) {
                ctx.executor().schedule(() -> ctx.writeAndFlush(response), delayMs, TimeUnit.MILLISECONDS);
            } else {
                ctx.writeAndFlush(response);
            }
        }
    }
}

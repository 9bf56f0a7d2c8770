package dev.portcullis.dns.serve;

import dev.portcullis.api.dns.AddressFamily;
import dev.portcullis.api.host.HostName;
import dev.portcullis.dns.lookup.Answer;
import dev.portcullis.dns.lookup.LookupResult;
import dev.portcullis.dns.recent.RecentNamesMap;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DefaultDnsResponse;
import io.netty.handler.codec.dns.DnsQuery;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.handler.codec.dns.TcpDnsQueryDecoder;
import io.netty.handler.codec.dns.TcpDnsResponseEncoder;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.spi.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The dns role as the workloads' DNS server, on UDP and TCP (RFC 1035 §4.2; TCP with its two-byte length,
 * RFC 7766), on Netty's DNS codec. A and AAAA questions are answered from the gateway's own resolution (static
 * overrides, cache, resolvers), and each answer is remembered per client in the {@link RecentNamesMap}, so that a
 * transparent proxy can later name a connection by the address it went to. HTTPS and SVCB questions get an
 * empty answer: their {@code ech} parameter (draft-ietf-tls-svcb-ech) hands clients the ECH configuration that
 * hides the real name inside an encrypted ClientHello, where the gateway can only see the outer one (the README's
 * {@code ech} setting); without it clients send their real name in the clear (browsers add only GREASE ECH).
 * Anything else is {@code NOTIMP}: this server only names destinations.
 */
public final class WorkloadDnsServer {

    private static final Logger LOG = LoggerFactory.getLogger(WorkloadDnsServer.class);
    /** RFC 9460 record types. */
    private static final DnsRecordType SVCB = DnsRecordType.valueOf(64);
    private static final DnsRecordType HTTPS = DnsRecordType.valueOf(65);

    private final BiFunction<String, AddressFamily, Future<Answer>> lookup;
    private final RecentNamesMap recent;
    private Channel udp;
    private Channel tcp;

    /**
     * @param lookup answers a normalised name for a family, as the resolve handler does
     * @param recent where answers are remembered per client
     */
    public WorkloadDnsServer(BiFunction<String, AddressFamily, Future<Answer>> lookup, RecentNamesMap recent) {
        this.lookup = lookup;
        this.recent = recent;
    }

    /**
     * Binds UDP and TCP on {@code host:port} (port 0: UDP picks one, TCP takes the same).
     *
     * @param eventLoop an event loop of {@code transport}, where the handlers and lookups run
     * @return the bound port
     */
    public Future<Integer> listen(EventLoop eventLoop, Transport transport, String host, int port) {
        Promise<Integer> bound = Promise.promise();
        new Bootstrap().group(eventLoop).channelFactory(transport::datagramChannel)
                .handler(new ChannelInitializer<DatagramChannel>() {
                    @Override
                    protected void initChannel(DatagramChannel channel) {
                        channel.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(),
                                new UdpQueries());
                    }
                })
                .bind(host, port).addListener(udpBound -> {
                    if (!udpBound.isSuccess()) {
                        bound.fail(udpBound.cause());
                        return;
                    }
                    udp = ((io.netty.channel.ChannelFuture) udpBound).channel();
                    int actual = ((InetSocketAddress) udp.localAddress()).getPort();
                    new ServerBootstrap().group(eventLoop, eventLoop)
                            .channelFactory(transport.serverChannelFactory(false))
                            .childHandler(new ChannelInitializer<Channel>() {
                                @Override
                                protected void initChannel(Channel channel) {
                                    channel.pipeline().addLast(new TcpDnsQueryDecoder(), new TcpDnsResponseEncoder(),
                                            new TcpQueries());
                                }
                            })
                            .bind(host, actual).addListener(tcpBound -> {
                                if (!tcpBound.isSuccess()) {
                                    udp.close();
                                    bound.fail(tcpBound.cause());
                                    return;
                                }
                                tcp = ((io.netty.channel.ChannelFuture) tcpBound).channel();
                                bound.complete(actual);
                            });
                });
        return bound.future();
    }

    public void close() {
        if (udp != null) {
            udp.close();
        }
        if (tcp != null) {
            tcp.close();
        }
    }

    /** One question's facts, copied out of the query before Netty releases it. */
    private record Question(int id, boolean recursionDesired, String rawName, DnsRecordType type) {
        static Question of(DnsQuery query) {
            DnsQuestion question = query.count(DnsSection.QUESTION) == 0 ? null : query.recordAt(DnsSection.QUESTION);
            return new Question(query.id(), query.isRecursionDesired(),
                    question == null ? null : question.name(), question == null ? null : question.type());
        }
    }

    private final class UdpQueries extends SimpleChannelInboundHandler<DatagramDnsQuery> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery query) {
            Question question = Question.of(query);
            InetSocketAddress client = query.sender();
            InetSocketAddress server = query.recipient();
            answer(question, client.getAddress()).onComplete(done -> ctx.writeAndFlush(
                    fill(new DatagramDnsResponse(server, client, question.id()), question, done.result())));
        }
    }

    private final class TcpQueries extends SimpleChannelInboundHandler<DnsQuery> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DnsQuery query) {
            Question question = Question.of(query);
            InetAddress client = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
            answer(question, client).onComplete(done ->
                    ctx.writeAndFlush(fill(new DefaultDnsResponse(question.id()), question, done.result())));
        }
    }

    /** What to answer; never a failed future (a failure is SERVFAIL). */
    private record Reply(DnsResponseCode code, List<InetAddress> addresses, long ttlSeconds) {
        static Reply of(DnsResponseCode code) {
            return new Reply(code, List.of(), 0);
        }
    }

    private Future<Reply> answer(Question question, InetAddress client) {
        if (question.rawName() == null) {
            return Future.succeededFuture(Reply.of(DnsResponseCode.FORMERR));
        }
        if (question.type().equals(HTTPS) || question.type().equals(SVCB)) {
            return Future.succeededFuture(Reply.of(DnsResponseCode.NOERROR));
        }
        AddressFamily family = question.type().equals(DnsRecordType.A) ? AddressFamily.IPV4
                : question.type().equals(DnsRecordType.AAAA) ? AddressFamily.IPV6 : null;
        if (family == null) {
            return Future.succeededFuture(Reply.of(DnsResponseCode.NOTIMP));
        }
        String name;
        try {
            name = HostName.parse(question.rawName()).value();
        } catch (IllegalArgumentException e) {
            return Future.succeededFuture(Reply.of(DnsResponseCode.FORMERR));
        }
        return lookup.apply(name, family).compose(answer -> {
            if (answer.result() instanceof LookupResult.Found found) {
                List<InetAddress> addresses = LookupResult.Found.ofFamily(found.addresses(),
                        family == AddressFamily.IPV4);
                List<Future<Void>> remembered = new ArrayList<>(addresses.size());
                for (InetAddress address : addresses) {
                    remembered.add(recent.record(client.getHostAddress(), address.getHostAddress(), name,
                                    answer.ttlMs())
                            .onFailure(failure -> LOG.warn("cannot remember {} for {}: {}", name,
                                    client.getHostAddress(), failure.getMessage())));
                }
                Reply reply = new Reply(DnsResponseCode.NOERROR, addresses, Math.max(1, answer.ttlMs() / 1000));
                // Answer once the names are remembered: a workload connects the moment it has the answer, and a
                // server-first connection is named by what is remembered here (README, "Non-HTTP TCP").
                return Future.join(remembered).transform(stored -> Future.succeededFuture(reply));
            }
            LookupResult.NotFound notFound = (LookupResult.NotFound) answer.result();
            return Future.succeededFuture(Reply.of(notFound.reason() == LookupResult.Reason.NXDOMAIN
                    ? DnsResponseCode.NXDOMAIN : DnsResponseCode.NOERROR));
        }).otherwise(failure -> Reply.of(DnsResponseCode.SERVFAIL));
    }

    private static DnsResponse fill(DnsResponse response, Question question, Reply reply) {
        response.setCode(reply.code()).setRecursionDesired(question.recursionDesired()).setRecursionAvailable(true);
        if (question.rawName() != null) {
            response.addRecord(DnsSection.QUESTION, new DefaultDnsQuestion(question.rawName(), question.type()));
            for (InetAddress address : reply.addresses()) {
                DnsRecordType type = address.getAddress().length == 4 ? DnsRecordType.A : DnsRecordType.AAAA;
                response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(question.rawName(), type,
                        reply.ttlSeconds(), Unpooled.wrappedBuffer(address.getAddress())));
            }
        }
        return response;
    }
}

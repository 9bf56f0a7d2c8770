package dev.portcullis.dns.upstream;

import dev.portcullis.api.bus.ErrorCode;
import dev.portcullis.api.bus.GatewayException;
import dev.portcullis.api.config.Durations;
import dev.portcullis.dns.lookup.LookupResult;
import io.netty.channel.AddressedEnvelope;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverTimeoutException;
import io.netty.resolver.dns.DnsServerAddressStream;
import io.netty.resolver.dns.DnsServerAddressStreamProvider;
import io.netty.util.concurrent.FutureListener;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Asks the resolvers one question (a name and one record type), trying each server in turn until one gives a
 * definite answer, and following a CNAME chain the answer leaves unfinished.
 *
 * <p>We send single queries with {@link DnsNameResolver#query} rather than {@code resolveAll(DnsQuestion)} because
 * the latter folds NXDOMAIN, an empty answer and SERVFAIL into one {@code UnknownHostException} (Netty's
 * {@code DnsResolveContext.finishResolve}), and the contract needs them apart: a definite "none" is cached, a
 * resolver error is not, and each reaches the caller under its own code.
 */
final class RecordLookup {

    /** Queries for aliases a resolver left unfinished, per question; beyond this the chain is called a loop. */
    static final int MAX_ALIAS_QUERIES = 8;

    private final DnsNameResolver resolver;
    private final DnsServerAddressStreamProvider servers;
    private final Duration timeout;

    RecordLookup(DnsNameResolver resolver, DnsServerAddressStreamProvider servers, Duration timeout) {
        this.resolver = resolver;
        this.servers = servers;
        this.timeout = timeout;
    }

    /**
     * Looks up the records of one type.
     *
     * @param name a normalised DNS name
     * @param type {@link DnsRecordType#A} or {@link DnsRecordType#AAAA}
     * @return a future completed with {@link LookupResult.Found} or {@link LookupResult.NotFound}, or failed with a
     * {@link GatewayException} coded {@code TIMEOUT} (no server answered in time) or {@code SERVFAIL} (servers
     * answered with an error rcode, or could not be reached); completed on the resolver's event loop
     */
    Future<LookupResult> lookup(String name, DnsRecordType type) {
        Promise<LookupResult> promise = Promise.promise();
        new Question(name, type, promise).ask(name);
        return promise.future();
    }

    /** The state of one question while it goes from server to server and alias to alias. */
    private final class Question {

        private final String name;
        private final DnsRecordType type;
        private final Promise<LookupResult> promise;
        private final List<String> silentServers = new ArrayList<>();
        private String askedName;
        private DnsServerAddressStream stream;
        private int serversLeft;
        private int aliasQueries;
        private long chainTtlSeconds = Long.MAX_VALUE;
        private GatewayException lastError;

        Question(String name, DnsRecordType type, Promise<LookupResult> promise) {
            this.name = name;
            this.type = type;
            this.promise = promise;
        }

        void ask(String nameToAsk) {
            askedName = nameToAsk;
            stream = servers.nameServerAddressStream(nameToAsk);
            serversLeft = stream.size();
            silentServers.clear();
            lastError = null;
            askNextServer();
        }

        private void askNextServer() {
            if (serversLeft-- <= 0) {
                promise.fail(exhausted());
                return;
            }
            InetSocketAddress server = stream.next();
            try {
                resolver.query(server, new DefaultDnsQuestion(askedName, type)).addListener(
                        (FutureListener<AddressedEnvelope<DnsResponse, InetSocketAddress>>) query ->
                                onQueryDone(server, query));
            } catch (RuntimeException e) {
                // The resolver refused to send (closed during undeployment, for one).
                promise.fail(new GatewayException(ErrorCode.INTERNAL, "could not query " + describe() + ": " + e));
            }
        }

        private void onQueryDone(InetSocketAddress server,
                                 io.netty.util.concurrent.Future<AddressedEnvelope<DnsResponse, InetSocketAddress>> query) {
            if (!query.isSuccess()) {
                if (query.cause() instanceof DnsNameResolverTimeoutException) {
                    silentServers.add(ServerAddresses.format(server));
                } else {
                    lastError = new GatewayException(ErrorCode.SERVFAIL, "query for " + describe() + " to resolver "
                            + ServerAddresses.format(server) + " failed: " + query.cause().getMessage());
                }
                askNextServer();
                return;
            }
            AddressedEnvelope<DnsResponse, InetSocketAddress> envelope = query.getNow();
            try {
                onResponse(server, envelope.content());
            } catch (RuntimeException e) {
                promise.tryFail(new GatewayException(ErrorCode.INTERNAL, "could not read the answer for "
                        + describe() + " from " + ServerAddresses.format(server) + ": " + e));
            } finally {
                envelope.release();
            }
        }

        private void onResponse(InetSocketAddress server, DnsResponse response) {
            DnsResponseCode code = response.code();
            if (code == DnsResponseCode.NXDOMAIN) {
                promise.complete(new LookupResult.NotFound(LookupResult.Reason.NXDOMAIN,
                        subject() + " does not exist (NXDOMAIN from " + ServerAddresses.format(server) + ")"));
                return;
            }
            if (code != DnsResponseCode.NOERROR) {
                // Another server may still answer: SERVFAIL and REFUSED are about this server, not the name.
                lastError = new GatewayException(ErrorCode.SERVFAIL, "resolver " + ServerAddresses.format(server)
                        + " answered " + rcode(code) + " for " + describe());
                askNextServer();
                return;
            }
            AnswerReader.Read read = AnswerReader.read(response, askedName, type);
            chainTtlSeconds = Math.min(chainTtlSeconds, read.minTtlSeconds());
            if (!read.addresses().isEmpty()) {
                promise.complete(new LookupResult.Found(read.addresses(), Duration.ofSeconds(chainTtlSeconds)));
            } else if (read.unresolvedAlias() == null) {
                promise.complete(new LookupResult.NotFound(LookupResult.Reason.NO_ADDRESS,
                        subject() + " exists but has no " + type.name() + " record"));
            } else if (++aliasQueries > MAX_ALIAS_QUERIES) {
                promise.fail(new GatewayException(ErrorCode.SERVFAIL, "CNAME chain of " + name
                        + " is longer than " + MAX_ALIAS_QUERIES + " queries (a loop?)"));
            } else {
                ask(trimDot(read.unresolvedAlias()));
            }
        }

        private GatewayException exhausted() {
            if (lastError != null) {
                return lastError;
            }
            if (silentServers.isEmpty()) {
                return new GatewayException(ErrorCode.SERVFAIL, "no resolver configured for " + describe());
            }
            return new GatewayException(ErrorCode.TIMEOUT, "no answer for " + describe() + " from "
                    + String.join(", ", silentServers) + " within " + Durations.format(timeout));
        }

        private String subject() {
            return askedName.equals(name) ? name : askedName + " (the canonical name of " + name + ")";
        }

        private String describe() {
            return askedName + " " + type.name();
        }
    }

    /** "SERVFAIL (rcode 2)": the RFC 1035 §4.1.1 mnemonic, which Netty prints as "ServFail(2)". */
    static String rcode(DnsResponseCode code) {
        String text = code.toString();
        int paren = text.indexOf('(');
        String mnemonic = paren > 0 ? text.substring(0, paren).toUpperCase(Locale.ROOT) : "RCODE";
        return mnemonic + " (rcode " + code.intValue() + ")";
    }

    private static String trimDot(String fqdn) {
        return fqdn.endsWith(".") ? fqdn.substring(0, fqdn.length() - 1) : fqdn;
    }
}

package dev.portcullis.proxy.dial;

import dev.portcullis.proxy.metrics.StageTimers;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Future;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;

import java.util.List;

/**
 * Connects to the first address that accepts, one after the other, each attempt bounded by the client's connect
 * timeout. Sequential rather than racing (RFC 8305 happy eyeballs) to keep upstream connection counts exact;
 * the dns role orders IPv4 first.
 */
public final class Dialer {

    private final NetClient client;

    /** @param client a client with TCP_NODELAY and the connect and idle timeouts already set */
    public Dialer(NetClient client) {
        this.client = client;
    }

    /**
     * @param addresses IP addresses as text, already passed by the destination guard; not empty
     * @return the connected socket, or a failed future with {@link UpstreamConnectException}
     */
    public Future<NetSocket> dial(List<String> addresses, int port) {
        return StageTimers.upstreamConnect(attempt(addresses, 0, port, null));
    }

    private Future<NetSocket> attempt(List<String> addresses, int index, int port, Throwable last) {
        if (index >= addresses.size()) {
            boolean timedOut = last instanceof ConnectTimeoutException;
            String why = last == null ? "no address to try" : last.getMessage();
            return Future.failedFuture(new UpstreamConnectException(
                    "could not connect to " + addresses + " port " + port + ": " + why, timedOut));
        }
        return client.connect(port, addresses.get(index))
                .recover(failure -> attempt(addresses, index + 1, port, failure));
    }
}

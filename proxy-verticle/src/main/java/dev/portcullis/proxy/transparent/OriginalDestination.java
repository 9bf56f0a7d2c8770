package dev.portcullis.proxy.transparent;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where a redirected client was going. Under TPROXY the accepted socket's local address is the original
 * destination itself (its port differs from the listener's); under REDIRECT or DNAT in the gateway's own network
 * namespace the kernel's connection tracking knows it ({@link ConntrackTable}). When the redirect happened
 * elsewhere (another host, the workload's own namespace), nothing here can know it.
 */
final class OriginalDestination {

    private OriginalDestination() {
    }

    /** The TPROXY case, without any I/O: the local address when it is not the listener's own port. */
    static Optional<InetSocketAddress> fromLocalAddress(NetSocket client, int boundPort) {
        SocketAddress local = client.localAddress();
        if (local == null || local.port() == boundPort) {
            return Optional.empty();
        }
        return Optional.of(new InetSocketAddress(local.hostAddress(), local.port()));
    }

    /**
     * @return the original destination, or empty when the platform does not tell it; never a failed future
     */
    static Future<Optional<InetSocketAddress>> find(Vertx vertx, NetSocket client, int boundPort) {
        Optional<InetSocketAddress> tproxy = fromLocalAddress(client, boundPort);
        if (tproxy.isPresent()) {
            return Future.succeededFuture(tproxy);
        }
        InetSocketAddress remote = new InetSocketAddress(client.remoteAddress().hostAddress(),
                client.remoteAddress().port());
        InetSocketAddress local = new InetSocketAddress(client.localAddress().hostAddress(),
                client.localAddress().port());
        // A file read: off the event loop. Only silent or non-TLS connections get here, never the hot path.
        return vertx.executeBlocking(() -> ConntrackTable.originalDestination(conntrackLines(), remote, local))
                .otherwise(Optional.empty());
    }

    private static List<String> conntrackLines() {
        try {
            Path file = Path.of(ConntrackTable.PROC_FILE);
            return Files.isReadable(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }
}

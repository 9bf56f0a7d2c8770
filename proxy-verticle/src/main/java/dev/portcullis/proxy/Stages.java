package dev.portcullis.proxy;

import dev.portcullis.api.dns.ResolveClient;
import dev.portcullis.proxy.access.AccessLog;
import dev.portcullis.proxy.admit.Admission;
import dev.portcullis.proxy.connection.ClientConnection;
import dev.portcullis.proxy.connection.ConnectionLimits;
import dev.portcullis.proxy.connection.OpenConnections;
import dev.portcullis.proxy.intercept.Interception;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetSocket;

/**
 * The stages a connection passes through, built once per proxy instance and shared by its connections.
 *
 * @param vertx        for timers
 * @param options      limits and timeouts
 * @param admission    decide, gate, resolve, guard and dial: how every listener admits a connection
 * @param dns          the dns role, for the names it recently answered to a workload
 * @param accessLog    one record per connection
 * @param interception what decrypt inspection needs
 * @param limits       the node's connection limits, checked first on every listener
 * @param open         this instance's open connections, which a drain waits for
 */
public record Stages(Vertx vertx, ProxyOptions options, Admission admission, ResolveClient dns,
                     AccessLog accessLog, Interception.Tools interception, ConnectionLimits limits,
                     OpenConnections open) {

    /**
     * Takes over a socket a listener just accepted, the one way every listener does: its {@link ClientConnection},
     * held among the {@link #open} ones until it finishes.
     *
     * @param listener the listener's name, for the record
     * @param mode     {@code explicit} or {@code transparent}, for the record
     */
    public ClientConnection accept(NetSocket socket, String listener, String mode) {
        ClientConnection connection = new ClientConnection(vertx, socket, accessLog, limits, listener, mode);
        open.add(connection);
        return connection;
    }
}

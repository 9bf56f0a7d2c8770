package dev.portcullis.proxy;

import dev.portcullis.api.dns.ResolveClient;
import dev.portcullis.proxy.access.AccessLog;
import dev.portcullis.proxy.admit.Admission;
import dev.portcullis.proxy.connection.ConnectionLimits;
import dev.portcullis.proxy.intercept.Interception;
import io.vertx.core.Vertx;

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
 */
public record Stages(Vertx vertx, ProxyOptions options, Admission admission, ResolveClient dns,
                     AccessLog accessLog, Interception.Tools interception, ConnectionLimits limits) {
}

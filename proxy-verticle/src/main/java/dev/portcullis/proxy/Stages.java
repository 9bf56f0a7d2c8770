package dev.portcullis.proxy;

import dev.portcullis.proxy.access.AccessLog;
import dev.portcullis.proxy.decide.Decider;
import dev.portcullis.proxy.dial.Dialer;
import dev.portcullis.proxy.guard.GuardCache;
import dev.portcullis.proxy.intercept.Interception;
import dev.portcullis.proxy.resolve.DestinationResolver;
import io.vertx.core.Vertx;

/**
 * The stages a connection passes through, built once per proxy instance and shared by its connections.
 *
 * @param vertx     for timers
 * @param options   limits and timeouts
 * @param decider   policy decisions with near-cache
 * @param resolver  the gateway's own DNS
 * @param guards    destination guard per rule
 * @param dialer    upstream connections
 * @param accessLog one record per connection
 * @param interception what decrypt inspection needs
 */
public record Stages(Vertx vertx, ProxyOptions options, Decider decider, DestinationResolver resolver,
                     GuardCache guards, Dialer dialer, AccessLog accessLog, Interception.Tools interception) {
}

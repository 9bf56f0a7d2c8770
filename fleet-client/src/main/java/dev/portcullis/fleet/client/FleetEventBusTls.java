package dev.portcullis.fleet.client;

import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.TrustOptions;

/**
 * The fleet's event-bus mutual TLS, for nodes and lite members alike: a member is a TLS server for the peers that
 * send to it and a client of those it sends to, so both directions present a certificate from the fleet CA and
 * trust that CA only (docs/fleet-security.md).
 */
public final class FleetEventBusTls {

    private FleetEventBusTls() {
    }

    /** Turns on TLS with this member's key and certificate, trust in {@code fleetCa}, and client auth required. */
    public static EventBusOptions apply(EventBusOptions options, KeyCertOptions keyCert, TrustOptions fleetCa) {
        return options.setSsl(true)
                .setKeyCertOptions(keyCert)
                .setTrustOptions(fleetCa)
                .setClientAuth(ClientAuth.REQUIRED);
    }
}

package dev.portcullis.proxy.admit;

import dev.portcullis.api.policy.Decision;
import io.vertx.core.net.NetSocket;

/**
 * An allowed, connected destination.
 *
 * @param decision the policy's answer
 * @param upstream connected to the first address of the name that the guard passed; held by the client's
 *                 connection until a relay or an inspector takes it
 */
public record Admitted(Decision decision, NetSocket upstream) {
}

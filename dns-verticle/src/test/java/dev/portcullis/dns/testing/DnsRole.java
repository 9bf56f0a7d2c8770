package dev.portcullis.dns.testing;

import dev.portcullis.dns.DnsVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Deploys the dns role for a test, pointed at test DNS servers. */
public final class DnsRole {

    private DnsRole() {
    }

    /** A {@code dns} section that asks these servers, in order, with a short timeout so failures show fast. */
    public static JsonObject config(TestDnsServer... servers) {
        JsonArray addresses = new JsonArray();
        for (TestDnsServer server : servers) {
            addresses.add(server.hostPort());
        }
        return new JsonObject().put("servers", addresses).put("timeout", "500ms");
    }

    /** Deploys one {@link DnsVerticle} and waits until it serves. Call it from the test thread. */
    public static String deploy(Vertx vertx, JsonObject config) {
        return vertx.deployVerticle(new DnsVerticle(), new DeploymentOptions().setConfig(config)).await();
    }
}

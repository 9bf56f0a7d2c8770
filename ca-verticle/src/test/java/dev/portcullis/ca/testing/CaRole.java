package dev.portcullis.ca.testing;

import dev.portcullis.api.bus.Addresses;
import dev.portcullis.ca.CaVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.security.PublicKey;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** Deploys the ca role and talks to it over the bus as a proxy would. */
public final class CaRole {

    private static final DeliveryOptions TIMEOUT = new DeliveryOptions().setSendTimeout(5_000);

    private CaRole() {
    }

    public static Future<String> deploy(Vertx vertx, JsonObject config) {
        return vertx.deployVerticle(new CaVerticle(), new DeploymentOptions().setConfig(config));
    }

    public static Future<String> deploy(Vertx vertx, JsonObject config, Map<String, String> environment) {
        return vertx.deployVerticle(new CaVerticle(environment::get), new DeploymentOptions().setConfig(config));
    }

    public static JsonObject signRequest(PublicKey key, String... names) {
        return new JsonObject().put("names", new JsonArray(List.of(names)))
                .put("publicKey", Base64.getEncoder().encodeToString(key.getEncoded()));
    }

    public static Future<JsonObject> request(Vertx vertx, String address, Object body) {
        return vertx.eventBus().<JsonObject>request(address, body, TIMEOUT).map(reply -> reply.body());
    }

    public static Future<JsonObject> sign(Vertx vertx, JsonObject request) {
        return request(vertx, Addresses.CA_SIGN, request);
    }

    public static Future<JsonObject> info(Vertx vertx) {
        return request(vertx, CaVerticle.INFO_ADDRESS, new JsonObject());
    }

    /** Asks for the info every 25 ms until it satisfies {@code condition}; the test's timeout bounds the wait. */
    public static Future<JsonObject> infoWhen(Vertx vertx, Predicate<JsonObject> condition) {
        return info(vertx).compose(info -> condition.test(info)
                ? Future.succeededFuture(info)
                : vertx.timer(25).compose(done -> infoWhen(vertx, condition)));
    }
}

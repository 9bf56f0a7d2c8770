package dev.portcullis.api.policy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The policy role's {@code services:} as one policy version has them: the answer on
 * {@link dev.portcullis.api.bus.Addresses#POLICY_SERVICES}, asked again by the reverse listeners on every
 * {@code portcullis.policy.changed}.
 */
public record Services(String policyVersion, List<Service> services) {

    public Services {
        services = List.copyOf(services);
    }

    /** The service answering {@code host} (normalised): the first in policy order. */
    public Optional<Service> forHost(String host) {
        for (Service service : services) {
            if (service.answers(host)) {
                return Optional.of(service);
            }
        }
        return Optional.empty();
    }

    public JsonObject toJson() {
        JsonArray list = new JsonArray();
        services.forEach(service -> list.add(service.toJson()));
        return new JsonObject().put("policyVersion", policyVersion).put("services", list);
    }

    public static Services fromJson(JsonObject json) {
        List<Service> list = new ArrayList<>();
        for (Object item : json.getJsonArray("services", new JsonArray())) {
            if (!(item instanceof JsonObject service)) {
                throw new IllegalArgumentException("services must be objects");
            }
            list.add(Service.fromJson(service));
        }
        return new Services(dev.portcullis.api.bus.Json.requireString(json, "policyVersion"), list);
    }
}

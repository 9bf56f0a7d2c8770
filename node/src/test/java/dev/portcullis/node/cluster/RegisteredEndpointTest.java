package dev.portcullis.node.cluster;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** A node's endpoints in its registry entry, and back. */
class RegisteredEndpointTest {

    @Test
    void boundListenersBecomeEndpointsAndThePlaceholderDoesNot() {
        Map<String, String> listeners = new TreeMap<>(Map.of("explicit", "0.0.0.0:3128", "dns", "starting",
                "transparent-443", ":::8443", "bracketed", "[::1]:8080"));

        assertThat(RegisteredEndpoint.listeners(listeners)).containsExactly(
                new RegisteredEndpoint("bracketed listener", "::1", 8080),
                new RegisteredEndpoint("explicit listener", "0.0.0.0", 3128),
                new RegisteredEndpoint("transparent-443 listener", "::", 8443));
        assertThat(RegisteredEndpoint.listener("dns", "127.0.0.1:5353"))
                .contains(new RegisteredEndpoint("workload DNS server", "127.0.0.1", 5353));
    }

    @Test
    void theEntryFieldReadsBackWhatWasWritten() {
        List<RegisteredEndpoint> endpoints = List.of(RegisteredEndpoint.admin("127.0.0.1", 9191),
                new RegisteredEndpoint("explicit listener", "0.0.0.0", 3128));
        JsonObject entry = new JsonObject().put(RegisteredEndpoint.ENTRY_FIELD, RegisteredEndpoint.toJson(endpoints));

        assertThat(RegisteredEndpoint.fromEntry(new JsonObject(entry.encode()))).isEqualTo(endpoints);
    }

    @Test
    void malformedItemsAndEntriesWithoutTheFieldGiveNothing() {
        JsonObject entry = new JsonObject().put(RegisteredEndpoint.ENTRY_FIELD, new JsonArray()
                .add("127.0.0.1:9191")
                .add(new JsonObject().put("what", "admin API").put("host", "127.0.0.1").put("port", "9191"))
                .add(new JsonObject().put("what", "admin API").put("host", "127.0.0.1").put("port", 70000))
                .add(new JsonObject().put("host", "127.0.0.1").put("port", 9191))
                .add(new JsonObject().put("what", "admin API").put("host", "127.0.0.1").put("port", 9191)));

        assertThat(RegisteredEndpoint.fromEntry(entry)).containsExactly(RegisteredEndpoint.admin("127.0.0.1", 9191));
        assertThat(RegisteredEndpoint.fromEntry(new JsonObject().put("admin", "http://127.0.0.1:9191"))).isEmpty();
    }
}

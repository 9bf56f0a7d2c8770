package dev.portcullis.proxy.connection;

import dev.portcullis.api.policy.DecideRequest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The connections of one proxy instance that the policy admitted and that have not finished yet, each with the
 * question that admitted it, so that a new policy version can be asked the same questions again
 * ({@code proxy.revoke-on-change}). A connection leaves when its record is written ({@link ClientConnection#onFinish}),
 * the one moment every path passes through, so none stays behind. Not thread-safe: used on the proxy instance's
 * event loop, where its connections and its {@code policy.changed} consumer run.
 */
public final class AdmittedConnections {

    private final Map<ClientConnection, DecideRequest> open = new LinkedHashMap<>();

    /**
     * Holds {@code connection} until it finishes; one that has already finished is not held. A connection that is
     * admitted again (a keep-alive forward connection dialling its next upstream) is held with its latest question:
     * what it is connected to now.
     */
    public void join(ClientConnection connection, DecideRequest question) {
        if (connection.finished() || open.put(connection, question) != null) {
            return;
        }
        connection.onFinish(() -> open.remove(connection));
    }

    /**
     * The open connections grouped by the question that admitted them, a copy: one answer settles every
     * connection in a group.
     */
    public Map<DecideRequest, List<ClientConnection>> byQuestion() {
        Map<DecideRequest, List<ClientConnection>> groups = new LinkedHashMap<>();
        open.forEach((connection, question) ->
                groups.computeIfAbsent(question, ignored -> new ArrayList<>()).add(connection));
        return groups;
    }
}

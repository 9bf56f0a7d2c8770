package dev.portcullis.proxy.decide;

import dev.portcullis.api.bus.Json;
import dev.portcullis.api.policy.Decision;
import dev.portcullis.api.policy.HttpDecideRequest;
import dev.portcullis.api.policy.PolicyClient;
import dev.portcullis.proxy.access.AccessRecord;
import io.netty.handler.codec.http.HttpHeaders;
import io.vertx.core.Future;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides one HTTP request by the {@code http} entries of the rule that allowed its connection, wherever the
 * request was read: a plain request on any listener, or a request inside a decrypted connection (README, "One
 * name, one path"). The one place this question is asked.
 */
public final class HttpRules {

    private final PolicyClient policy;

    public HttpRules(PolicyClient policy) {
        this.policy = policy;
    }

    /**
     * @param connection the decision that allowed the connection (or a service's); its rule's entries decide
     * @param path       the normalised path
     * @param client     the client's address, for entries with {@code sources}
     * @param headers    the request's headers: only those the rule's entries name are sent
     * @param record     gets the request's verdict and the policy version that decided it
     * @return completed when allowed; failed with {@link DeniedException} naming the rule and the entry, or with
     * the policy role's {@code GatewayException} (callers fail closed)
     */
    public Future<Void> allow(Decision connection, String host, String method, String path, String client,
                              HttpHeaders headers, AccessRecord record) {
        return policy.decideHttp(new HttpDecideRequest(host, method, path, connection.rule(), client,
                        named(connection.httpHeaders(), headers)))
                .compose(answer -> {
                    record.put(AccessRecord.VERDICT, Json.wireName(answer.verdict()))
                            .put(AccessRecord.POLICY_VERSION, answer.policyVersion());
                    return answer.allowed() ? Future.<Void>succeededFuture()
                            : Future.failedFuture(new DeniedException(connection, method + " " + path,
                            answer.reason()));
                });
    }

    private static Map<String, List<String>> named(List<String> names, HttpHeaders headers) {
        if (names.isEmpty()) {
            return Map.of();
        }
        Map<String, List<String>> values = new HashMap<>();
        for (String name : names) {
            List<String> all = headers.getAll(name);
            if (!all.isEmpty()) {
                values.put(name, all);
            }
        }
        return values;
    }
}

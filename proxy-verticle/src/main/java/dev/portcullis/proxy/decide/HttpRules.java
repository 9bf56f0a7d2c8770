package dev.portcullis.proxy.decide;

import dev.portcullis.api.bus.Json;
import dev.portcullis.api.policy.Decision;
import dev.portcullis.api.policy.HttpDecideRequest;
import dev.portcullis.api.policy.PolicyClient;
import dev.portcullis.proxy.access.AccessRecord;
import io.vertx.core.Future;

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
     * @param connection the decision that allowed the connection; its rule's entries decide
     * @param path       the normalised path
     * @param record     gets the request's verdict and the policy version that decided it
     * @return completed when allowed; failed with {@link DeniedException} naming the rule and the entry, or with
     * the policy role's {@code GatewayException} (callers fail closed)
     */
    public Future<Void> allow(Decision connection, String host, String method, String path, AccessRecord record) {
        return policy.decideHttp(new HttpDecideRequest(host, method, path, connection.rule()))
                .compose(answer -> {
                    record.put(AccessRecord.VERDICT, Json.wireName(answer.verdict()))
                            .put(AccessRecord.POLICY_VERSION, answer.policyVersion());
                    return answer.allowed() ? Future.<Void>succeededFuture()
                            : Future.failedFuture(new DeniedException(connection, method + " " + path,
                            answer.reason()));
                });
    }
}

package dev.portcullis.proxy.decide;

import dev.portcullis.api.policy.Decision;

/** The policy said no; carries the decision so the answer can name the rule and the policy version. */
public final class DeniedException extends RuntimeException {

    private final Decision decision;

    public DeniedException(Decision decision, String what) {
        super(what + " denied by rule '" + decision.rule() + "' (policy " + decision.policyVersion() + ")",
                null, false, false);
        this.decision = decision;
    }

    /** A denial by the rule's per-request {@code http} entries rather than by the connection decision. */
    public DeniedException(Decision decision, String what, String reason) {
        super(what + " denied by rule '" + decision.rule() + "': " + reason + " (policy " + decision.policyVersion()
                + ")", null, false, false);
        this.decision = decision;
    }

    public Decision decision() {
        return decision;
    }
}

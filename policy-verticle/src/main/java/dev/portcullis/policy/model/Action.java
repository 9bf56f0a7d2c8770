package dev.portcullis.policy.model;

import dev.portcullis.api.policy.Inspection;
import dev.portcullis.api.policy.NonTlsAction;
import dev.portcullis.api.policy.Verdict;

/**
 * What a rule (or the default) does with a connection it matches.
 *
 * @param verdict    allow or deny
 * @param inspection splice or decrypt; always splice when denied
 * @param nonTls     what a decrypt rule does with a client that speaks no TLS; always deny when denied
 */
public record Action(Verdict verdict, Inspection inspection, NonTlsAction nonTls) {

    /** Deny: nothing is spliced or decrypted. */
    public static final Action DENY = new Action(Verdict.DENY, Inspection.SPLICE, NonTlsAction.DENY);
    /** Allow and splice untouched: the default for an allow rule. */
    public static final Action ALLOW_SPLICE = new Action(Verdict.ALLOW, Inspection.SPLICE, NonTlsAction.DENY);

    public Action {
        if (verdict == null || inspection == null || nonTls == null) {
            throw new IllegalArgumentException("verdict, inspection and nonTls are required");
        }
        if (verdict == Verdict.DENY && (inspection != Inspection.SPLICE || nonTls != NonTlsAction.DENY)) {
            throw new IllegalArgumentException("a deny action has inspection splice and non-tls deny");
        }
    }

    public boolean allows() {
        return verdict == Verdict.ALLOW;
    }
}

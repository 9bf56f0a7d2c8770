package dev.portcullis.policy.parse;

import dev.portcullis.api.policy.Inspection;
import dev.portcullis.api.policy.NonTlsAction;
import dev.portcullis.api.policy.Verdict;
import dev.portcullis.policy.model.Action;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads {@code action}, {@code inspection} and {@code non-tls} from a rule or the default. Keys that cannot take
 * effect are refused rather than ignored: {@code non-tls: deny} on a splice rule would read as a restriction
 * that never applies.
 */
final class ActionParser {

    static final String ACTION = "action";
    static final String INSPECTION = "inspection";
    static final String NON_TLS = "non-tls";

    private ActionParser() {
    }

    static Action parse(Nodes nodes, YamlMap map, String where) throws PolicyException {
        Verdict verdict = nodes.choice(map.require(ACTION, where), ACTION, Verdict.class);
        Node inspectionNode = map.get(INSPECTION);
        Node nonTlsNode = map.get(NON_TLS);
        if (verdict == Verdict.DENY) {
            refuseOnDeny(nodes, map, INSPECTION, where);
            refuseOnDeny(nodes, map, NON_TLS, where);
            return Action.DENY;
        }
        Inspection inspection = inspectionNode == null
                ? Inspection.SPLICE
                : nodes.choice(inspectionNode, INSPECTION, Inspection.class);
        if (nonTlsNode == null) {
            return new Action(Verdict.ALLOW, inspection, NonTlsAction.DENY);
        }
        if (inspection != Inspection.DECRYPT) {
            throw nodes.error(map.keyNode(NON_TLS), "'non-tls' applies only with 'inspection: decrypt' " + where);
        }
        return new Action(Verdict.ALLOW, inspection, nodes.choice(nonTlsNode, NON_TLS, NonTlsAction.class));
    }

    /** Refuses a key that means nothing when the action is deny. */
    static void refuseOnDeny(Nodes nodes, YamlMap map, String key, String where) throws PolicyException {
        Node keyNode = map.keyNode(key);
        if (keyNode != null) {
            throw nodes.error(keyNode, "'" + key + "' does not apply to 'action: deny' " + where);
        }
    }
}

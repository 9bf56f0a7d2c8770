package dev.portcullis.proxy.guard;

import dev.portcullis.api.policy.Decision;
import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Refuses the gateway's own endpoints first, whatever the rule exempts ({@link OwnEndpoints}: this node's admin
 * API, cluster ports, DNS server and listeners, every member's cluster ports, admin API, DNS server and
 * listeners), then resolved addresses in the policy's guarded ranges unless the deciding rule exempts them, and
 * checks IPv6 forms that embed an IPv4 address by that IPv4 address too (README, step 4 of "What happens to one
 * connection").
 */
public final class DestinationGuard {

    /** The verdict on one address. */
    public record Verdict(boolean allowed, AddressClass addressClass, String reason) {
    }

    private final List<IpSubnetFilterRule> deny;
    private final List<IpSubnetFilterRule> allow;
    private final AddressClassifier classifier;
    private final OwnEndpoints ownEndpoints;

    DestinationGuard(List<String> denyCidrs, List<String> allowCidrs, AddressClassifier classifier,
                     OwnEndpoints ownEndpoints) {
        this.deny = rules(denyCidrs, IpFilterRuleType.REJECT);
        this.allow = rules(allowCidrs, IpFilterRuleType.ACCEPT);
        this.classifier = classifier;
        this.ownEndpoints = ownEndpoints;
    }

    /** The guard for a decision: the gateway's own endpoints, then the policy's ranges less the rule's exemptions. */
    public static DestinationGuard of(Decision decision, AddressClassifier classifier, OwnEndpoints ownEndpoints) {
        return new DestinationGuard(decision.guardDeny(), decision.guardAllow(), classifier, ownEndpoints);
    }

    /**
     * @param address an IP address as text (from the dns role or an IP-literal destination)
     * @param port    the destination port
     */
    public Verdict check(String address, int port) {
        InetAddress parsed = NetUtil.createInetAddressFromIpAddressString(address);
        if (parsed == null) {
            return new Verdict(false, AddressClass.RESERVED, "not an IP address: " + address);
        }
        AddressClass addressClass = classifier.classify(parsed);
        // Before any rule or exemption: an exemption for the fleet's range (10.0.0.0/8) covers every member.
        Optional<String> own = ownEndpoints.match(parsed, port);
        if (own.isPresent()) {
            return new Verdict(false, addressClass, "destination is " + own.get() + " ("
                    + NetUtil.toSocketAddressString(address, port) + ")");
        }
        InetAddress embedded = AddressClassifier.embeddedIpv4(parsed);
        boolean exempt = matchesAny(allow, parsed) && (embedded == parsed || matchesAny(allow, embedded));
        if (exempt) {
            return new Verdict(true, addressClass, "exempted by rule");
        }
        if (matchesAny(deny, parsed) || matchesAny(deny, embedded)) {
            return new Verdict(false, addressClass, "destination " + address + " is in a guarded range ("
                    + addressClass.name().toLowerCase() + ")");
        }
        return new Verdict(true, addressClass, "not guarded");
    }

    /**
     * Keeps the addresses that may be dialled, in order. Guarded ones are dropped, so a name that resolves to
     * a public and a private address (DNS rebinding) only ever reaches the public one.
     *
     * @throws GuardRefusedException naming the first refusal when no address is left
     */
    public List<String> allowed(List<String> addresses, int port) {
        List<String> allowed = new ArrayList<>(addresses.size());
        Verdict firstRefusal = null;
        for (String address : addresses) {
            Verdict verdict = check(address, port);
            if (verdict.allowed()) {
                allowed.add(address);
            } else if (firstRefusal == null) {
                firstRefusal = verdict;
            }
        }
        if (allowed.isEmpty()) {
            throw new GuardRefusedException(firstRefusal);
        }
        return allowed;
    }

    private static boolean matchesAny(List<IpSubnetFilterRule> rules, InetAddress address) {
        InetSocketAddress socketAddress = new InetSocketAddress(address, 0);
        for (IpSubnetFilterRule rule : rules) {
            if (rule.matches(socketAddress)) {
                return true;
            }
        }
        return false;
    }

    private static List<IpSubnetFilterRule> rules(List<String> cidrs, IpFilterRuleType type) {
        List<IpSubnetFilterRule> rules = new ArrayList<>(cidrs.size());
        for (String cidr : cidrs) {
            String withPrefix = cidr.indexOf('/') >= 0 ? cidr : cidr + (cidr.indexOf(':') >= 0 ? "/128" : "/32");
            rules.add(new IpSubnetFilterRule(withPrefix, type));
        }
        return rules;
    }
}

package dev.portcullis.microbench;

import java.nio.charset.StandardCharsets;

/**
 * Writes a policy file of any number of rules in the shape of the README's policy reference, the same text for the
 * same count: exact names (some rules listing two), wildcards, port lists with ranges, guard exemptions
 * ({@code destinations}), allow and deny rules, and a deny default. Rules spread over {@value #ZONES} zones
 * ({@code z<k>.example}), so the host trie has a wide level and a deep one.
 *
 * <p>Rule {@code i} by {@code i % 10}:
 * <ul>
 *     <li>0-5: the exact name {@code h<i>.z<k>.example}; 1 also lists {@code www.h<i>.z<k>.example}</li>
 *     <li>6, 7: the wildcard {@code *.w<i>.z<k>.example}</li>
 *     <li>8: an exact name on ports 443 and 8000-8100, allowed to reach {@code 10.<i % 256>.0.0/16}</li>
 *     <li>9: a wildcard {@code *.s<i>.z<k>.example} on port 443 only</li>
 * </ul>
 * Every seventh rule denies (never a case-8 rule, as deny rules may not name destinations); the others allow.
 */
public final class LargePolicy {

    /** Number of zones the rules are spread over. */
    public static final int ZONES = 1_000;

    private final int rules;

    /** @param rules how many rules the file holds; at least 100, so that the hosts below exist */
    public LargePolicy(int rules) {
        if (rules < 100) {
            throw new IllegalArgumentException("rules must be at least 100, was " + rules);
        }
        this.rules = rules;
    }

    /** The policy file, UTF-8. */
    public byte[] bytes() {
        return text().getBytes(StandardCharsets.UTF_8);
    }

    /** The policy file. */
    public String text() {
        StringBuilder out = new StringBuilder(rules * 96);
        out.append("version: 1\n")
                .append("default: { action: deny }\n")
                .append("decision-cache-ttl: 5s\n")
                .append("rules:\n");
        for (int i = 0; i < rules; i++) {
            appendRule(out, i);
        }
        return out.toString();
    }

    /** A name matched by an exact-name rule near the end of the file: {@link #exactRule()}. */
    public String exactHost() {
        return "h" + exactIndex() + "." + zone(exactIndex());
    }

    /** The rule {@link #exactHost()} is decided by. */
    public String exactRule() {
        return "rule-" + exactIndex();
    }

    /** A name two labels below a wildcard rule near the end of the file: {@link #wildcardRule()}. */
    public String wildcardHost() {
        return "api.eu.w" + wildcardIndex() + "." + zone(wildcardIndex());
    }

    /** The rule {@link #wildcardHost()} is decided by. */
    public String wildcardRule() {
        return "rule-" + wildcardIndex();
    }

    /** A name in a zone many rules live in that no rule matches, so the default decides. */
    public String missHost() {
        return "nothing-here." + zone(exactIndex());
    }

    private int exactIndex() {
        return rules - 100;
    }

    private int wildcardIndex() {
        return rules - 100 + 6;
    }

    private static String zone(int i) {
        return "z" + (i % ZONES) + ".example";
    }

    private static void appendRule(StringBuilder out, int i) {
        String zone = zone(i);
        out.append("  - name: rule-").append(i).append('\n');
        switch (i % 10) {
            case 1 -> out.append("    hosts: [h").append(i).append('.').append(zone)
                    .append(", www.h").append(i).append('.').append(zone).append("]\n");
            case 6, 7 -> out.append("    hosts: [\"*.w").append(i).append('.').append(zone).append("\"]\n");
            case 8 -> out.append("    hosts: [h").append(i).append('.').append(zone).append("]\n")
                    .append("    ports: [443, \"8000-8100\"]\n");
            case 9 -> out.append("    hosts: [\"*.s").append(i).append('.').append(zone).append("\"]\n")
                    .append("    ports: [443]\n");
            default -> out.append("    hosts: [h").append(i).append('.').append(zone).append("]\n");
        }
        if (i % 7 == 0 && i % 10 != 8) {
            out.append("    action: deny\n");
        } else {
            out.append("    action: allow\n");
            if (i % 10 == 8) {
                out.append("    destinations: [10.").append(i % 256).append(".0.0/16]\n");
            }
        }
    }
}

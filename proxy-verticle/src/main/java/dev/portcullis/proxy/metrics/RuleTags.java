package dev.portcullis.proxy.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code rule} tag of {@code portcullis_rule_decisions_total}, bounded: rule names come from the policy, but
 * every version can bring new ones and nothing else bounds how many a long-running node sees. The first
 * {@code max} distinct names keep their own series; later ones share {@value #OTHER}, so a policy generated with
 * thousands of rules, or churned for months, cannot grow the scrape without end.
 */
public final class RuleTags {

    /** {@value}: the tag of rules past the cap. */
    public static final String OTHER = "other";
    /** {@value} distinct rule names by default ({@code proxy.metrics.max-rule-tags}). */
    public static final int DEFAULT_MAX = 1_000;

    private static final Set<String> SEEN = ConcurrentHashMap.newKeySet();
    private static volatile int max = DEFAULT_MAX;

    private RuleTags() {
    }

    /** Sets the cap for this JVM (the registry is the JVM's); names already seen keep their tag. */
    public static void setMax(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max-rule-tags must be at least 0, was " + max);
        }
        RuleTags.max = max;
    }

    /** {@code rule} itself while under the cap or already seen, else {@value #OTHER}. */
    public static String tag(String rule) {
        if (SEEN.contains(rule)) {
            return rule;
        }
        synchronized (SEEN) {
            if (SEEN.size() < max) {
                SEEN.add(rule);
                return rule;
            }
            return SEEN.contains(rule) ? rule : OTHER;
        }
    }

    /** Forgets the names seen (tests). */
    static void reset() {
        SEEN.clear();
    }
}

package dev.portcullis.policy.match;

import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * A growable list of rule indices, appended in ascending order because rules are compiled in file order. The
 * order is what lets a lookup stop at the first accepted index.
 */
final class RuleIds {

    private static final int[] EMPTY = new int[0];

    private int[] ids = EMPTY;
    private int size;

    /** Appends {@code rule} unless it is already last (a rule listing the same host twice). */
    void add(int rule) {
        if (size > 0 && ids[size - 1] == rule) {
            return;
        }
        if (size == ids.length) {
            ids = Arrays.copyOf(ids, Math.max(2, size * 2));
        }
        ids[size++] = rule;
    }

    /**
     * @return the lowest index below {@code bound} that {@code accept} accepts, or {@code bound} when none does
     */
    int first(IntPredicate accept, int bound) {
        for (int i = 0; i < size; i++) {
            int rule = ids[i];
            if (rule >= bound) {
                return bound;
            }
            if (accept.test(rule)) {
                return rule;
            }
        }
        return bound;
    }

    /** Drops spare capacity once compilation is done. */
    void trim() {
        if (ids.length != size) {
            ids = size == 0 ? EMPTY : Arrays.copyOf(ids, size);
        }
    }
}

package dev.portcullis.policy.load;

import dev.portcullis.policy.parse.PolicyException;

/** What one look at the policy file found. */
public sealed interface Change {

    /** Nothing new since the last look: same stamp, or same bytes, or a problem already reported. */
    Unchanged UNCHANGED = new Unchanged();

    /** Nothing new since the last look. */
    record Unchanged() implements Change {
    }

    /**
     * The file holds a valid policy that differs from the bytes last seen. Its version may still equal the one in
     * force, when the file came back after being broken or missing.
     */
    record Changed(LoadedPolicy loaded) implements Change {
    }

    /** The file changed into something invalid; the last good policy must stay in force. */
    record Refused(PolicyException error) implements Change {
    }

    /**
     * The file disappeared or cannot be read; the last good policy must stay in force.
     *
     * @param reason {@code <file>: <why>}
     */
    record Unreadable(String reason) implements Change {
    }
}

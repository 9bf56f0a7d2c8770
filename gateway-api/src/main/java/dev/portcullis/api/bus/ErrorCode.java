package dev.portcullis.api.bus;

/**
 * Failure codes carried as the {@code failureCode} of a {@link io.vertx.core.eventbus.ReplyException}.
 * The numbers are part of the wire contract: never renumber, only add.
 */
public enum ErrorCode {
    /** The request message was malformed; the message says which field and why. */
    BAD_REQUEST(400),
    /** No policy role answered in time, or none is registered: callers fail closed. */
    POLICY_UNAVAILABLE(503),
    /** No dns role answered in time, or none is registered. */
    DNS_UNAVAILABLE(504),
    /** The name does not exist (authoritative answer, or a cached negative answer). */
    NXDOMAIN(1001),
    /** The resolvers did not answer in time. */
    TIMEOUT(1002),
    /** The resolvers answered with an error, or the name has no usable address. */
    SERVFAIL(1003),
    /** No ca role answered in time, or none is registered. */
    CA_UNAVAILABLE(1101),
    /** The role failed for a reason of its own; the message says which. */
    INTERNAL(500);

    private final int failureCode;

    ErrorCode(int failureCode) {
        this.failureCode = failureCode;
    }

    /** The number sent as the reply failure code. */
    public int failureCode() {
        return failureCode;
    }

    /**
     * The code a reply failure stands for.
     *
     * @return the matching code, or {@code null} when the number is not one of ours (a Vert.x-level failure)
     */
    public static ErrorCode fromFailureCode(int failureCode) {
        for (ErrorCode code : values()) {
            if (code.failureCode == failureCode) {
                return code;
            }
        }
        return null;
    }
}

package dev.portcullis.ca.root;

/**
 * The CA could not be loaded, generated or checked. The message names the file and the reason in our own words.
 *
 * <p>It never carries a cause: messages of JCA and BouncyCastle exceptions are not ours to vouch for, and a
 * cause's message would reach a log line with the stack trace. Only the failing class's simple name is kept,
 * inside the message.
 */
public final class CaLoadException extends Exception {

    private static final long serialVersionUID = 1L;

    public CaLoadException(String message) {
        super(message, null, false, false);
    }

    /** A message followed by the simple name of what failed underneath, never that failure's own text. */
    public static CaLoadException because(String message, Throwable underlying) {
        return new CaLoadException(message + " (" + underlying.getClass().getSimpleName() + ")");
    }
}

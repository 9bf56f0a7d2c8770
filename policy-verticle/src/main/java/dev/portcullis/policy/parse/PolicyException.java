package dev.portcullis.policy.parse;

/**
 * A policy file that cannot be used. The message reads {@code <file>:<line>: <reason>}, the form editors and CI
 * logs turn into a link, or {@code <file>: <reason>} when no line applies (unreadable file, invalid UTF-8).
 */
public final class PolicyException extends Exception {

    private final String file;
    private final int line;
    private final String reason;

    /**
     * @param file   the file as configured
     * @param line   1-based line, or 0 when the problem is not on a line
     * @param reason what is wrong, naming the key or value
     */
    public PolicyException(String file, int line, String reason) {
        super(line > 0 ? file + ":" + line + ": " + reason : file + ": " + reason, null, false, false);
        this.file = file;
        this.line = line;
        this.reason = reason;
    }

    public String file() {
        return file;
    }

    /** @return the 1-based line, or 0 when the problem is not on a line */
    public int line() {
        return line;
    }

    public String reason() {
        return reason;
    }
}

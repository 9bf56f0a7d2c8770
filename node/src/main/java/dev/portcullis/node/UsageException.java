package dev.portcullis.node;

/** The command line is wrong; the message says how. The launcher prints it with the usage and exits 2. */
final class UsageException extends RuntimeException {

    UsageException(String message) {
        super(message, null, false, false);
    }
}

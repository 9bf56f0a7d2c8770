package dev.portcullis.bench;

/** A bad command line; the message names the argument and what was wrong with it. */
final class UsageException extends RuntimeException {

    UsageException(String message) {
        super(message);
    }
}

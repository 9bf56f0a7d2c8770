package dev.portcullis.proxy.admit;

/**
 * The client closed, or was refused, while its connection was being admitted; the upstream has been closed with it.
 */
public final class ClientGoneException extends RuntimeException {

    public ClientGoneException() {
        super("client gone before the upstream was connected", null, false, false);
    }
}

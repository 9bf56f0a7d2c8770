package dev.portcullis.bench;

import java.io.IOException;

/**
 * A protocol failure seen by the client (a refused {@code CONNECT}, an unexpected status, a short body). Its message
 * is the error kind counted in the results, so it names the failure without per-connection detail.
 */
final class ExchangeException extends IOException {

    ExchangeException(String kind) {
        super(kind);
    }
}

package dev.portcullis.bench;

import java.io.OutputStream;
import java.net.Socket;

/**
 * An open path to the origin, direct or through a tunnel, plain or TLS.
 *
 * @param socket the outermost socket (the TLS one when there is TLS)
 * @param out    where requests to the origin are written
 * @param reader reads the origin's responses; already reset to this connection's stream
 */
record Connection(Socket socket, OutputStream out, ResponseReader reader) implements AutoCloseable {

    /**
     * Closes the socket. A failure here comes after the exchange was complete (for instance a TLS close_notify to a
     * peer that already closed), so it is not an error of the iteration and is not reported.
     */
    @Override
    public void close() {
        ClientThread.closeQuietly(socket);
    }
}

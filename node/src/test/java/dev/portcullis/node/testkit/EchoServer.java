package dev.portcullis.node.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A TCP server on loopback that writes back every byte it reads until the peer ends: the far end of a spliced
 * tunnel whose bytes a test checks. One thread per connection, daemon threads; {@link #close()} it.
 */
public final class EchoServer implements AutoCloseable {

    private final ServerSocket server;

    private EchoServer(ServerSocket server) {
        this.server = server;
    }

    /** Starts one on an ephemeral loopback port. */
    public static EchoServer start() throws IOException {
        ServerSocket server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket accepted = server.accept();
                    Thread echoing = new Thread(() -> {
                        try (accepted) {
                            accepted.getInputStream().transferTo(accepted.getOutputStream());
                        } catch (IOException ended) {
                            // the proxy closed the tunnel: ended all the same
                        }
                    }, "echo");
                    echoing.setDaemon(true);
                    echoing.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }, "echo-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
        return new EchoServer(server);
    }

    /** The port it listens on. */
    public int port() {
        return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}

package dev.portcullis.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The origin of the idle-tunnels scenario: a TCP server that accepts every connection, echoes what it receives and
 * holds the connection open until the other side closes it. One thread and one selector for all connections, so that
 * ten thousand of them cost this process a file descriptor each and no thread.
 */
final class HoldingOrigin implements AutoCloseable {

    /** Pending connections the listen socket queues while the selector thread catches up. */
    static final int BACKLOG = 4096;

    private final ServerSocketChannel server;
    private final Selector selector;
    private final Thread thread;
    private final AtomicInteger open = new AtomicInteger();
    private final ByteBuffer buffer = ByteBuffer.allocate(4096);
    private volatile boolean closing;

    private HoldingOrigin(ServerSocketChannel server, Selector selector) {
        this.server = server;
        this.selector = selector;
        this.thread = new Thread(this::loop, "bench-holding-origin");
        thread.setDaemon(true);
    }

    /**
     * Listens on {@code address} (port 0 for any free port) and starts serving.
     *
     * @throws IOException if the address cannot be bound
     */
    static HoldingOrigin listen(InetSocketAddress address) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        Selector selector = Selector.open();
        try {
            server.bind(address, BACKLOG);
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException e) {
            server.close();
            selector.close();
            throw new IOException("cannot listen on " + address + ": " + e.getMessage(), e);
        }
        HoldingOrigin origin = new HoldingOrigin(server, selector);
        origin.thread.start();
        return origin;
    }

    /** The port it listens on. */
    int port() {
        return server.socket().getLocalPort();
    }

    /** Connections accepted and not yet closed by their other side. */
    int open() {
        return open.get();
    }

    /** Stops listening and closes every connection it holds, waiting up to 5 s for its thread to do so. */
    @Override
    public void close() throws IOException {
        closing = true;
        selector.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop() {
        try {
            while (!closing) {
                selector.select();
                for (SelectionKey key : selector.selectedKeys()) {
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        accept();
                    } else if (key.isReadable()) {
                        echo(key);
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | ClosedSelectorException e) {
            // The selector failed: nothing more can be served, and what is held is closed below.
        } finally {
            for (SelectionKey key : selector.keys()) {
                closeQuietly(key);
            }
            try {
                selector.close();
            } catch (IOException e) {
                // Its channels are closed already; nothing is left to release.
            }
        }
    }

    private void accept() throws IOException {
        SocketChannel channel;
        while ((channel = server.accept()) != null) {
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ);
            open.incrementAndGet();
        }
    }

    /**
     * Writes back what arrived. The client sends a few bytes once per connection and reads them back before
     * anything else, so the write completes at once; a connection whose write does not is closed rather than
     * queued.
     */
    private void echo(SelectionKey key) {
        SocketChannel channel = (SocketChannel) key.channel();
        try {
            buffer.clear();
            int n = channel.read(buffer);
            if (n < 0) {
                closeHeld(key);
                return;
            }
            buffer.flip();
            channel.write(buffer);
            if (buffer.hasRemaining()) {
                closeHeld(key);
            }
        } catch (IOException e) {
            closeHeld(key);
        }
    }

    private void closeHeld(SelectionKey key) {
        closeQuietly(key);
        open.decrementAndGet();
    }

    private static void closeQuietly(SelectionKey key) {
        key.cancel();
        try {
            key.channel().close();
        } catch (IOException e) {
            // Already gone: there is nothing left to release.
        }
    }
}

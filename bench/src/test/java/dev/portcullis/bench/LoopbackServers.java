package dev.portcullis.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A plain origin and a CONNECT proxy on loopback ports chosen by the system, thread per connection, for flow tests.
 * The origin answers {@code /small} with 13 bytes and any other path with {@link #BIG} bytes, then closes.
 */
final class LoopbackServers implements AutoCloseable {

    static final int BIG = 1 << 20;
    private static final byte[] BIG_BODY = new byte[BIG];

    private final ServerSocket origin;
    private final ServerSocket proxy;
    private final boolean refuse;

    /** Starts both; when {@code refuse}, the proxy answers every CONNECT with 403. */
    LoopbackServers(boolean refuse) throws IOException {
        this.refuse = refuse;
        InetAddress loopback = InetAddress.getLoopbackAddress();
        origin = new ServerSocket(0, 100, loopback);
        proxy = new ServerSocket(0, 100, loopback);
        accept(origin, this::serveOrigin);
        accept(proxy, this::serveProxy);
    }

    Origin origin() {
        return new Origin("localhost", "127.0.0.1", origin.getLocalPort(), 1, "/small", "/big");
    }

    Target proxyTarget(String name) {
        return new Target(name, new InetSocketAddress("127.0.0.1", proxy.getLocalPort()), null);
    }

    @Override
    public void close() throws IOException {
        origin.close();
        proxy.close();
    }

    private interface Handler {
        void handle(Socket socket) throws IOException;
    }

    private static void accept(ServerSocket server, Handler handler) {
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    daemon(() -> {
                        try (socket) {
                            handler.handle(socket);
                        } catch (IOException e) {
                            // the client went away; the test sees its side of it
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void serveOrigin(Socket socket) throws IOException {
        String head = readHead(socket.getInputStream());
        boolean small = head.startsWith("GET /small ");
        byte[] body = small ? "hello, world\n".getBytes(StandardCharsets.US_ASCII) : BIG_BODY;
        OutputStream out = socket.getOutputStream();
        out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    private void serveProxy(Socket client) throws IOException {
        String head = readHead(client.getInputStream());
        OutputStream out = client.getOutputStream();
        if (refuse || !head.startsWith("CONNECT ")) {
            out.write("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return;
        }
        String authority = head.substring(8, head.indexOf(' ', 8));
        int port = Integer.parseInt(authority.substring(authority.lastIndexOf(':') + 1));
        try (Socket upstream = new Socket("127.0.0.1", port)) {
            out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            Thread up = daemon(() -> copy(client, upstream));
            copy(upstream, client);
            try {
                up.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void copy(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
            to.shutdownOutput();
        } catch (IOException e) {
            // one side closed; the other copy ends too
        }
    }

    /** Reads one byte at a time up to the empty line, so nothing after the head is consumed. */
    private static String readHead(InputStream in) throws IOException {
        byte[] buf = new byte[8192];
        int n = 0;
        while (n < buf.length) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed inside the head");
            }
            buf[n++] = (byte) b;
            if (n >= 4 && buf[n - 4] == '\r' && buf[n - 3] == '\n' && buf[n - 2] == '\r' && buf[n - 1] == '\n') {
                return new String(Arrays.copyOf(buf, n), StandardCharsets.ISO_8859_1);
            }
        }
        throw new IOException("head too long");
    }

    private static Thread daemon(Runnable r) {
        Thread t = new Thread(r);
        t.setDaemon(true);
        t.start();
        return t;
    }
}

package dev.portcullis.node.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** CONNECT tunnels through a proxy listener, opened and used as a raw client would, for the tests that hold them. */
public final class Tunnels {

    private Tunnels() {
    }

    /** A CONNECT tunnel to {@code host:port} through the proxy on {@code proxyPort}, its {@code 200} already read. */
    public static Socket open(int proxyPort, String host, int port) throws IOException {
        Socket socket = new Socket("127.0.0.1", proxyPort);
        socket.setSoTimeout(5000);
        socket.getOutputStream().write(("CONNECT " + host + ":" + port + " HTTP/1.1\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        assertThat(readHead(socket.getInputStream())).as("the answer to CONNECT " + host).startsWith("HTTP/1.1 200");
        return socket;
    }

    /**
     * Reads an HTTP head up to its blank line, one byte at a time so that nothing after it is consumed.
     *
     * @throws IOException when the stream ends first, with what was read so far
     */
    public static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int next = in.read();
            if (next < 0) {
                throw new IOException("the peer closed before the end of its head; so far: " + head);
            }
            head.write(next);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** Sends {@code text} through a tunnel to an echo server and reads as many bytes back. */
    public static String echoed(Socket tunnel, String text) throws IOException {
        tunnel.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        tunnel.getOutputStream().flush();
        return new String(tunnel.getInputStream().readNBytes(text.length()), StandardCharsets.ISO_8859_1);
    }

    /** Whether the gateway ended the tunnel: end of stream (or a reset) rather than a read timeout. */
    public static boolean closedByGateway(Socket tunnel) {
        try {
            return tunnel.getInputStream().read() < 0;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }
}

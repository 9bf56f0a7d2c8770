package dev.portcullis.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLSocket;

/**
 * Opens a {@link Connection} to the origin for one target: straight to it for {@code direct}, otherwise through an
 * HTTP {@code CONNECT} tunnel (RFC 9110 §9.3.6), then TLS inside when asked; or, for the reverse scenarios, to the
 * target itself over TLS (to the backend over plain HTTP for {@code direct}). Every socket has TCP_NODELAY (without
 * it each new TLS connection waits ~40 ms on Nagle and delayed ACK) and the connect and read timeout. Thread-safe.
 */
final class Dialer {

    private final Target target;
    private final Origin origin;
    private final ReverseSite reverse;
    private final TlsClient tls;
    private final int timeoutMillis;
    private final byte[][] connectRequest = new byte[2][];
    private final InetSocketAddress[] directAddress = new InetSocketAddress[2];

    /**
     * @param tls           trusts the certificate seen through this target, or {@code null} when only plain
     *                      connections will be opened
     * @param timeoutMillis connect and read timeout
     */
    Dialer(Target target, Origin origin, TlsClient tls, int timeoutMillis) {
        this(target, origin, ReverseSite.DEFAULT, tls, timeoutMillis);
    }

    /**
     * @param reverse the site {@link #openReverse} reaches
     * @param tls     trusts the certificate seen through this target, or {@code null} when only plain connections
     *                will be opened
     */
    Dialer(Target target, Origin origin, ReverseSite reverse, TlsClient tls, int timeoutMillis) {
        this.target = target;
        this.origin = origin;
        this.reverse = reverse;
        this.tls = tls;
        this.timeoutMillis = timeoutMillis;
        for (int i = 0; i < 2; i++) {
            String authority = origin.authority(i == 1);
            connectRequest[i] = ("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            directAddress[i] = origin.directAddress(i == 1);
        }
    }

    /** The target this dialer reaches the origin through. */
    Target target() {
        return target;
    }

    /**
     * Connects {@code socket} and opens the path to the origin over it. The caller creates the socket so that
     * another thread can close it to end a stuck iteration; the caller closes the returned connection.
     *
     * @param socket a new, unconnected socket
     * @param useTls whether to reach the origin's TLS port and handshake inside
     * @param reader the calling thread's reader, reset here to the connection's stream
     * @throws ExchangeException if the proxy refuses the tunnel or sends bytes before the TLS handshake
     * @throws IOException       if connecting, reading or the handshake fails or times out
     */
    Connection open(Socket socket, boolean useTls, ResponseReader reader) throws IOException {
        int t = useTls ? 1 : 0;
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(timeoutMillis);
        InetSocketAddress to = target.isDirect() ? directAddress[t]
                : target.isTransparent() && !useTls ? target.plainAddress() : target.address();
        socket.connect(to, timeoutMillis);
        OutputStream out = socket.getOutputStream();
        reader.reset(socket.getInputStream());
        if (!target.isDirect() && !target.isTransparent()) {
            out.write(connectRequest[t]);
            ResponseHead head = reader.readHead();
            if (head.status() / 100 != 2) {
                throw new ExchangeException("CONNECT answered " + head.status());
            }
        }
        if (!useTls) {
            return new Connection(socket, out, reader);
        }
        if (reader.buffered() > 0) {
            // The origin speaks only after the ClientHello, so these came from the proxy itself.
            throw new ExchangeException("proxy sent bytes after its CONNECT response");
        }
        return secure(socket, origin.host(), origin.tlsPort(), reader);
    }

    /**
     * Connects {@code socket} to the target as a reverse proxy, without {@code CONNECT}, and handshakes TLS with the
     * reverse site's name as SNI; for {@code direct}, to the site's backend over plain HTTP. The caller closes the
     * returned connection.
     *
     * @param socket a new, unconnected socket
     * @param reader the calling thread's reader, reset here to the connection's stream
     * @throws IOException if connecting or the handshake fails or times out
     */
    Connection openReverse(Socket socket, ResponseReader reader) throws IOException {
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(timeoutMillis);
        InetSocketAddress to = target.isDirect() ? reverse.direct() : target.address();
        socket.connect(to, timeoutMillis);
        if (target.isDirect()) {
            reader.reset(socket.getInputStream());
            return new Connection(socket, socket.getOutputStream(), reader);
        }
        return secure(socket, reverse.host(), to.getPort(), reader);
    }

    /**
     * Connects {@code socket} to the target as a plain forward proxy, without {@code CONNECT}: requests are then sent
     * in absolute-form. For {@code direct} to the origin's plain port, for a transparent target to its plain listener.
     *
     * @param socket a new, unconnected socket
     * @param reader the calling thread's reader, reset here to the connection's stream
     * @throws IOException if connecting fails or times out
     */
    Connection openForward(Socket socket, ResponseReader reader) throws IOException {
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(timeoutMillis);
        InetSocketAddress to = target.isDirect() ? directAddress[0]
                : target.isTransparent() ? target.plainAddress() : target.address();
        socket.connect(to, timeoutMillis);
        reader.reset(socket.getInputStream());
        return new Connection(socket, socket.getOutputStream(), reader);
    }

    private Connection secure(Socket socket, String host, int port, ResponseReader reader) throws IOException {
        if (tls == null) {
            throw new IllegalStateException("dialer for " + target.name() + " has no TLS client");
        }
        SSLSocket ssl = tls.handshake(socket, host, port, timeoutMillis);
        reader.reset(ssl.getInputStream());
        return new Connection(ssl, ssl.getOutputStream(), reader);
    }
}

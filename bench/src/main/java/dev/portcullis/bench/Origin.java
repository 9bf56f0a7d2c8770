package dev.portcullis.bench;

import java.net.InetSocketAddress;

/**
 * The origin server every target ends at (the peers script's nginx by default).
 *
 * @param host      the name sent in {@code CONNECT}, {@code Host} and SNI; the certificate must be valid for it
 * @param address   where {@code direct} connects (the proxies resolve {@code host} themselves)
 * @param plainPort the plain HTTP port
 * @param tlsPort   the HTTPS port
 * @param smallPath the small resource fetched once per tunnel
 * @param bulkPath  the large resource fetched by the bulk scenarios
 */
public record Origin(String host, String address, int plainPort, int tlsPort, String smallPath, String bulkPath) {

    /** The peers script's origin: {@code localhost}, 127.0.0.1, ports 9080 and 9443, {@code /small}, {@code /10m}. */
    public static final Origin DEFAULT = new Origin("localhost", "127.0.0.1", 9080, 9443, "/small", "/10m");

    /** The port for plain or TLS traffic. */
    public int port(boolean tls) {
        return tls ? tlsPort : plainPort;
    }

    /** The {@code host:port} authority sent in {@code CONNECT}. */
    public String authority(boolean tls) {
        return host + ":" + port(tls);
    }

    /** The address {@code direct} connects to. */
    public InetSocketAddress directAddress(boolean tls) {
        return new InetSocketAddress(address, port(tls));
    }
}

package dev.portcullis.node.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free TCP ports on 127.0.0.1 for things that must be told a port before they start (Hazelcast members,
 * separate node processes). They are taken below the kernel's ephemeral range
 * ({@code /proc/sys/net/ipv4/ip_local_port_range}), which outgoing connections draw from: a port handed out here
 * and used seconds later (the last node of a fleet) is then not taken meanwhile by one of the many connections a
 * fleet opens. Each candidate is bound to prove it free, and all ports of one call are held open together so they
 * are distinct, then released. Where the range cannot be read, port 0 picks them. In-process servers should bind
 * port 0 themselves instead.
 */
public final class FreePorts {

    /** Ports below this are left alone (well-known and registered services people run). */
    private static final int LOWEST = 20_000;

    private FreePorts() {
    }

    /** The first port of the kernel's ephemeral range, or 0 when it cannot be read (then port 0 is used). */
    private static int ephemeralRangeStart() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static ServerSocket bindOrNull(int port) {
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(false);
            try {
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
                return socket;
            } catch (IOException taken) {
                socket.close();
                return null;
            }
        } catch (IOException e) {
            return null;
        }
    }

    /** One free port. */
    public static int one() {
        return take(1).get(0);
    }

    /** {@code count} distinct free ports. */
    public static List<Integer> take(int count) {
        List<ServerSocket> sockets = new ArrayList<>(count);
        try {
            List<Integer> ports = new ArrayList<>(count);
            int below = ephemeralRangeStart();
            for (int attempt = 0; ports.size() < count && below > LOWEST + count && attempt < 50 * count; attempt++) {
                int candidate = LOWEST + ThreadLocalRandom.current().nextInt(below - LOWEST);
                ServerSocket socket = bindOrNull(candidate);
                if (socket != null) {
                    sockets.add(socket);
                    ports.add(candidate);
                }
            }
            while (ports.size() < count) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(socket);
                ports.add(socket.getLocalPort());
            }
            return List.copyOf(ports);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find free ports", e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // Closing a listening socket that never accepted cannot lose data; nothing to do.
                }
            }
        }
    }
}

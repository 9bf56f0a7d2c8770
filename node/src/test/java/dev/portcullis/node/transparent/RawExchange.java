package dev.portcullis.node.transparent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes bytes to a TCP peer, optionally in segments of a given size, and keeps everything that comes back until
 * the peer closes or a read times out. Runs in this JVM, or as a program inside a client namespace
 * ({@link #main}: {@code host port request-file answer-file segment-size read-timeout-ms}), where Java cannot
 * switch network namespaces on its own.
 */
public final class RawExchange {

    private RawExchange() {
    }

    /**
     * What came back.
     *
     * @param bytes  everything read
     * @param closed whether the peer closed (rather than the read timing out)
     */
    record Answer(byte[] bytes, boolean closed) {

        /** Whether the answer is a fatal TLS alert with this description (RFC 8446 §6). */
        boolean isAlert(int description) {
            return bytes.length >= 7 && bytes[0] == 0x15 && bytes[5] == 0x02 && (bytes[6] & 0xff) == description;
        }

        String text() {
            return new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    static Answer exchange(String host, int port, byte[] request, int segment, int readTimeoutMs) throws IOException {
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), 5000);
            socket.setSoTimeout(readTimeoutMs);
            OutputStream out = socket.getOutputStream();
            for (int at = 0; at < request.length; at += segment) {
                out.write(request, at, Math.min(segment, request.length - at));
                out.flush();
            }
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            try {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    answer.write(buffer, 0, read);
                }
                return new Answer(answer.toByteArray(), true);
            } catch (SocketTimeoutException e) {
                return new Answer(answer.toByteArray(), false);
            } catch (IOException reset) {
                return new Answer(answer.toByteArray(), true);
            }
        }
    }

    /** The program form: the answer goes to a file, its first byte 1 when the peer closed, else 0. */
    public static void main(String[] args) throws IOException {
        Answer answer = exchange(args[0], Integer.parseInt(args[1]), Files.readAllBytes(Path.of(args[2])),
                Integer.parseInt(args[4]), Integer.parseInt(args[5]));
        byte[] file = new byte[answer.bytes().length + 1];
        file[0] = (byte) (answer.closed() ? 1 : 0);
        System.arraycopy(answer.bytes(), 0, file, 1, answer.bytes().length);
        Files.write(Path.of(args[3]), file);
    }
}

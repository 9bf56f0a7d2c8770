package dev.portcullis.node.explicit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A client that writes raw bytes to the proxy and reads its answer, for input no well-behaved client sends.
 */
final class RawClient {

    /**
     * What came back.
     *
     * @param response    everything read until the proxy closed (or the read timeout)
     * @param closed      whether the proxy closed the connection
     * @param elapsedMs   from the last byte written to the close
     */
    record Answer(String response, boolean closed, long elapsedMs) {

        /** The status code of the first line, or -1 when no HTTP response came. */
        int status() {
            if (!response.startsWith("HTTP/1.1 ")) {
                return -1;
            }
            return Integer.parseInt(response.substring(9, 12));
        }

        String header(String name) {
            for (String line : response.split("\r\n")) {
                if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
                    return line.substring(name.length() + 1).trim();
                }
            }
            return null;
        }
    }

    private RawClient() {
    }

    static Answer send(int proxyPort, byte[] request, int readTimeoutMs) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", proxyPort)) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(readTimeoutMs);
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            long start = System.nanoTime();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            boolean closed = false;
            try {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, read);
                }
                closed = true;
            } catch (SocketTimeoutException e) {
                closed = false;
            } catch (IOException e) {
                // A reset after the answer also means the proxy closed the connection.
                closed = true;
            }
            return new Answer(out.toString(StandardCharsets.ISO_8859_1), closed,
                    (System.nanoTime() - start) / 1_000_000);
        }
    }

    static Answer send(int proxyPort, String request, int readTimeoutMs) throws IOException {
        return send(proxyPort, request.getBytes(StandardCharsets.ISO_8859_1), readTimeoutMs);
    }
}

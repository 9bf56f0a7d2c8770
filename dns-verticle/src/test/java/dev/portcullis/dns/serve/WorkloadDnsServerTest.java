package dev.portcullis.dns.serve;

import dev.portcullis.api.bus.Addresses;
import dev.portcullis.api.dns.RecentNames;
import dev.portcullis.api.dns.RecentNamesRequest;
import dev.portcullis.api.dns.ResolveClient;
import dev.portcullis.dns.DnsVerticle;
import dev.portcullis.dns.testing.DnsRole;
import dev.portcullis.dns.testing.TestDnsServer;
import io.vertx.core.Vertx;
import io.vertx.core.dns.DnsClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The dns role as the workloads' DNS server: real UDP and TCP queries, and what it remembers per client. */
@ExtendWith(VertxExtension.class)
@Timeout(10)
class WorkloadDnsServerTest {

    private static final int NOERROR = 0;
    private static final int NXDOMAIN = 3;
    private static final int NOTIMP = 4;

    private TestDnsServer upstream;
    private int port;

    @BeforeEach
    void startDns(Vertx vertx) {
        upstream = TestDnsServer.start();
        JsonObject config = DnsRole.config(upstream)
                .put("static", new JsonObject().put("git.test", new JsonArray().add("192.0.2.22")))
                .put("serve", new JsonObject().put("host", "127.0.0.1").put("port", 0));
        DnsRole.deploy(vertx, config);
        String where = vertx.sharedData().<String, String>getLocalMap("portcullis.listeners")
                .get(DnsVerticle.SERVE_LISTENER);
        port = Integer.parseInt(where.substring(where.lastIndexOf(':') + 1));
    }

    @AfterEach
    void stopDns() {
        upstream.close();
    }

    @Test
    void anAnswerOverUdpIsRememberedForThatClientAndAddress(Vertx vertx) {
        var addresses = vertx.createDnsClient(new DnsClientOptions().setHost("127.0.0.1").setPort(port))
                .resolveA("git.test").await();

        assertThat(addresses).containsExactly("192.0.2.22");
        RecentNames names = new ResolveClient(vertx, Duration.ofSeconds(3))
                .recentNames(new RecentNamesRequest("127.0.0.1", "192.0.2.22")).await();
        assertThat(names.names()).containsExactly("git.test");
        assertThat(new ResolveClient(vertx).recentNames(new RecentNamesRequest("10.9.9.9", "192.0.2.22")).await()
                .names()).as("another client never asked").isEmpty();
    }

    @Test
    void anAQuestionOverTcpIsAnsweredToo() throws IOException {
        ByteBuffer answer = askOverTcp("git.test", 1);

        assertThat(answer.get(3) & 0x0f).isEqualTo(NOERROR);
        assertThat(answer.getShort(6)).as("one answer record").isEqualTo((short) 1);
        byte[] tail = new byte[4];
        answer.position(answer.limit() - 4);
        answer.get(tail);
        assertThat(tail).containsExactly(192, 0, 2, 22);
    }

    @Test
    void httpsRecordsAreAnsweredEmptySoClientsGetNoEchConfig() throws IOException {
        ByteBuffer answer = askOverTcp("git.test", 65);

        assertThat(answer.get(3) & 0x0f).isEqualTo(NOERROR);
        assertThat(answer.getShort(6)).as("no answer records").isZero();
    }

    @Test
    void otherRecordTypesAreNotImplemented() throws IOException {
        assertThat(askOverTcp("git.test", 15).get(3) & 0x0f).isEqualTo(NOTIMP);
    }

    @Test
    void anUnknownNameIsNxdomain() throws IOException {
        assertThat(askOverTcp("missing.test", 1).get(3) & 0x0f).isEqualTo(NXDOMAIN);
    }

    /** One question over TCP (RFC 7766: two-byte length before each message); returns the whole answer. */
    private ByteBuffer askOverTcp(String name, int type) throws IOException {
        ByteBuffer query = ByteBuffer.allocate(512);
        query.putShort((short) 0x1234).putShort((short) 0x0100).putShort((short) 1).putShort((short) 0)
                .putShort((short) 0).putShort((short) 0);
        for (String label : name.split("\\.")) {
            query.put((byte) label.length()).put(label.getBytes(StandardCharsets.US_ASCII));
        }
        query.put((byte) 0).putShort((short) type).putShort((short) 1);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeShort(query.position());
            out.write(query.array(), 0, query.position());
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] answer = new byte[in.readUnsignedShort()];
            in.readFully(answer);
            assertThat(ByteBuffer.wrap(answer).getShort(0)).as("same id").isEqualTo((short) 0x1234);
            return ByteBuffer.wrap(answer);
        }
    }
}

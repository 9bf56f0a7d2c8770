package dev.portcullis.node.fleet;

import dev.portcullis.node.config.ClusterTlsSettings;
import dev.portcullis.node.config.ConfigException;
import dev.portcullis.node.testkit.TestCa;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Generated fleet credentials: they do mutual TLS with each other and with nothing else, keys stay owner-only,
 * and a directory is reused, renewed or refused as {@link FleetDirectory} promises.
 */
@ExtendWith(VertxExtension.class)
@Timeout(180)
class FleetDirectoryTest {

    @TempDir
    Path dir;

    @Test
    void twoHoldersOfOneFleetsCredentialsCompleteAMutualTlsHandshakeBothWays(Vertx vertx) throws Exception {
        FleetCredentials fleet = FleetDirectory.of(dir.resolve("a")).ensure("127.0.0.1");

        // The same credentials on both ends, as every member has: the server side needs serverAuth, the client
        // side clientAuth.
        assertThat(handshake(vertx, fleet, fleet)).isTrue();
    }

    @Test
    void aClientFromAnotherFleetIsRefusedAndSoIsAServerFromAnotherFleet(Vertx vertx) throws Exception {
        FleetCredentials ours = FleetDirectory.of(dir.resolve("ours")).ensure("127.0.0.1");
        FleetCredentials theirs = FleetDirectory.of(dir.resolve("theirs")).ensure("127.0.0.1");

        assertThat(handshake(vertx, ours, theirs)).isFalse();
        assertThat(handshake(vertx, theirs, ours)).isFalse();
    }

    @Test
    void keysAreOwnerOnlyPkcs8InAnOwnerOnlyDirectoryAndCertificatesCarryNoKey() throws Exception {
        Path fleet = dir.resolve("fleet");
        FleetDirectory.of(fleet).ensure("127.0.0.1");

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fleet))).isEqualTo("rwx------");
        for (String key : new String[] {FleetDirectory.CA_KEY, FleetDirectory.NODE_KEY}) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fleet.resolve(key))))
                    .isEqualTo("rw-------");
            assertThat(Files.readString(fleet.resolve(key))).startsWith("-----BEGIN PRIVATE KEY-----");
        }
        assertThat(Files.readString(fleet.resolve(FleetDirectory.NODE_CERT))
                + Files.readString(fleet.resolve(FleetDirectory.CA_CERT))).doesNotContain("PRIVATE KEY");
    }

    @Test
    void theNextStartReusesTheSameCredentials() throws Exception {
        Path fleet = dir.resolve("fleet");
        FleetDirectory.of(fleet).ensure("127.0.0.1");
        String ca = Files.readString(fleet.resolve(FleetDirectory.CA_CERT));
        String node = Files.readString(fleet.resolve(FleetDirectory.NODE_CERT));
        String key = Files.readString(fleet.resolve(FleetDirectory.NODE_KEY));

        FleetDirectory.of(fleet).ensure("127.0.0.1");

        assertThat(Files.readString(fleet.resolve(FleetDirectory.CA_CERT))).isEqualTo(ca);
        assertThat(Files.readString(fleet.resolve(FleetDirectory.NODE_CERT))).isEqualTo(node);
        assertThat(Files.readString(fleet.resolve(FleetDirectory.NODE_KEY))).isEqualTo(key);
    }

    @Test
    void aNodeCertificateNearItsEndIsReissuedFromTheSameFleetCa() throws Exception {
        Path fleet = dir.resolve("fleet");
        Instant longAgo = Instant.now().minus(FleetCaGenerator.NODE_VALIDITY).plus(Duration.ofDays(10));
        new FleetDirectory(fleet, Clock.fixed(longAgo, ZoneOffset.UTC), new SecureRandom()).ensure("127.0.0.1");
        String ca = Files.readString(fleet.resolve(FleetDirectory.CA_CERT));
        X509Certificate old = FleetFiles.readCertificates(fleet.resolve(FleetDirectory.NODE_CERT)).get(0);

        FleetDirectory.of(fleet).ensure("127.0.0.1");

        X509Certificate renewed = FleetFiles.readCertificates(fleet.resolve(FleetDirectory.NODE_CERT)).get(0);
        assertThat(Files.readString(fleet.resolve(FleetDirectory.CA_CERT))).isEqualTo(ca);
        assertThat(renewed.getNotAfter()).isAfter(old.getNotAfter());
        renewed.verify(FleetFiles.readCertificates(fleet.resolve(FleetDirectory.CA_CERT)).get(0).getPublicKey());
    }

    @Test
    void aMemberGivenOnlyTheFleetCaCertificateAndItsOwnCredentialsNeedsNoCaKey(Vertx vertx) throws Exception {
        Path issuer = dir.resolve("issuer");
        FleetCredentials first = FleetDirectory.of(issuer).ensure("127.0.0.1");
        Path member = dir.resolve("member");
        Files.createDirectories(member);
        for (String file : new String[] {FleetDirectory.CA_CERT, FleetDirectory.NODE_CERT, FleetDirectory.NODE_KEY}) {
            Files.copy(issuer.resolve(file), member.resolve(file));
        }

        FleetCredentials copy = FleetDirectory.of(member).ensure("127.0.0.1");

        assertThat(member.resolve(FleetDirectory.CA_KEY)).doesNotExist();
        assertThat(handshake(vertx, first, copy)).isTrue();
    }

    @Test
    void withoutTheCaKeyACertificateForAnotherAddressCannotBeIssuedAndTheMessageSaysWhy() throws Exception {
        Path issuer = dir.resolve("issuer");
        FleetDirectory.of(issuer).ensure("127.0.0.1");
        Files.delete(issuer.resolve(FleetDirectory.CA_KEY));

        assertThatThrownBy(() -> FleetDirectory.of(issuer).ensure("10.1.2.3"))
                .isInstanceOf(FleetCredentialsException.class)
                .hasMessageContaining("no usable node.pem for 10.1.2.3 and no ca.key");
    }

    @Test
    void aConfiguredCertificateThatCannotAuthenticateAClientIsRefusedAtStartNamingTheKey() throws Exception {
        TestCa.Leaf serverOnly = TestCa.create("Other CA").issue("node.test");
        Path cert = Files.writeString(dir.resolve("server-only.pem"), serverOnly.certPem());
        Path key = Files.writeString(dir.resolve("server-only.key"), serverOnly.keyPem());
        Path trust = FleetDirectory.of(dir.resolve("fleet")).directory().resolve("ca.pem");
        FleetDirectory.of(dir.resolve("fleet")).ensure("127.0.0.1");

        assertThatThrownBy(() -> FleetCredentials.resolve(new ClusterTlsSettings(cert, key, null, null, null, trust),
                dir, "127.0.0.1", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cluster.tls.cert-file " + cert)
                .hasMessageContaining("serverAuth and clientAuth");
    }

    @Test
    void aMissingConfiguredFileIsRefusedNamingItsKey() {
        Path missing = dir.resolve("missing.pem");

        assertThatThrownBy(() -> FleetCredentials.resolve(
                new ClusterTlsSettings(missing, missing, null, null, null, missing), dir, "127.0.0.1", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cluster.tls.trust-file " + missing + " is not a readable file");
    }

    @Test
    void aKeystorePassphraseVariableThatIsNotSetIsRefusedNamingIt() throws Exception {
        Path file = Files.writeString(dir.resolve("x.p12"), "x");

        assertThatThrownBy(() -> FleetCredentials.resolve(
                new ClusterTlsSettings(null, null, file, null, "FLEET_P12_PASS", file), dir, "127.0.0.1", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cluster.tls.passphrase-env names FLEET_P12_PASS, which is not set");
    }

    @Test
    void aPkcs12KeystoreWithItsPassphraseInAFileWorksLikeThePemFiles(Vertx vertx) throws Exception {
        Path fleet = dir.resolve("fleet");
        FleetCredentials pem = FleetDirectory.of(fleet).ensure("127.0.0.1");
        char[] passphrase = "keystore-passphrase".toCharArray();
        java.security.KeyStore keystore = java.security.KeyStore.getInstance("PKCS12");
        keystore.load(null, null);
        keystore.setKeyEntry("node", FleetFiles.readKey(fleet.resolve(FleetDirectory.NODE_KEY)), passphrase,
                FleetFiles.readCertificates(fleet.resolve(FleetDirectory.NODE_CERT)).toArray(new X509Certificate[0]));
        Path p12 = dir.resolve("node.p12");
        try (java.io.OutputStream out = Files.newOutputStream(p12)) {
            keystore.store(out, passphrase);
        }
        Path passphraseFile = Files.writeString(dir.resolve("p12-passphrase"), new String(passphrase) + "\n");

        FleetCredentials pkcs12 = FleetCredentials.resolve(new ClusterTlsSettings(null, null, p12, passphraseFile, null,
                fleet.resolve(FleetDirectory.CA_CERT)), dir, "127.0.0.1", Map.of());

        assertThat(handshake(vertx, pem, pkcs12)).isTrue();
        assertThat(handshake(vertx, pkcs12, pem)).isTrue();
    }

    /** Whether a client with {@code client}'s credentials and a server with {@code server}'s complete mTLS. */
    private static boolean handshake(Vertx vertx, FleetCredentials server, FleetCredentials client) throws Exception {
        NetServer listening = vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(0)
                        .setSsl(true).setKeyCertOptions(server.keyCertOptions()).setTrustOptions(server.trustOptions())
                        .setClientAuth(ClientAuth.REQUIRED))
                .connectHandler(socket -> socket.handler(socket::write))
                .listen().await(30, TimeUnit.SECONDS);
        NetClient connecting = null;
        try {
            // Hostname verification off, as the clustered event bus's own client has it: trust is the fleet CA.
            NetClientOptions options = new NetClientOptions().setSsl(true).setHostnameVerificationAlgorithm("")
                    .setKeyCertOptions(client.keyCertOptions()).setTrustOptions(client.trustOptions());
            // Held until the end: Vert.x 5 closes a client that is no longer reachable, and its connection with it,
            // whenever the garbage collector runs.
            connecting = vertx.createNetClient(options);
            NetSocket socket = connecting.connect(listening.actualPort(), "127.0.0.1").await(30, TimeUnit.SECONDS);
            // TLS 1.3 servers check the client certificate after the client's handshake is done: an echo proves
            // the server accepted it.
            io.vertx.core.Promise<String> echo = io.vertx.core.Promise.promise();
            socket.handler(buffer -> echo.tryComplete(buffer.toString()));
            socket.closeHandler(closed -> echo.tryFail("closed"));
            socket.write("ping");
            return "ping".equals(echo.future().await(30, TimeUnit.SECONDS));
        } catch (Exception e) {
            org.slf4j.LoggerFactory.getLogger(FleetDirectoryTest.class).info("handshake refused: {}", e.toString());
            return false;
        } finally {
            if (connecting != null) {
                connecting.close().await(30, TimeUnit.SECONDS);
            }
            listening.close().await(30, TimeUnit.SECONDS);
        }
    }
}

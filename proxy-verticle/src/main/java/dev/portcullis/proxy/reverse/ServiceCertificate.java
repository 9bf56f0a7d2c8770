package dev.portcullis.proxy.reverse;

import dev.portcullis.api.policy.Service;
import dev.portcullis.proxy.intercept.TlsEngine;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import javax.net.ssl.KeyManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The certificate one service presents, read from its files on this node (README, "Reverse proxy": never from the
 * policy, never over the bus): a PEM chain and key, or PKCS#12 with its password in a file. One context per
 * protocol the client may be given (ALPN, RFC 7301), so the protocol is chosen from the ClientHello before the
 * handshake, as decrypted forward connections do. {@link #reloadIfChanged} reads the files again when their size or
 * modification time changed: the next handshake presents the new certificate. Blocking: call off the event loop.
 */
final class ServiceCertificate {

    /** What was read: the contexts, and the files' stamps they were read from. */
    private record Loaded(Map<String, SslContext> byProtocol, List<String> stamps) {
    }

    private final Service.Tls tls;
    private volatile Loaded loaded;

    /** @throws IllegalArgumentException naming the file when the certificate or key cannot be read */
    ServiceCertificate(Service.Tls tls) {
        this.tls = tls;
        this.loaded = load();
    }

    /** @param protocol {@code h2} or {@code http/1.1} */
    SslContext context(String protocol) {
        return loaded.byProtocol().get(protocol);
    }

    /**
     * @return whether new files were read
     * @throws IllegalArgumentException when changed files cannot be read; the certificate in force stays
     */
    boolean reloadIfChanged() {
        if (stamps().equals(loaded.stamps())) {
            return false;
        }
        loaded = load();
        return true;
    }

    private List<String> files() {
        List<String> files = new ArrayList<>();
        if (tls.pkcs12File() != null) {
            files.add(tls.pkcs12File());
            if (tls.passwordFile() != null) {
                files.add(tls.passwordFile());
            }
        } else {
            files.add(tls.certFile());
            files.add(tls.keyFile());
        }
        return files;
    }

    private List<String> stamps() {
        List<String> stamps = new ArrayList<>();
        for (String file : files()) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(Path.of(file), BasicFileAttributes.class);
                stamps.add(attributes.size() + "@" + attributes.lastModifiedTime().toMillis() + "#"
                        + attributes.fileKey());
            } catch (IOException e) {
                stamps.add("missing");
            }
        }
        return stamps;
    }

    private Loaded load() {
        List<String> stamps = stamps();
        return new Loaded(Map.of(ApplicationProtocolNames.HTTP_2, build(ApplicationProtocolNames.HTTP_2),
                ApplicationProtocolNames.HTTP_1_1, build(ApplicationProtocolNames.HTTP_1_1)), stamps);
    }

    private SslContext build(String protocol) {
        try {
            SslContextBuilder builder = tls.pkcs12File() != null ? SslContextBuilder.forServer(keyManagers())
                    : SslContextBuilder.forServer(Path.of(tls.certFile()).toFile(), Path.of(tls.keyFile()).toFile());
            return builder.sslProvider(TlsEngine.provider()).trustManager(TlsEngine.noClientCertificates())
                    .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, protocol))
                    .build();
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot read the certificate " + String.join(" and ", files()) + ": "
                    + e.getMessage(), e);
        }
    }

    private KeyManagerFactory keyManagers() throws IOException, GeneralSecurityException {
        char[] password = tls.passwordFile() == null ? new char[0]
                : Files.readAllLines(Path.of(tls.passwordFile()), StandardCharsets.UTF_8).stream().findFirst()
                .orElse("").strip().toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(Path.of(tls.pkcs12File()))) {
            store.load(in, password);
        }
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, password);
        return factory;
    }
}

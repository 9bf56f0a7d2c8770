package dev.portcullis.node.bridge;

import dev.portcullis.api.bus.Addresses;
import dev.portcullis.api.log.ThrottledLog;
import dev.portcullis.api.policy.PolicyClient;
import dev.portcullis.node.config.BridgeSettings;
import dev.portcullis.node.config.ConfigException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.bridge.BridgeOptions;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.eventbus.bridge.tcp.BridgeEvent;
import io.vertx.ext.eventbus.bridge.tcp.TcpEventBusBridge;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The policy bridge: a Vert.x TCP event-bus bridge (4-byte big-endian length, then a JSON frame) through which a
 * service in any language asks the policy role, wherever in the cluster it runs (docs/policy-clients.md).
 *
 * <p>What it lets through is exactly one thing: a {@code send} to {@value Addresses#POLICY_DECIDE} that waits for
 * its reply ({@code replyAddress} set). Its answer goes back on that connection only. Everything else, a
 * {@code send} to any other address ({@code portcullis.ca.sign.v1} would mint certificates for any name), any
 * {@code publish}, {@code register} or {@code unregister}, is refused with an {@code err} frame and logged (at most
 * one line per address every 10 s). Two layers say so: this class's event handler, and the bridge's own allow-list,
 * which holds that one inbound address and no outbound one. The client's headers are replaced by the bridge's own
 * timeout, so a client cannot hold a request open longer, nor pick a codec.
 *
 * <p>Only clients with a certificate from {@code bridge.tls.client-ca-file} complete the TLS handshake
 * ({@link ClientAuth#REQUIRED}); the node refuses to start when that CA is also the fleet CA, whose certificates
 * are full event-bus members (docs/fleet-security.md).
 */
public final class PolicyBridge {

    /** {@value}: the one address the bridge forwards to. */
    public static final String PERMITTED_ADDRESS = Addresses.POLICY_DECIDE;
    /** How long a bridged request waits for the policy role, as for every other caller. */
    static final Duration REQUEST_TIMEOUT = PolicyClient.DEFAULT_TIMEOUT;
    /** A connection with no frame for this long is closed: a client asks, it does not camp. */
    static final Duration IDLE_TIMEOUT = Duration.ofMinutes(5);

    private static final Logger LOG = LoggerFactory.getLogger(PolicyBridge.class);
    private static final Duration LOG_INTERVAL = Duration.ofSeconds(10);

    private final TcpEventBusBridge bridge;
    private final BridgeSettings settings;

    private PolicyBridge(TcpEventBusBridge bridge, BridgeSettings settings) {
        this.bridge = bridge;
        this.settings = settings;
    }

    /**
     * Checks the bridge's files before anything binds: each must be a readable file, and the client CA must not
     * hold a certificate of the fleet CA.
     *
     * @param fleetTrustFile the fleet CA the event bus trusts ({@code cluster.tls.trust-file} or the generated one)
     * @throws ConfigException naming the {@code bridge.tls} key at fault
     */
    public static void check(BridgeSettings settings, Path fleetTrustFile) {
        readable("cert-file", settings.certFile());
        readable("key-file", settings.keyFile());
        readable("client-ca-file", settings.clientCaFile());
        Set<Certificate> fleet = new HashSet<>(certificates("cluster.tls.trust-file", fleetTrustFile));
        Collection<? extends Certificate> clientCas = certificates("bridge.tls.client-ca-file",
                settings.clientCaFile());
        if (clientCas.isEmpty()) {
            throw new ConfigException("bridge.tls.client-ca-file " + settings.clientCaFile()
                    + " holds no PEM certificate");
        }
        if (clientCas.stream().anyMatch(fleet::contains)) {
            // A certificate the fleet CA signed joins the event bus as a member, with every role's address open to
            // it: bridge clients must have a CA of their own, or the allow-list would be one copy of a key away.
            throw new ConfigException("bridge.tls.client-ca-file " + settings.clientCaFile() + " holds the fleet CA "
                    + "(cluster.tls.trust-file): bridge clients need a CA of their own (docs/policy-clients.md)");
        }
    }

    /**
     * Starts the bridge on {@code bridge.host:bridge.port}; call {@link #check} first.
     *
     * @return a future completed with the listening bridge, or failed when the address cannot be bound or the TLS
     * files cannot be loaded
     */
    public static Future<PolicyBridge> start(Vertx vertx, BridgeSettings settings) {
        BridgeOptions allowList = new BridgeOptions()
                .addInboundPermitted(new PermittedOptions().setAddress(PERMITTED_ADDRESS));
        NetServerOptions server = new NetServerOptions()
                .setHost(settings.host())
                .setPort(settings.port())
                .setSsl(true)
                .setKeyCertOptions(new PemKeyCertOptions().setCertPath(settings.certFile().toString())
                        .setKeyPath(settings.keyFile().toString()))
                .setTrustOptions(new PemTrustOptions().addCertPath(settings.clientCaFile().toString()))
                .setClientAuth(ClientAuth.REQUIRED)
                .setIdleTimeout((int) IDLE_TIMEOUT.toSeconds());
        FrameFilter filter = new FrameFilter(new ThrottledLog(LOG, LOG_INTERVAL));
        return TcpEventBusBridge.create(vertx, allowList, server, filter::handle)
                .listen(settings.port(), settings.host())
                .map(bridge -> new PolicyBridge(bridge, settings))
                .onSuccess(bridge -> LOG.info("policy bridge on {}:{} (TLS, client certificates from {}), "
                        + "forwarding {} only", settings.host(), settings.port(), settings.clientCaFile(),
                        PERMITTED_ADDRESS));
    }

    /** The bound host, as configured. */
    public String host() {
        return settings.host();
    }

    /** The bound port. */
    public int port() {
        return settings.port();
    }

    /** Stops listening; completes (never fails) once the server is closed. */
    public Future<Void> close() {
        return bridge.close().otherwiseEmpty();
    }

    /**
     * Decides, frame by frame, what reaches the event bus. Runs on the bridge's event loop.
     */
    static final class FrameFilter {

        private final ThrottledLog refusals;

        FrameFilter(ThrottledLog refusals) {
            this.refusals = refusals;
        }

        void handle(BridgeEvent event) {
            BridgeEventType type = event.type();
            switch (type) {
                case SEND, PUBLISH, REGISTER, UNREGISTER -> frame(event, type);
                // Socket life cycle and pings carry nothing to the bus.
                default -> event.complete(true);
            }
        }

        private void frame(BridgeEvent event, BridgeEventType type) {
            JsonObject frame = event.getRawMessage();
            String address = frame.getValue("address") instanceof String text ? text : null;
            String replyAddress = frame.getValue("replyAddress") instanceof String text ? text : null;
            if (type == BridgeEventType.SEND && PERMITTED_ADDRESS.equals(address) && replyAddress != null
                    && !replyAddress.isEmpty()) {
                event.setRawMessage(new JsonObject()
                        .put("type", "send")
                        .put("address", address)
                        .put("replyAddress", replyAddress)
                        // The bridge reads "timeout" as the request's send timeout; any other client header
                        // (codecName, localOnly, free headers) is dropped.
                        .put("headers", new JsonObject().put("timeout", REQUEST_TIMEOUT.toMillis()))
                        .put("body", frame.getValue("body")));
                event.complete(true);
                return;
            }
            String peer = String.valueOf(event.socket().remoteAddress());
            // Keyed by address, not by client: a flood of made-up addresses still logs at most one line per address
            // per interval, and ThrottledLog bounds the number of keys it keeps.
            refusals.warn(type + " " + address, "policy bridge refused a " + type.name().toLowerCase()
                    + " frame for address " + (address == null ? "(none)" : "'" + printable(address) + "'")
                    + (type == BridgeEventType.SEND && PERMITTED_ADDRESS.equals(address)
                    ? " without a replyAddress" : "")
                    + " from " + peer + ": only requests to " + PERMITTED_ADDRESS + " are forwarded");
            event.complete(false);
        }
    }

    /** The client's text as a log may show it: no line breaks or other control characters, at most 200 of them. */
    static String printable(String text) {
        String clipped = text.length() > 200 ? text.substring(0, 200) + "..." : text;
        return clipped.replaceAll("\\p{Cntrl}", "?");
    }

    private static void readable(String key, Path file) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new ConfigException("bridge.tls." + key + " " + file + " is not a readable file");
        }
    }

    private static Collection<? extends Certificate> certificates(String key, Path file) {
        if (file == null || !Files.isRegularFile(file)) {
            return List.of();
        }
        try (InputStream in = Files.newInputStream(file)) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException | CertificateException e) {
            throw new ConfigException(key + " " + file + " holds no readable PEM certificate: " + e, e);
        }
    }
}

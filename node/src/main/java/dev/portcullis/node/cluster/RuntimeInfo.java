package dev.portcullis.node.cluster;

import dev.portcullis.proxy.intercept.TlsEngine;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.ssl.OpenSsl;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which transport and TLS engine this node really runs on, said once at start and kept on {@code /metrics} as
 * {@code portcullis_runtime_info{transport, tls_engine} 1}: a node that fell back to NIO or the JDK's TLS (a missing
 * native library, another CPU) is slower, and nothing else would show it.
 */
public final class RuntimeInfo {

    private static final Logger LOG = LoggerFactory.getLogger(RuntimeInfo.class);

    private RuntimeInfo() {
    }

    /** Logs what the node runs on and registers the info gauge in {@code registry}. */
    public static void report(Vertx vertx, MeterRegistry registry) {
        String transport = vertx.isNativeTransportEnabled() ? "epoll" : "nio";
        String tlsEngine = OpenSsl.isAvailable() ? "boringssl" : "jdk";
        if (vertx.isNativeTransportEnabled()) {
            LOG.info("transport: native epoll; TLS: {}", TlsEngine.describe());
        } else {
            LOG.warn("transport: NIO, native epoll unavailable ({}); TLS: {}",
                    vertx.unavailableNativeTransportCause(), TlsEngine.describe());
        }
        Gauge.builder("portcullis.runtime.info", () -> 1)
                .description("The transport and TLS engine this node runs on")
                .tag("transport", transport)
                .tag("tls_engine", tlsEngine)
                .register(registry);
    }
}

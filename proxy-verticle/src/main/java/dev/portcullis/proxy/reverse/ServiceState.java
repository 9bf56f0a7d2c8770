package dev.portcullis.proxy.reverse;

import dev.portcullis.api.policy.Service;
import dev.portcullis.proxy.admit.Admission;
import io.netty.handler.ssl.SslContext;
import io.vertx.core.Vertx;

/**
 * What one proxy instance keeps for one service: its certificate, its backends' pool and their health check, and
 * how to reach them. Kept across policy versions that leave the service as it was, so a reload loses no health
 * state.
 */
final class ServiceState {

    private final Service service;
    private final ServiceCertificate certificate;
    private final BackendPool pool;
    private final BackendConnector connector;
    private final HealthProbe probe;

    /** Blocking (reads the certificate files). @throws IllegalArgumentException when a file cannot be read */
    ServiceState(Vertx vertx, Admission admission, Service service) {
        this.service = service;
        this.certificate = service.mode() == Service.Mode.TERMINATE ? new ServiceCertificate(service.tls()) : null;
        this.pool = new BackendPool(service);
        this.connector = new BackendConnector(admission, service);
        this.probe = new HealthProbe(vertx, service, pool, connector);
    }

    /** The same service under a newer policy version: its decision (version, rule entries) is the newer one. */
    private ServiceState(ServiceState kept, Service newer) {
        this.service = newer;
        this.certificate = kept.certificate;
        this.pool = kept.pool;
        this.connector = kept.connector;
        this.probe = kept.probe;
    }

    /** The same service (everything equal but the policy version) under a newer version. */
    ServiceState under(Service newer) {
        return new ServiceState(this, newer);
    }

    Service service() {
        return service;
    }

    BackendPool pool() {
        return pool;
    }

    BackendConnector connector() {
        return connector;
    }

    /** @param protocol {@code h2} or {@code http/1.1} */
    SslContext context(String protocol) {
        return certificate.context(protocol);
    }

    /** Blocking. @see ServiceCertificate#reloadIfChanged */
    boolean reloadCertificate() {
        return certificate != null && certificate.reloadIfChanged();
    }

    void start() {
        probe.start();
    }

    void stop() {
        probe.stop();
    }
}

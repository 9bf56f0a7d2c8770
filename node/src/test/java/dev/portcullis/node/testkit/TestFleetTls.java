package dev.portcullis.node.testkit;

import dev.portcullis.node.fleet.FleetDirectory;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;

/**
 * One set of fleet credentials for a test cluster (in this JVM or of separate processes), generated with the
 * production {@link FleetDirectory}: a fleet CA and one node certificate for 127.0.0.1 that every node of the
 * test cluster is configured with, so all tests run the event bus with mutual TLS, as production does.
 *
 * @param directory where {@code ca.pem}, {@code ca.key}, {@code node.pem} and {@code node.key} are
 */
public record TestFleetTls(Path directory) {

    /** Generates (or reuses) the credentials in {@code directory}. */
    public static TestFleetTls generate(Path directory) {
        FleetDirectory.of(directory).ensure("127.0.0.1");
        return new TestFleetTls(directory);
    }

    /** The {@code cluster.tls} section naming these files. */
    public JsonObject json() {
        return new JsonObject()
                .put("cert-file", directory.resolve(FleetDirectory.NODE_CERT).toString())
                .put("key-file", directory.resolve(FleetDirectory.NODE_KEY).toString())
                .put("trust-file", directory.resolve(FleetDirectory.CA_CERT).toString());
    }

    /** The same as a YAML flow map, for {@code cluster: { ..., tls: <this> }}. */
    public String yaml() {
        return "{ cert-file: \"%s\", key-file: \"%s\", trust-file: \"%s\" }".formatted(
                directory.resolve(FleetDirectory.NODE_CERT), directory.resolve(FleetDirectory.NODE_KEY),
                directory.resolve(FleetDirectory.CA_CERT));
    }
}

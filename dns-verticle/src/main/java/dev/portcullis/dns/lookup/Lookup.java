package dev.portcullis.dns.lookup;

import dev.portcullis.api.dns.AddressFamily;
import io.vertx.core.Future;

/**
 * Finds the addresses of a name. The seam between the cache and whatever answers it (the upstream resolvers now;
 * a recorder of recent answers per client can wrap it later without either side changing).
 */
@FunctionalInterface
public interface Lookup {

    /**
     * Looks a name up.
     *
     * @param name   a normalised DNS name ({@link dev.portcullis.api.host.HostName}), never an IP literal
     * @param family which address records to ask for
     * @return a future completed with a {@link LookupResult} (addresses, or a definite "none"), or failed with a
     * {@link dev.portcullis.api.bus.GatewayException} whose code is {@code TIMEOUT} or {@code SERVFAIL} when the
     * resolvers could not give a definite answer
     */
    Future<LookupResult> lookup(String name, AddressFamily family);
}

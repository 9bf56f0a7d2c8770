package dev.portcullis.dns.upstream;

import dev.portcullis.api.bus.ErrorCode;
import dev.portcullis.api.bus.GatewayException;
import dev.portcullis.dns.lookup.LookupResult;
import dev.portcullis.dns.lookup.LookupResult.Found;
import dev.portcullis.dns.lookup.LookupResult.NotFound;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Combines the A and AAAA outcomes of one name into the answer for family ANY: IPv4 addresses first. */
final class FamilyMerge {

    private FamilyMerge() {
    }

    /**
     * Merges the two outcomes.
     *
     * <ul>
     *   <li>Addresses in either family win: the name is reachable. If the other family failed transiently, the
     *       answer is given with a TTL of zero, which the cache raises to min-ttl, so the missing family is asked
     *       again soon instead of being forgotten for max-ttl.</li>
     *   <li>No addresses and a transient failure: the failure (SERVFAIL before TIMEOUT, it says more), since we
     *       do not know that the name has no address.</li>
     *   <li>Two negative answers: NXDOMAIN if either said so, else "exists but has no A or AAAA record".</li>
     * </ul>
     */
    static Future<LookupResult> merge(String name, AsyncResult<LookupResult> ipv4, AsyncResult<LookupResult> ipv6) {
        Found found4 = ipv4.succeeded() && ipv4.result() instanceof Found found ? found : null;
        Found found6 = ipv6.succeeded() && ipv6.result() instanceof Found found ? found : null;
        if (found4 != null || found6 != null) {
            List<InetAddress> addresses = new ArrayList<>();
            Duration ttl = null;
            for (Found found : new Found[] {found4, found6}) {
                if (found != null) {
                    addresses.addAll(found.addresses());
                    ttl = ttl == null || found.ttl().compareTo(ttl) < 0 ? found.ttl() : ttl;
                }
            }
            boolean partial = ipv4.failed() || ipv6.failed();
            return Future.succeededFuture(new Found(addresses, partial ? Duration.ZERO : ttl));
        }
        if (ipv4.failed() || ipv6.failed()) {
            return Future.failedFuture(moreInformative(ipv4, ipv6));
        }
        NotFound notFound4 = (NotFound) ipv4.result();
        NotFound notFound6 = (NotFound) ipv6.result();
        if (notFound4.reason() == LookupResult.Reason.NXDOMAIN) {
            return Future.succeededFuture(notFound4);
        }
        if (notFound6.reason() == LookupResult.Reason.NXDOMAIN) {
            return Future.succeededFuture(notFound6);
        }
        return Future.succeededFuture(new NotFound(LookupResult.Reason.NO_ADDRESS,
                name + " exists but has no A or AAAA record"));
    }

    private static Throwable moreInformative(AsyncResult<LookupResult> ipv4, AsyncResult<LookupResult> ipv6) {
        if (!ipv4.failed()) {
            return ipv6.cause();
        }
        if (!ipv6.failed()) {
            return ipv4.cause();
        }
        boolean ipv4TimedOut = ipv4.cause() instanceof GatewayException e && e.code() == ErrorCode.TIMEOUT;
        return ipv4TimedOut ? ipv6.cause() : ipv4.cause();
    }
}

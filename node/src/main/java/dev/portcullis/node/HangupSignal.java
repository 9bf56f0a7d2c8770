package dev.portcullis.node;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGHUP keeps the node running. The JVM's own handler treats SIGHUP like SIGTERM and exits, so a service manager's
 * reload ({@code systemctl reload}, {@code ExecReload=/bin/kill -HUP $MAINPID} in deploy/systemd/) would stop the
 * node. Nothing needs a signal to be re-read: the policy file ({@code policy.reload-interval}) and the CA files
 * ({@code ca.reload-interval}) are watched, and every other setting takes a restart; the signal is logged so an
 * operator sees it arrived.
 */
final class HangupSignal {

    private static final Logger LOG = LoggerFactory.getLogger(HangupSignal.class);

    private HangupSignal() {
    }

    /** Replaces the JVM's SIGHUP handler; where the platform has no SIGHUP (or -Xrs took it), nothing changes. */
    static void install() {
        try {
            Signal.handle(new Signal("HUP"), signal -> LOG.info("SIGHUP: nothing to reload by signal; the policy "
                    + "and CA files are re-read on their own (policy.reload-interval, ca.reload-interval), other "
                    + "settings take a restart"));
        } catch (IllegalArgumentException e) {
            LOG.debug("SIGHUP cannot be handled here, left as it is: {}", e.getMessage());
        }
    }
}

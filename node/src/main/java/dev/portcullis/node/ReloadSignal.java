package dev.portcullis.node;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.io.PrintWriter;

/**
 * SIGHUP reloads the node instead of ending the JVM (its default action), as daemons do: {@code systemctl reload}
 * and {@code kill -HUP} make the policy role read its file now and the proxy role reopen its access log (README,
 * "Drain and rolling restarts"). Written by hand: the JDK has no public API for signals, and {@code sun.misc.Signal}
 * (module {@code jdk.unsupported}, kept for exactly this) is what JVM daemons use; where it is missing the node
 * runs on and says that SIGHUP is not handled.
 */
final class ReloadSignal {

    private static final Logger LOG = LoggerFactory.getLogger(ReloadSignal.class);

    private ReloadSignal() {
    }

    /** Makes SIGHUP call {@code reload} (on the JVM's signal thread, so it must not block). */
    static void install(Runnable reload, PrintWriter err) {
        try {
            SignalHandler before = Signal.handle(new Signal("HUP"), signal -> {
                LOG.info("SIGHUP received: reloading");
                try {
                    reload.run();
                } catch (RuntimeException e) {
                    LOG.warn("reload on SIGHUP failed", e);
                }
            });
            if (before == SignalHandler.SIG_IGN) {
                // Started with SIGHUP ignored (nohup does that): the JVM then keeps it ignored and installs nothing.
                err.println("portcullis: SIGHUP is ignored by this process (started under nohup?), so it will not"
                        + " reload the node; the policy and CA files are still read again when they change");
                err.flush();
                LOG.warn("SIGHUP is ignored by this process (started under nohup?): kill -HUP will not reload it");
            }
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            err.println("portcullis: SIGHUP not handled here (" + e + "); restart the node to reload it");
        }
    }
}

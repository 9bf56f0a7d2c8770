package dev.portcullis.ca.testing;

import dev.portcullis.api.bus.Addresses;
import dev.portcullis.api.ca.CaRoot;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every root published on {@link Addresses#CA_CHANGED}, as a proxy would receive them. */
public final class Announcements {

    private final Vertx vertx;
    private final List<CaRoot> roots = new CopyOnWriteArrayList<>();

    private Announcements(Vertx vertx) {
        this.vertx = vertx;
    }

    /** Starts recording; returns once the consumer is registered. */
    public static Announcements listen(Vertx vertx) {
        Announcements announcements = new Announcements(vertx);
        MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(Addresses.CA_CHANGED,
                message -> announcements.roots.add(CaRoot.fromJson(message.body())));
        consumer.completion().await();
        return announcements;
    }

    public List<CaRoot> roots() {
        return List.copyOf(roots);
    }

    /** Completes once a root with this fingerprint was published; the test's timeout bounds the wait. */
    public Future<CaRoot> of(String fingerprint) {
        for (CaRoot root : roots) {
            if (root.fingerprintSha256().equals(fingerprint)) {
                return Future.succeededFuture(root);
            }
        }
        return vertx.timer(20).compose(done -> of(fingerprint));
    }
}

package dev.portcullis.proxy.intercept;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Fresh P-256 key pairs for minted leaves, made ahead on a worker so that a leaf issuance does not wait for one
 * (README, "Decrypt inspection", step 3). Each pair is handed out once and never reused; the pool holds at most
 * {@link #POOL_SIZE} on this node, in memory only, as the leaf cache holds the keys of the contexts it keeps. When
 * a burst of new hosts empties it, a pair is made for the caller on a worker, as without the pool.
 */
final class LeafKeys {

    /** {@value}: a burst of this many new hosts is served from the pool. */
    static final int POOL_SIZE = 32;

    private final Vertx vertx;
    private final BlockingQueue<KeyPair> ready = new ArrayBlockingQueue<>(POOL_SIZE);
    private final AtomicBoolean refilling = new AtomicBoolean();

    LeafKeys(Vertx vertx) {
        this.vertx = vertx;
        refill();
    }

    /** A key pair no other leaf has had. */
    Future<KeyPair> next() {
        KeyPair pair = ready.poll();
        if (pair != null) {
            refill();
            return Future.succeededFuture(pair);
        }
        refill();
        return vertx.executeBlocking(LeafKeys::generate, false);
    }

    private void refill() {
        if (ready.size() > POOL_SIZE / 2 || !refilling.compareAndSet(false, true)) {
            return;
        }
        vertx.executeBlocking(() -> {
            // Only this refill adds, so the room it sees stays.
            while (ready.remainingCapacity() > 0) {
                ready.add(generate());
            }
            return null;
        }, false).onComplete(done -> refilling.set(false));
    }

    private static KeyPair generate() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }
}

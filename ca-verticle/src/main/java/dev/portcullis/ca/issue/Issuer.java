package dev.portcullis.ca.issue;

import dev.portcullis.api.ca.SignRequest;
import dev.portcullis.api.ca.SignedChain;
import dev.portcullis.ca.cache.ChainCache;
import dev.portcullis.ca.cache.ChainKey;
import dev.portcullis.ca.root.CaMaterial;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Answers a {@link SignRequest} with the CA in force: from the cache, by joining a signing in flight, or by
 * signing on a worker thread. The CA is read once per request, so a rotation mid-way cannot mix two CAs in one
 * answer.
 */
public final class Issuer {

    private final Supplier<CaMaterial> currentCa;
    private final ChainCache cache;
    private final LeafBuilder builder;
    private final Function<Callable<SignedChain>, CompletionStage<SignedChain>> offLoop;

    /**
     * @param currentCa the CA in force
     * @param offLoop   runs a signing off the event loop (in Vert.x: {@code executeBlocking(task, false)})
     */
    public Issuer(Supplier<CaMaterial> currentCa, ChainCache cache, LeafBuilder builder,
                  Function<Callable<SignedChain>, CompletionStage<SignedChain>> offLoop) {
        this.currentCa = currentCa;
        this.cache = cache;
        this.builder = builder;
        this.offLoop = offLoop;
    }

    /**
     * @return the chain; failed with {@link IllegalArgumentException} for a refused key, name or hint, or with a
     *         {@link dev.portcullis.api.bus.GatewayException} when the CA cannot sign
     */
    public CompletableFuture<SignedChain> issue(SignRequest request) {
        CaMaterial ca = currentCa.get();
        ChainKey key = new ChainKey(ca.id(), request.names(), request.publicKey(), request.notAfterEpochMs());
        return cache.get(key, missing -> offLoop.apply(
                () -> builder.sign(ca, request.names(), request.publicKey(), request.notAfterEpochMs()))
                .toCompletableFuture());
    }
}

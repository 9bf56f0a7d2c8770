package dev.portcullis.ca.cache;

import dev.portcullis.api.ca.SignedChain;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class ChainCacheTest {

    private static final SignedChain CHAIN = new SignedChain("-----BEGIN CERTIFICATE-----\n", "ab",
            System.currentTimeMillis() + Duration.ofDays(7).toMillis());

    private final ChainCache cache = new ChainCache(100, Clock.systemUTC());

    private static ChainKey key(String name, byte... publicKey) {
        return new ChainKey("ca", List.of(name), publicKey, 0);
    }

    @Test
    void requestsForOneKeyWhileItIsSignedShareThatSigning() {
        AtomicInteger signings = new AtomicInteger();
        CompletableFuture<SignedChain> inFlight = new CompletableFuture<>();
        List<CompletableFuture<SignedChain>> answers = new ArrayList<>();

        for (int i = 0; i < 20; i++) {
            answers.add(cache.get(key("example.com", (byte) 1, (byte) 2), k -> {
                signings.incrementAndGet();
                return inFlight;
            }));
        }
        inFlight.complete(CHAIN);

        assertThat(signings).hasValue(1);
        assertThat(answers).allSatisfy(answer -> assertThat(answer).isCompletedWithValue(CHAIN));
        assertThat(cache.signings()).isEqualTo(1);
        assertThat(cache.hits()).isEqualTo(19);
    }

    @Test
    void keysDifferingInNamesOrKeyBytesAreSignedSeparately() {
        cache.get(key("example.com", (byte) 1), k -> CompletableFuture.completedFuture(CHAIN));
        cache.get(key("example.com", (byte) 1), k -> CompletableFuture.completedFuture(CHAIN));
        cache.get(key("example.org", (byte) 1), k -> CompletableFuture.completedFuture(CHAIN));
        cache.get(key("example.com", (byte) 2), k -> CompletableFuture.completedFuture(CHAIN));

        assertThat(cache.signings()).isEqualTo(3);
        assertThat(cache.hits()).isEqualTo(1);
    }

    @Test
    void failedSigningIsNotKept() {
        cache.get(key("example.com", (byte) 1), k -> CompletableFuture.failedFuture(new IllegalArgumentException()));
        CompletableFuture<SignedChain> retry =
                cache.get(key("example.com", (byte) 1), k -> CompletableFuture.completedFuture(CHAIN));

        assertThat(retry).isCompletedWithValue(CHAIN);
        assertThat(cache.signings()).isEqualTo(2);
    }

    @Test
    void leafAboutToExpireIsNotKept() {
        SignedChain expiring = new SignedChain(CHAIN.chainPem(), "ab", System.currentTimeMillis() - 1);
        cache.get(key("example.com", (byte) 1), k -> CompletableFuture.completedFuture(expiring));
        cache.get(key("example.com", (byte) 1), k -> CompletableFuture.completedFuture(CHAIN));

        assertThat(cache.signings()).isEqualTo(2);
    }

    @Test
    void clearDropsEveryChain() {
        cache.get(key("example.com", (byte) 1), k -> CompletableFuture.completedFuture(CHAIN));

        cache.clear();
        cache.get(key("example.com", (byte) 1), k -> CompletableFuture.completedFuture(CHAIN));

        assertThat(cache.signings()).isEqualTo(2);
        assertThat(cache.size()).isEqualTo(1);
    }
}

package dev.portcullis.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SamplesTest {

    @Test
    void percentilesAreNearestRankOverAllThreads() {
        Samples odd = new Samples(2);
        Samples even = new Samples(2);
        for (int i = 1; i <= 100; i++) {
            (i % 2 == 0 ? even : odd).add(i);
        }

        Samples.Percentiles p = Samples.percentiles(List.of(odd, even));

        assertThat(p).isEqualTo(new Samples.Percentiles(50, 99, 100));
    }

    @Test
    void samplesBeyondTheCapAreCountedAsDropped() {
        Samples s = new Samples(Integer.MAX_VALUE);
        for (int i = 0; i < s.max() + 5; i++) {
            s.add(i);
        }

        assertThat(s.max()).isEqualTo(10_000);
        assertThat(s.dropped()).isEqualTo(5);
        assertThat(Samples.percentiles(List.of(s)).count()).isEqualTo(10_000);
    }

    @Test
    void noSamplesGiveNone() {
        assertThat(Samples.percentiles(List.of(new Samples(1)))).isEqualTo(Samples.Percentiles.NONE);
    }
}

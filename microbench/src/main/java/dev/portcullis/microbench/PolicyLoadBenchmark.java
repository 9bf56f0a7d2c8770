package dev.portcullis.microbench;

import dev.portcullis.policy.match.CompiledPolicy;
import dev.portcullis.policy.model.Policy;
import dev.portcullis.policy.parse.PolicyException;
import dev.portcullis.policy.parse.PolicyParser;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Loading a 100,000-rule policy ({@link LargePolicy}) as the policy role does on start and on every change: parse
 * and validate the bytes, then compile (the aim is below 2 s). {@code parse} alone shows how the time splits.
 * {@code SingleShot}: each iteration is one cold-ish load, as in the role, after a few to warm the JIT up.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class PolicyLoadBenchmark {

    private static final int RULES = 100_000;

    private byte[] content;

    @Setup
    public void generate() {
        content = new LargePolicy(RULES).bytes();
    }

    @Benchmark
    public CompiledPolicy parseAndCompile() throws PolicyException {
        return CompiledPolicy.compile(PolicyParser.parse("large.yaml", content));
    }

    @Benchmark
    public Policy parse() throws PolicyException {
        return PolicyParser.parse("large.yaml", content);
    }
}

package dev.portcullis.microbench;

import dev.portcullis.api.policy.DecideRequest;
import dev.portcullis.api.policy.Decision;
import dev.portcullis.api.policy.Protocol;
import dev.portcullis.policy.match.CompiledPolicy;
import dev.portcullis.policy.parse.PolicyException;
import dev.portcullis.policy.parse.PolicyParser;
import io.vertx.core.json.JsonObject;
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
 * One decision on a compiled 100,000-rule policy ({@link LargePolicy}), as the policy role makes it: a hit on an
 * exact name, a hit on a wildcard, and a miss that the deny default decides. {@code SampleTime} so that JMH prints
 * the percentiles (the aim is p99 below 5 µs). The {@code bus*} variant adds what the verticle does around the
 * decision for a message: read the request from JSON (normalising the host again) and write the answer as JSON.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class PolicyDecisionBenchmark {

    private static final int RULES = 100_000;
    private static final String CLIENT = "10.1.2.3";

    private CompiledPolicy policy;
    private DecideRequest exact;
    private DecideRequest wildcard;
    private DecideRequest miss;
    private JsonObject exactJson;

    @Setup
    public void compile() throws PolicyException {
        LargePolicy generated = new LargePolicy(RULES);
        policy = CompiledPolicy.compile(PolicyParser.parse("large.yaml", generated.bytes()));
        exact = request(generated.exactHost());
        wildcard = request(generated.wildcardHost());
        miss = request(generated.missHost());
        exactJson = exact.toJson();
        // A benchmark of the wrong path measures nothing: check each request lands where it is meant to.
        expect(policy.decide(exact), generated.exactRule());
        expect(policy.decide(wildcard), generated.wildcardRule());
        expect(policy.decide(miss), "default");
    }

    @Benchmark
    public Decision exactHit() {
        return policy.decide(exact);
    }

    @Benchmark
    public Decision wildcardHit() {
        return policy.decide(wildcard);
    }

    @Benchmark
    public Decision missToDefault() {
        return policy.decide(miss);
    }

    @Benchmark
    public JsonObject busExactHit() {
        return policy.decide(DecideRequest.fromJson(exactJson)).toJson();
    }

    private static DecideRequest request(String host) {
        return new DecideRequest(host, 443, CLIENT, "explicit", dev.portcullis.api.policy.Mode.EXPLICIT,
                Protocol.TLS, host);
    }

    private static void expect(Decision decision, String rule) {
        if (!decision.rule().equals(rule)) {
            throw new IllegalStateException("expected rule " + rule + ", decided by " + decision.rule());
        }
    }
}

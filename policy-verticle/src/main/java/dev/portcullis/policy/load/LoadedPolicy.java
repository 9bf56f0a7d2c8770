package dev.portcullis.policy.load;

import dev.portcullis.policy.match.CompiledPolicy;

import java.time.Instant;

/**
 * A policy in force, with where and when it was read.
 *
 * @param policy   the compiled policy
 * @param file     the file as configured
 * @param loadedAt when it was read and compiled
 */
public record LoadedPolicy(CompiledPolicy policy, String file, Instant loadedAt) {

    public String version() {
        return policy.version();
    }

    public int rules() {
        return policy.ruleCount();
    }

    public int services() {
        return policy.serviceCount();
    }
}

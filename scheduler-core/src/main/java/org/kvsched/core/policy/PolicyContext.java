package org.kvsched.core.policy;

import org.kvsched.core.exec.ExecutionTimeModel;

/**
 * What a policy may know about its deployment when it is built (not per decision).
 *
 * @param timeModel        the replica's execution-time model (for policies that plan with iteration times)
 * @param kvCapacityTokens KV capacity of one replica, tokens
 * @param blockSize        tokens per KV block
 * @param seed             seed for any randomised choice (a policy must stay deterministic given it)
 */
public record PolicyContext(ExecutionTimeModel timeModel, int kvCapacityTokens, int blockSize, long seed) {
}

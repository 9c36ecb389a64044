package org.kvsched.core.policy;

import org.kvsched.core.exec.ExecutionTimeModel;
import org.kvsched.core.workload.Workload;

/**
 * What a policy may know about its deployment when it is built (not per decision).
 *
 * @param timeModel        the replica's execution-time model (for policies that plan with iteration times)
 * @param kvCapacityTokens KV capacity of one replica, tokens
 * @param blockSize        tokens per KV block
 * @param seed             seed for any randomised choice (a policy must stay deterministic given it)
 * @param workload         the workload being served, for policies whose parameters are derived from its
 *                         statistics (WAIT's thresholds); null when unknown, and then such a policy needs
 *                         its parameters given explicitly
 */
public record PolicyContext(ExecutionTimeModel timeModel, int kvCapacityTokens, int blockSize, long seed, Workload workload) {

    /** A context without workload knowledge. */
    public PolicyContext(final ExecutionTimeModel timeModel, final int kvCapacityTokens, final int blockSize, final long seed) {
        this(timeModel, kvCapacityTokens, blockSize, seed, null);
    }
}

package org.kvsched.core.engine;

/**
 * What one executed plan did to a replica, for metrics: KV occupancy and work done.
 *
 * @param replicaId      the replica
 * @param planId         the plan
 * @param startUs        plan start, microseconds
 * @param endUs          plan end, microseconds
 * @param iterations     iterations run
 * @param blockMicros    integral of used KV blocks over time, block-microseconds, from the end of the
 *                       previous plan (idle gap included) to {@code endUs}
 * @param peakBlocks     most blocks in use during the plan
 * @param blocksAfter    blocks in use after the plan (completions freed)
 * @param capacityBlocks the replica's capacity, blocks
 * @param blockSize      tokens per block
 * @param prefillTokens  prompt (or recompute) tokens processed
 * @param decodeTokens   decode tokens processed (continuation included)
 * @param batchSize      requests in the explicit iteration
 */
public record StepSummary(int replicaId, long planId, long startUs, long endUs, int iterations, double blockMicros,
                          int peakBlocks, int blocksAfter, int capacityBlocks, int blockSize,
                          long prefillTokens, long decodeTokens, int batchSize) {
}

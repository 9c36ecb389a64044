package org.kvsched.core.metrics;

/**
 * KV occupancy of one replica at the end of a plan, for usage-over-time charts.
 *
 * @param replicaId  the replica
 * @param timeUs     end of the plan, microseconds
 * @param peakBlocks most blocks in use during the plan
 * @param usedBlocks blocks in use after the plan
 */
public record KvSample(int replicaId, long timeUs, int peakBlocks, int usedBlocks) {
}

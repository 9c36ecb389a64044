package org.kvsched.core.sim;

/**
 * Work counters of one in-memory run (no wall-clock figures: the core has no clock).
 *
 * @param iterations iterations executed over all replicas
 * @param plans      plans (scheduler round trips) over all replicas
 * @param endUs      virtual time when the last replica went idle, microseconds
 * @param stalledRejected requests rejected because the policy left them waiting with nothing else to do
 */
public record EngineStats(long iterations, long plans, long endUs, long stalledRejected) {
}

package org.kvsched.core.engine;

import java.util.List;

import org.kvsched.core.model.Request;

/**
 * Everything a {@link Scheduler} holds, as values: what a snapshot in a replica log stores so that a
 * restore needs only the inputs since the snapshot. Policy-private state is not part of it (see
 * {@link org.kvsched.core.policy.Policy#saveState}). Size: O(requests waiting or running).
 *
 * @param replicaId             the replica
 * @param iteration             iterations executed so far
 * @param nextPlanId            id of the next plan
 * @param clockUs               time of the last decision or plan end, microseconds
 * @param nextBackKey           next FCFS queue key for an arrival
 * @param nextFrontKey          next queue key for a preempted request (decreasing)
 * @param nextAdmission         next admission order number
 * @param arrivalsEnded         whether the end of input was declared
 * @param finishedRequests      requests completed or rejected so far
 * @param inFlight              the plan whose report is awaited, or null
 * @param inFlightBlocksAtStart KV blocks used when the plan in flight started
 * @param gapBlockMicros        block-microseconds of idle time not yet reported in a step summary
 * @param accountedUntilUs      time up to which KV occupancy has been integrated, microseconds
 * @param running               running requests, in running order
 * @param waiting               waiting requests (any order; the policy's order is rebuilt on restore)
 */
public record SchedulerState(int replicaId, long iteration, long nextPlanId, long clockUs, long nextBackKey,
                             long nextFrontKey, long nextAdmission, boolean arrivalsEnded, long finishedRequests,
                             BatchPlan inFlight, int inFlightBlocksAtStart, double gapBlockMicros, long accountedUntilUs,
                             List<SequenceState> running, List<SequenceState> waiting) {

    public SchedulerState {
        running = List.copyOf(running);
        waiting = List.copyOf(waiting);
    }

    /**
     * One request's record on the replica.
     *
     * @param request             the request as the scheduler knows it
     * @param computed            tokens with KV in the cache
     * @param generated           output tokens generated so far
     * @param blocksHeld          KV blocks held
     * @param preemptions         times preempted
     * @param queueKey            FCFS queue key
     * @param admissionOrder      order of the last admission (-1 if never admitted)
     * @param admittedAtIteration iteration of the last admission (-1 if never admitted)
     * @param firstTokenSeen      whether its first token was reported
     */
    public record SequenceState(Request request, int computed, int generated, int blocksHeld, int preemptions,
                                long queueKey, long admissionOrder, long admittedAtIteration, boolean firstTokenSeen) {
    }
}

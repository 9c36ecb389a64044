package org.kvsched.core.engine;

import java.util.List;

/**
 * What a replica's scheduler tells its worker to run: one explicit iteration, then up to
 * {@code maxDecodeContinuation} pure-decode iterations of the requests that emitted a token in it.
 *
 * <p>The worker stops the continuation after an iteration in which a request completes, or once its
 * clock has reached {@code stopAtUs} (docs/architecture.md section 3). Round trips therefore scale with
 * events (arrivals, completions, policy boundaries), not with iterations.
 *
 * @param replicaId             the replica
 * @param planId                increasing per replica, from 0; a report answers exactly one plan
 * @param startUs               virtual time at which the explicit iteration starts, microseconds
 * @param entries               the explicit iteration's work, in batch order
 * @param maxDecodeContinuation pure-decode iterations allowed after the explicit one
 * @param stopAtUs              no continuation iteration starts at or after this time, microseconds
 * @param preempted             requests the decision behind this plan preempted (their KV is freed): a worker that
 *                              keeps per-request state, such as a server's running request, drops it (the vLLM
 *                              adapter aborts the stream); a simulated worker, stateless, ignores it
 */
public record BatchPlan(int replicaId, long planId, long startUs, List<PlanEntry> entries,
                        int maxDecodeContinuation, long stopAtUs, List<Long> preempted) {

    public BatchPlan {
        entries = List.copyOf(entries);
        preempted = List.copyOf(preempted);
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("a plan runs at least one request");
        }
    }

    /** A plan whose decision preempted nothing. */
    public BatchPlan(final int replicaId, final long planId, final long startUs, final List<PlanEntry> entries,
                     final int maxDecodeContinuation, final long stopAtUs) {
        this(replicaId, planId, startUs, entries, maxDecodeContinuation, stopAtUs, List.of());
    }
}

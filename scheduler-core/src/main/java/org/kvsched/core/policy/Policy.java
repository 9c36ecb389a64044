package org.kvsched.core.policy;

import java.util.Comparator;

/**
 * An online scheduling policy: a pure function from a replica's state to the next {@link Decision}.
 *
 * <p>Contract: {@link #decide} must not mutate anything it is given and must be deterministic (the same
 * view gives the same decision), because the in-memory engine and the Kafka pipeline replay the same
 * calls and must agree. A policy may keep internal state only if that state is a function of the
 * sequence of views it has seen (the Kafka scheduler rebuilds policies from the state store, so
 * prefer none). Decisions must be feasible: the KV blocks they allocate must fit; the mechanism
 * rejects an infeasible decision with an exception (a policy bug).
 */
public interface Policy {

    /** The registry name of this policy (e.g. {@code fcfs-vllm}). */
    String name();

    /** Decides the next batch. */
    Decision decide(SchedulerView view);

    /**
     * The order in which {@link SchedulerView#waiting()} presents waiting requests. The keys used must
     * not change while a request waits (they may use the prediction, arrival, queue key, progress).
     * The mechanism keeps the queue sorted with it, so reading the head is cheap.
     */
    default Comparator<SeqView> waitingOrder() {
        return SeqView.FCFS;
    }
}

package org.kvsched.core.policy;

import java.util.Comparator;

/**
 * An online scheduling policy: a pure function from a replica's state to the next {@link Decision}.
 *
 * <p>Contract: {@link #decide} must not mutate anything it is given and must be deterministic (the same
 * view gives the same decision), because the in-memory engine and the Kafka pipeline replay the same
 * calls and must agree. A policy may keep private state only if that state is a function of the
 * sequence of views it has seen, and it must then expose it through {@link #saveState} and
 * {@link #restoreState}: a replica log records it after every decision, so that a restore continues with
 * exactly the state an uninterrupted run would have (prefer none). Decisions must be feasible: the KV blocks they allocate must fit; the mechanism
 * rejects an infeasible decision with an exception (a policy bug).
 */
public interface Policy {

    /** The registry name of this policy (e.g. {@code fcfs-vllm}): its {@link PolicyFactory#name()}, written only there. */
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

    /** No private state. */
    long[] NO_STATE = new long[0];

    /**
     * The policy's private state after its last decision, as numbers ({@link #NO_STATE} for a stateless
     * policy). Must not be modified by the caller.
     */
    default long[] saveState() {
        return NO_STATE;
    }

    /**
     * Continues from a state {@link #saveState} returned by an instance of the same policy and parameters.
     *
     * @throws IllegalArgumentException if the state is not one this policy saves
     */
    default void restoreState(final long[] state) {
        if (state.length != 0) {
            throw new IllegalArgumentException("policy " + name() + " keeps no state, got " + state.length + " values");
        }
    }
}

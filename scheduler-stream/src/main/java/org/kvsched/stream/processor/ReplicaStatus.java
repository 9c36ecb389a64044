package org.kvsched.stream.processor;

/**
 * What the scheduler tells an in-process observer after each input of a replica (a replay that must know
 * when the scheduler has done everything its inputs allow, e.g. before a policy swap). Called on the
 * stream thread; implementations must be cheap and thread-safe.
 */
@FunctionalInterface
public interface ReplicaStatus {

    /**
     * @param replica      the replica
     * @param arrivals     arrival records of the replica processed by this instance since it started (refused ones included)
     * @param planInFlight whether a plan of the replica awaits its report
     */
    void update(int replica, long arrivals, boolean planInFlight);

    /**
     * A replica was rebuilt from its log when its task started.
     *
     * @param replica the replica
     * @param entries log entries re-applied (the latest snapshot and the entries after it)
     * @param nanos   time the rebuild took, nanoseconds
     */
    default void restored(final int replica, final long entries, final long nanos) {
    }

    /** Tells no one. */
    ReplicaStatus NONE = (replica, arrivals, planInFlight) -> { };
}

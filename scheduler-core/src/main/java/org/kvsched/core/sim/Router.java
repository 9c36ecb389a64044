package org.kvsched.core.sim;

import java.util.List;

import org.kvsched.core.engine.Scheduler;
import org.kvsched.core.model.WorkloadRequest;

/**
 * Chooses the replica of each arriving request (the global scheduler of Vidur's split).
 *
 * <p>A stateless router depends only on the sequence of arrivals, so it can route a whole trace up front
 * (the Kafka arrivals producer does exactly that when it keys records by replica); a stateful one looks at
 * the replicas' state at the arrival time and exists only in the in-memory engine.
 */
public interface Router {

    /** Replica index in [0, replicas.size()) for the next arrival; called in arrival order. */
    int route(WorkloadRequest request, List<Scheduler> replicas);

    /** True if {@link #route} reads the replicas' state. */
    boolean readsReplicaState();

    /** A fresh router of the named kind: {@code round-robin} or {@code least-outstanding}. */
    static Router byName(final String name) {
        switch (name) {
            case "round-robin":
                return new RoundRobin();
            case "least-outstanding":
                return new LeastOutstanding();
            default:
                throw new IllegalArgumentException("routing: unknown '" + name + "'; valid: round-robin, least-outstanding");
        }
    }

    /** Replica {@code k mod n} for the k-th arrival. */
    final class RoundRobin implements Router {
        private long next;

        @Override
        public int route(final WorkloadRequest request, final List<Scheduler> replicas) {
            return (int) (next++ % replicas.size());
        }

        @Override
        public boolean readsReplicaState() {
            return false;
        }
    }

    /** The replica owing the fewest tokens (pending prompt plus remaining output); ties to the lowest index. */
    final class LeastOutstanding implements Router {
        @Override
        public int route(final WorkloadRequest request, final List<Scheduler> replicas) {
            int best = 0;
            long bestWork = Long.MAX_VALUE;
            for (int i = 0; i < replicas.size(); i++) {
                final long work = replicas.get(i).outstandingTokens();
                if (work < bestWork) {
                    best = i;
                    bestWork = work;
                }
            }
            return best;
        }

        @Override
        public boolean readsReplicaState() {
            return true;
        }
    }
}

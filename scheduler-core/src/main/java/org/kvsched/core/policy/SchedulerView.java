package org.kvsched.core.policy;

import java.util.List;

import org.kvsched.core.kv.KvCache;

/**
 * What a policy may look at when it decides the next batch of one replica. Read-only; valid only
 * during the {@link Policy#decide(SchedulerView)} call that received it.
 *
 * <p>Units: time in microseconds of virtual time, KV in blocks of {@link #blockSize()} tokens.
 */
public interface SchedulerView {

    /** Current virtual time of the replica, microseconds. */
    long nowUs();

    /** Iterations this replica has executed so far. */
    long iteration();

    int blockSize();

    int capacityBlocks();

    int usedBlocks();

    default int freeBlocks() {
        return capacityBlocks() - usedBlocks();
    }

    /** Blocks needed to hold {@code tokens} tokens. */
    default int blocksFor(final long tokens) {
        return KvCache.blocksFor(tokens, blockSize());
    }

    /** Running requests (holding KV), oldest admission first. */
    List<? extends SeqView> running();

    /** Waiting requests in the policy's {@link Policy#waitingOrder()}; iterate lazily and stop early. */
    Iterable<? extends SeqView> waiting();

    int waitingCount();

    /**
     * True once the workload has ended for this replica: no request will arrive any more. Policies
     * that hold requests back (thresholds) use it to flush; nothing else may depend on it.
     */
    boolean arrivalsEnded();
}

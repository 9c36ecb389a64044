package org.kvsched.stream.processor;

import org.kvsched.core.engine.Scheduler;
import org.kvsched.core.engine.SchedulerListener;

/** Builds the core scheduler of a replica (policy, KV geometry, predictor) around the given listener. */
@FunctionalInterface
public interface ReplicaFactory {

    /** A fresh scheduler for {@code replicaId} that reports to {@code listener}. */
    Scheduler create(int replicaId, SchedulerListener listener);
}

package org.kvsched.core.engine;

import org.kvsched.core.policy.Policy;
import org.kvsched.core.policy.PolicyConfig;
import org.kvsched.core.policy.PolicyContext;
import org.kvsched.core.policy.PolicyKind;

/**
 * How every replica's scheduler is built: its policy and the deployment the policy knows. The one
 * factory the in-memory engine, the Kafka scheduler service and a restore all use, so a replica is the
 * same object whoever builds it. Building validates the configuration: a bad policy or parameter fails
 * here, before any work, with one line naming it.
 *
 * @param policy  policy kind and parameters
 * @param context the deployment (time model, KV capacity in tokens, block size in tokens, seed, workload)
 */
public record ReplicaSpec(PolicyConfig policy, PolicyContext context) {

    public ReplicaSpec {
        PolicyKind.create(policy, context);
    }

    /** A fresh policy instance (each replica has its own: policies may keep private state). */
    public Policy newPolicy() {
        return PolicyKind.create(policy, context);
    }

    /** A fresh scheduler for {@code replicaId} reporting to {@code listener}. */
    public Scheduler newScheduler(final int replicaId, final SchedulerListener listener) {
        return new Scheduler(replicaId, newPolicy(), context.kvCapacityTokens(), context.blockSize(), listener);
    }

    /** A scheduler continuing from {@code state}, driven by {@code policy}. */
    public Scheduler restoreScheduler(final SchedulerState state, final Policy policy, final SchedulerListener listener) {
        return Scheduler.restore(state, policy, context.kvCapacityTokens(), context.blockSize(), listener);
    }

    /** The same deployment with another policy (a policy swap). */
    public ReplicaSpec withPolicy(final PolicyConfig other) {
        return new ReplicaSpec(other, context);
    }
}

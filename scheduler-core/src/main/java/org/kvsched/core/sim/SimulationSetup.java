package org.kvsched.core.sim;

import org.kvsched.core.engine.ReplicaSpec;
import org.kvsched.core.policy.PolicyContext;
import org.kvsched.core.exec.ModelProfile;
import org.kvsched.core.model.LengthPredictor;
import org.kvsched.core.policy.PolicyConfig;
import org.kvsched.core.workload.Workload;

/**
 * One in-memory run, fully specified: the same setup always gives the same results.
 *
 * @param workload  the requests
 * @param policy    policy kind and parameters
 * @param model     deployment (execution-time model and KV geometry) of every replica
 * @param predictor output-length predictor
 * @param replicas  number of replicas, &gt;= 1
 * @param routing   {@code round-robin} or {@code least-outstanding}
 * @param seed      seed handed to the policy
 */
public record SimulationSetup(Workload workload, PolicyConfig policy, ModelProfile model, LengthPredictor predictor,
                              int replicas, String routing, long seed) {

    /** How each replica's scheduler is built (policy and deployment, with the workload known). */
    public ReplicaSpec replicaSpec() {
        return new ReplicaSpec(policy, new PolicyContext(model.timeModel(), model.kvCapacityTokens(), model.blockSize(), seed,
                workload));
    }
}

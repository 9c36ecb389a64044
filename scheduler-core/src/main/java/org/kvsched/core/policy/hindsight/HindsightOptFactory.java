package org.kvsched.core.policy.hindsight;

import java.util.List;
import java.util.Set;

import org.kvsched.core.exec.UnitTimeModel;
import org.kvsched.core.model.WorkloadRequest;
import org.kvsched.core.policy.AbstractPolicyFactory;
import org.kvsched.core.policy.ParamSpec;
import org.kvsched.core.policy.ParamSpec.Range;
import org.kvsched.core.policy.Policy;
import org.kvsched.core.policy.PolicyContext;
import org.kvsched.core.policy.PolicyParams;

/**
 * Registers {@link HindsightOptPolicy} as {@code hindsight-opt}, an offline policy: create() solves the whole
 * workload's {@link HindsightProblem} with {@link HindsightSolvers#solve} (local search, then the best solver on
 * the class path: CP-SAT when the {@code hindsight-opt} module is there, found as a {@link HindsightSolver}
 * service, else the exhaustive one), and the policy replays the schedule.
 */
public final class HindsightOptFactory extends AbstractPolicyFactory {

    /** The registry name. */
    public static final String NAME = "hindsight-opt";

    /** The factory {@code PolicyKind} lists. */
    public HindsightOptFactory() {
        super(NAME, "offline optimum (Jaillet et al. IP, CP-SAT) replayed; needs the whole workload, the unit model, "
                    + "one replica; not for the Kafka pipeline (--verify)",
                Set.of(Flag.USES_PREDICTIONS, Flag.OFFLINE),
                List.of(
                    ParamSpec.number("time-limit-s", "0.2", Range.above(0), "CP-SAT limit in deterministic seconds (0: local search only); wall time "
                            + "is larger (tens of s for 50 requests); the best schedule found is replayed"),
                    ParamSpec.integer("evaluations", "20000", Range.atLeast(0), "schedules the local search decodes before CP-SAT, >= 0"),
                    ParamSpec.integer("max-requests", "400", Range.atLeast(1), "refuse larger workloads (the IP grows with requests x outputs)")));
    }

    @Override
    public Policy create(final PolicyParams p, final PolicyContext ctx) {
        if (ctx.workload() == null) {
            throw new IllegalArgumentException("policy." + NAME + ": needs the whole workload in advance (an offline "
                    + "policy); run it in the in-memory simulator, not the Kafka pipeline");
        }
        if (!(ctx.timeModel() instanceof UnitTimeModel)) {
            throw new IllegalArgumentException("policy." + NAME + ": needs the unit time model (model 'unit'): "
                    + "the integer program counts time in iterations");
        }
        final List<WorkloadRequest> reqs = ctx.workload().requests();
        if (reqs.size() > p.getInt("max-requests")) {
            throw new IllegalArgumentException("policy." + NAME + ".max-requests: the workload has " + reqs.size()
                    + " requests, more than " + p.getInt("max-requests"));
        }
        final HindsightProblem problem = HindsightProblem.of(reqs, ctx.kvCapacityTokens(), ctx.blockSize(),
                UnitTimeModel.UNIT_MICROS);
        final HindsightSolution solution = HindsightSolvers.solve(problem, p.getDouble("time-limit-s"),
                p.getInt("evaluations"));
        return new HindsightOptPolicy(reqs, solution, UnitTimeModel.UNIT_MICROS);
    }
}

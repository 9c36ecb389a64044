package org.kvsched.core.policy.hindsight;

import java.util.Iterator;
import java.util.ServiceLoader;

/** Finds the best available {@link HindsightSolver}: a registered service (CP-SAT), else the exhaustive one. */
public final class HindsightSolvers {

    private HindsightSolvers() {
    }

    /**
     * The portfolio used by {@code hindsight-opt} and the experiments: MC-SF's offline schedule, improved by
     * {@link LocalSearchSolver} ({@code evaluations} schedules, seed 1), handed as the hint to {@link #best()}
     * with {@code limit} (CP-SAT: deterministic seconds; 0 skips it). Returns the better of the two, with the
     * better bound.
     */
    public static HindsightSolution solve(final HindsightProblem problem, final double limit, final int evaluations) {
        final HindsightSolution local = new LocalSearchSolver(1, evaluations).solve(problem, limit, problem.greedyStarts(true));
        final HindsightSolver exact = best();
        if (local.optimal() || limit <= 0 || (exact instanceof ExhaustiveSolver && problem.size() > ExhaustiveSolver.MAX_JOBS)) {
            return local;
        }
        final HindsightSolution s = exact.solve(problem, limit, local.starts());
        final boolean better = s.totalLatency() <= local.totalLatency();
        final long bound = Math.max(s.lowerBound(), local.lowerBound());
        final HindsightSolution chosen = better ? s : local;
        return new HindsightSolution(chosen.starts(), chosen.totalLatency(), bound,
                s.optimal() && better || bound >= chosen.totalLatency(), local.solver() + "+" + exact.name(),
                local.seconds() + s.seconds());
    }

    /** The first solver registered as a service, or {@link ExhaustiveSolver} when none is on the class path. */
    public static HindsightSolver best() {
        final Iterator<HindsightSolver> it = ServiceLoader.load(HindsightSolver.class).iterator();
        return it.hasNext() ? it.next() : new ExhaustiveSolver();
    }
}

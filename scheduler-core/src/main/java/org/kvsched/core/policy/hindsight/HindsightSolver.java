package org.kvsched.core.policy.hindsight;

/**
 * Solves a {@link HindsightProblem} (service interface: the CP-SAT implementation lives in the
 * {@code hindsight-opt} module, found with {@link java.util.ServiceLoader}; {@link ExhaustiveSolver} is the
 * pure-Java fallback for tiny instances).
 */
public interface HindsightSolver {

    /** Short name, for reports. */
    String name();

    /**
     * Solves within a time limit and returns the best schedule found with a proven bound.
     *
     * @param problem          the instance
     * @param timeLimitSeconds wall-clock limit, seconds
     * @param hint             a feasible schedule to start from (start slots in job order), or null
     */
    HindsightSolution solve(HindsightProblem problem, double timeLimitSeconds, long[] hint);
}

package org.kvsched.core.policy.hindsight;

/**
 * What a hindsight solver found.
 *
 * @param starts       start slot per job, in the problem's job order (a feasible schedule), or null if none
 * @param totalLatency total latency of {@code starts}, slots (sum of completion minus arrival)
 * @param lowerBound   proven lower bound on the optimal total latency, slots
 * @param optimal      true if {@code totalLatency} is proven optimal
 * @param solver       the solver's name
 * @param seconds      solve time as the solver itself reports it (CP-SAT's wall time), seconds; 0 for the core's
 *                     pure-Java solvers, which keep no clock (time the call instead)
 */
public record HindsightSolution(long[] starts, long totalLatency, long lowerBound, boolean optimal, String solver,
                                double seconds) {

    /** Relative gap between the schedule and the bound. */
    public double gap() {
        return totalLatency == 0 ? 0.0 : (double) (totalLatency - lowerBound) / totalLatency;
    }
}

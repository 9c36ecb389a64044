package org.kvsched.core.policy.hindsight;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Exact pure-Java solver for small hindsight instances (about ten jobs): branch and bound over start slots
 * ({@link StartSlotSearch}) with every job free, started from the hint (or MC-SF's schedule). Used to prove optima on
 * scaled-down instances, as the fallback when the CP-SAT module is absent, and as an independent check of CP-SAT in
 * tests. Exponential in the worst case; refuses more than {@value #MAX_JOBS} jobs.
 *
 * <p>Assignment order: by arrival, then longest output first (the most constrained jobs first, so the bound of the
 * others tightens early).
 */
public final class ExhaustiveSolver implements HindsightSolver {

    /** Largest instance it accepts. */
    public static final int MAX_JOBS = 12;

    @Override
    public String name() {
        return "exhaustive";
    }

    @Override
    public HindsightSolution solve(final HindsightProblem problem, final double timeLimitSeconds, final long[] hint) {
        final int n = problem.size();
        if (n > MAX_JOBS) {
            throw new IllegalArgumentException("hindsight-opt: the exhaustive solver takes at most " + MAX_JOBS
                    + " requests, got " + n + "; put the hindsight-opt module (OR-Tools CP-SAT) on the class path");
        }
        final long[] incumbent = hint != null ? hint : problem.greedyStarts(true);
        if (n == 0) {
            return new HindsightSolution(incumbent.clone(), 0, 0, true, name(), 0.0);
        }
        final int[] order = Arrays.stream(orderOf(problem)).mapToInt(Integer::intValue).toArray();
        final long[] ordered = new long[n];
        for (int k = 0; k < n; k++) {
            ordered[k] = incumbent[order[k]];
        }
        final StartSlotSearch search = new StartSlotSearch(problem, new long[n], order, ordered, Long.MAX_VALUE);
        search.run();
        final long[] best = search.best();
        final long[] starts = new long[n];
        for (int k = 0; k < n; k++) {
            starts[order[k]] = best[k];
        }
        // The core keeps no clock: a caller that wants the solve time measures the call.
        return new HindsightSolution(starts, search.bestValue(), search.bestValue(), true, name(), 0.0);
    }

    private static Integer[] orderOf(final HindsightProblem p) {
        final Integer[] order = new Integer[p.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.<Integer>comparingLong(i -> p.jobs().get(i).arrival())
                .thenComparing(i -> -p.jobs().get(i).output()).thenComparingInt(i -> i));
        return order;
    }
}

package org.kvsched.core.policy.hindsight;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Improves a feasible schedule of a {@link HindsightProblem} by exact re-optimisation of windows: the jobs are sorted
 * by start slot, and each run of {@code width} consecutive jobs (windows overlap by half) is re-placed optimally by
 * {@link StartSlotSearch} while every other job keeps its start. A window that improves is applied at once. Passes
 * repeat until one pass improves nothing.
 *
 * <p>Why windows and not only job orders: the order-based {@link LocalSearchSolver} places every job at the earliest
 * slot it fits, and with growing footprints some optima are out of its reach (a job must start later than it could,
 * so that a longer one fits beside it: {@code docs/mcsf-fidelity.md} shows a four-job instance). A window search
 * tries every start slot.
 *
 * <p>Convergence, as reported by {@link Result#converged()}: the last pass improved nothing and every window of it
 * was searched to the end within the node budget, so no window of {@code width} consecutive jobs can be re-placed
 * better with the others fixed (a local optimum of that neighbourhood, not a proof of global optimality).
 * Deterministic; keeps no clock (time the call).
 */
public final class WindowSolver {

    /**
     * What the window search reached.
     *
     * @param starts       start slot per job, in the problem's job order (feasible)
     * @param totalLatency its total latency, slots
     * @param passes       passes run
     * @param improvements windows that improved the schedule, over all passes
     * @param converged    true if the last pass improved nothing and finished every window (see the class note)
     */
    public record Result(long[] starts, long totalLatency, int passes, int improvements, boolean converged) {
    }

    private final int width;
    private final long nodeBudget;
    private final int maxPasses;

    /**
     * @param width      jobs per window, &gt;= 2
     * @param nodeBudget search nodes per window before it gives up on that window, &gt;= 1
     * @param maxPasses  passes at most, &gt;= 1
     */
    public WindowSolver(final int width, final long nodeBudget, final int maxPasses) {
        if (width < 2 || nodeBudget < 1 || maxPasses < 1) {
            throw new IllegalArgumentException("window width >= 2, node budget >= 1 and passes >= 1 required");
        }
        this.width = width;
        this.nodeBudget = nodeBudget;
        this.maxPasses = maxPasses;
    }

    /**
     * Improves {@code starts} (a feasible schedule, start slots in job order) until converged or out of passes.
     *
     * @throws IllegalArgumentException if {@code starts} is infeasible
     */
    public Result improve(final HindsightProblem p, final long[] starts) {
        final long[] current = starts.clone();
        p.totalLatency(current);
        final int n = p.size();
        int passes = 0;
        int improvements = 0;
        boolean converged = n <= 1;
        while (!converged && passes < maxPasses) {
            passes++;
            boolean improved = false;
            boolean complete = true;
            final Integer[] byStart = new Integer[n];
            for (int i = 0; i < n; i++) {
                byStart[i] = i;
            }
            Arrays.sort(byStart, Comparator.<Integer>comparingLong(i -> current[i]).thenComparingInt(i -> i));
            final int w = Math.min(width, n);
            final int stride = Math.max(1, w / 2);
            // Window starts 0, stride, 2 stride, ..., and a last one ending at the last job.
            for (int from = 0; ; from = Math.min(from + stride, n - w)) {
                final int[] free = new int[w];
                final long[] incumbent = new long[w];
                for (int k = 0; k < w; k++) {
                    free[k] = byStart[from + k];
                }
                // Assign the most constrained first: by arrival, longest output first (as the exhaustive solver).
                final Integer[] boxed = Arrays.stream(free).boxed().toArray(Integer[]::new);
                Arrays.sort(boxed, Comparator.<Integer>comparingLong(i -> p.jobs().get(i).arrival())
                        .thenComparing(i -> -p.jobs().get(i).output()).thenComparingInt(i -> i));
                for (int k = 0; k < w; k++) {
                    free[k] = boxed[k];
                    incumbent[k] = current[free[k]];
                }
                final StartSlotSearch search = new StartSlotSearch(p, current, free, incumbent, nodeBudget);
                final long before = windowLatency(p, free, incumbent);
                complete &= search.run();
                if (search.bestValue() < before) {
                    final long[] placed = search.best();
                    for (int k = 0; k < w; k++) {
                        current[free[k]] = placed[k];
                    }
                    improvements++;
                    improved = true;
                }
                if (from == n - w) {
                    break;
                }
            }
            converged = !improved && complete;
        }
        return new Result(current, p.totalLatency(current), passes, improvements, converged);
    }

    private static long windowLatency(final HindsightProblem p, final int[] free, final long[] starts) {
        long sum = 0;
        for (int k = 0; k < free.length; k++) {
            final HindsightProblem.Job j = p.jobs().get(free[k]);
            sum += starts[k] + j.output() - j.arrival();
        }
        return sum;
    }
}

package org.kvsched.core.policy.hindsight;

/**
 * Exact pure-Java solver for tiny hindsight instances (a handful of jobs): depth-first search over start
 * slots with a memory profile and a latency bound, used as the fallback when the CP-SAT module is absent and
 * as an independent check of it in tests. Exponential; refuses more than {@value #MAX_JOBS} jobs.
 */
public final class ExhaustiveSolver implements HindsightSolver {

    /** Largest instance it accepts. */
    public static final int MAX_JOBS = 9;

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
        final long[] greedy = hint != null ? hint : problem.greedyStarts(true);
        final Search s = new Search(problem, greedy, problem.totalLatency(greedy));
        s.dfs(0, 0);
        // The core keeps no clock: a caller that wants the solve time measures the call.
        return new HindsightSolution(s.best, s.bestValue, s.bestValue, true, name(), 0.0);
    }

    private static final class Search {
        final HindsightProblem p;
        final long[] starts;
        final long[] mem;
        long[] best;
        long bestValue;
        final long horizon;

        Search(final HindsightProblem p, final long[] incumbent, final long value) {
            this.p = p;
            this.best = incumbent.clone();
            this.bestValue = value;
            this.starts = new long[p.size()];
            // No job of an improving schedule waits longer than the incumbent's total waiting.
            long maxArrival = 0;
            for (final HindsightProblem.Job j : p.jobs()) {
                maxArrival = Math.max(maxArrival, j.arrival());
            }
            this.horizon = Math.min(p.safeHorizon(), maxArrival + value - p.outputSum()) + maxOutput(p) + 1;
            this.mem = new long[(int) horizon + 1];
        }

        private static int maxOutput(final HindsightProblem p) {
            return p.jobs().stream().mapToInt(HindsightProblem.Job::output).max().orElse(0);
        }

        void dfs(final int i, final long latency) {
            if (i == p.size()) {
                if (latency < bestValue) {
                    bestValue = latency;
                    best = starts.clone();
                }
                return;
            }
            long rest = 0;
            for (int k = i; k < p.size(); k++) {
                rest += p.jobs().get(k).output();
            }
            final HindsightProblem.Job j = p.jobs().get(i);
            for (long s = j.arrival(); ; s++) {
                final long lat = latency + s + j.output() - j.arrival();
                if (lat + rest - j.output() >= bestValue || s + j.output() > horizon) {
                    return;
                }
                if (fits(j, s)) {
                    place(j, s, 1);
                    starts[i] = s;
                    dfs(i + 1, lat);
                    place(j, s, -1);
                }
            }
        }

        boolean fits(final HindsightProblem.Job j, final long s) {
            for (int d = 0; d < j.output(); d++) {
                if (mem[(int) (s + d)] + p.memory(j, d) > p.capacityBlocks()) {
                    return false;
                }
            }
            return true;
        }

        void place(final HindsightProblem.Job j, final long s, final int sign) {
            for (int d = 0; d < j.output(); d++) {
                mem[(int) (s + d)] += sign * p.memory(j, d);
            }
        }
    }
}

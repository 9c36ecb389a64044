package org.kvsched.core.policy.hindsight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.kvsched.core.testing.HindsightInstances;

/** The exact search against brute force, the certified bounds against optima, the window search's contract. */
class SearchAndBoundsTest {

    /** Minimum over every start vector with each job waiting at most {@code maxWait} slots (feasible ones only). */
    private static long bruteForce(final HindsightProblem p, final int maxWait) {
        final int n = p.size();
        final long[] starts = new long[n];
        final int[] wait = new int[n];
        long best = Long.MAX_VALUE;
        while (true) {
            for (int i = 0; i < n; i++) {
                starts[i] = p.jobs().get(i).arrival() + wait[i];
            }
            try {
                best = Math.min(best, p.totalLatency(starts));
            } catch (final IllegalArgumentException infeasible) {
                // skip
            }
            int k = 0;
            while (k < n && wait[k] == maxWait) {
                wait[k++] = 0;
            }
            if (k == n) {
                return best;
            }
            wait[k]++;
        }
    }

    @Test
    void exhaustiveSearchEqualsBruteForce() {
        final SplittableRandom rng = new SplittableRandom(21);
        for (int trial = 0; trial < 60; trial++) {
            final int bs = trial % 3 == 2 ? 2 : 1;
            final HindsightProblem p = HindsightInstances.random(rng, rng.nextInt(1, 5), bs == 1 ? rng.nextInt(5, 10) : 4, bs, trial % 2 == 0);
            // In an optimal schedule no job waits longer than the last arrival plus every output (it could run after
            // all the others), so enumerating waits up to that is exhaustive.
            final long lastArrival = p.jobs().stream().mapToLong(HindsightProblem.Job::arrival).max().orElse(0);
            final long enough = lastArrival + p.outputSum();
            final int maxWait = (int) Math.min(enough, 10);
            final HindsightSolution exact = new ExhaustiveSolver().solve(p, 0, null);
            assertEquals(exact.totalLatency(), p.totalLatency(exact.starts()));
            if (enough <= 10) {
                assertEquals(bruteForce(p, maxWait), exact.totalLatency(), "trial " + trial + ": " + p);
            } else {
                assertTrue(bruteForce(p, maxWait) >= exact.totalLatency(), "trial " + trial);
            }
        }
    }

    @Test
    void certifiedBoundsNeverExceedTheOptimum() {
        final SplittableRandom rng = new SplittableRandom(22);
        int aboveArea = 0;
        for (int trial = 0; trial < 80; trial++) {
            final int bs = trial % 4 == 3 ? 2 : 1;
            final HindsightProblem p = HindsightInstances.random(rng, rng.nextInt(2, 9), bs == 1 ? rng.nextInt(6, 16) : 6, bs, trial % 2 == 0);
            final long opt = new ExhaustiveSolver().solve(p, 0, null).totalLatency();
            final long bound = LowerBounds.totalLatency(p);
            final long area = AreaLowerBound.totalLatency(p);
            assertTrue(bound >= area && bound <= opt, "trial " + trial + ": area " + area + ", bound " + bound + ", opt " + opt);
            if (bound > area) {
                aboveArea++;
            }
        }
        assertTrue(aboveArea > 0, "the one-machine relaxations should beat the area bound somewhere");
    }

    @Test
    void windowSearchNeverWorsensAndIsExactWhenOneWindowHoldsEveryJob() {
        final SplittableRandom rng = new SplittableRandom(23);
        for (int trial = 0; trial < 40; trial++) {
            final HindsightProblem p = HindsightInstances.random(rng, rng.nextInt(2, 8), rng.nextInt(6, 14), 1, trial % 2 == 0);
            final long[] greedy = p.greedyStarts(true);
            final WindowSolver.Result narrow = new WindowSolver(3, 10_000, 10).improve(p, greedy);
            assertEquals(narrow.totalLatency(), p.totalLatency(narrow.starts()));
            assertTrue(narrow.totalLatency() <= p.totalLatency(greedy));
            final WindowSolver.Result whole = new WindowSolver(p.size() + 1, Long.MAX_VALUE, 2).improve(p, greedy);
            assertTrue(whole.converged());
            assertEquals(new ExhaustiveSolver().solve(p, 0, null).totalLatency(), whole.totalLatency(), "trial " + trial);
        }
    }
}

package org.kvsched.hindsight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.kvsched.core.testing.HindsightInstances;
import org.kvsched.core.policy.hindsight.AreaLowerBound;
import org.kvsched.core.policy.hindsight.ExhaustiveSolver;
import org.kvsched.core.policy.hindsight.HindsightProblem;
import org.kvsched.core.policy.hindsight.HindsightSolution;
import org.kvsched.core.policy.hindsight.HindsightSolvers;

class CpSatHindsightSolverTest {

    @Test
    void isTheRegisteredServiceAndItsNativeLibraryLoads() {
        assertInstanceOf(CpSatHindsightSolver.class, HindsightSolvers.best());
    }

    @Test
    void agreesWithTheExhaustiveSearchOnTinyInstances() {
        final SplittableRandom rng = new SplittableRandom(3);
        final CpSatHindsightSolver cp = new CpSatHindsightSolver();
        for (int trial = 0; trial < 40; trial++) {
            final int bs = trial % 4 == 3 ? 4 : 1;
            final HindsightProblem p = HindsightInstances.random(rng, rng.nextInt(2, 7), bs == 1 ? rng.nextInt(8, 16) : 4, bs, trial % 2 == 0);
            final HindsightSolution exact = new ExhaustiveSolver().solve(p, 10, null);
            final HindsightSolution sat = cp.solve(p, 10, null);
            assertTrue(sat.optimal(), "trial " + trial);
            assertEquals(exact.totalLatency(), sat.totalLatency(), "trial " + trial);
            assertEquals(sat.totalLatency(), p.totalLatency(sat.starts()));
        }
    }

    @Test
    void midSizedInstanceGivesAScheduleWithinItsBound() {
        // Half of a synthetic-study instance (20 jobs at time 0, M = 30): CP-SAT improves on the hint or keeps it.
        final SplittableRandom rng = new SplittableRandom(8);
        final int m = 30;
        final HindsightProblem p = HindsightInstances.random(rng, 20, m, 1, true);
        final long greedy = p.totalLatency(p.greedyStarts(true));
        final HindsightSolution ls = new org.kvsched.core.policy.hindsight.LocalSearchSolver(1, 5_000).solve(p, 0, null);
        System.out.printf("local search: %d in %.2f s%n", ls.totalLatency(), ls.seconds());
        final HindsightSolution sat = new CpSatHindsightSolver().solve(p, 0.05, ls.starts());
        assertTrue(sat.totalLatency() <= ls.totalLatency() && ls.totalLatency() <= greedy);
        assertTrue(sat.lowerBound() <= sat.totalLatency());
        assertTrue(sat.lowerBound() >= AreaLowerBound.totalLatency(p));
        System.out.printf("20-job instance: greedy %d, cp-sat %d, bound %d, optimal %s, %.2f s%n", greedy,
                sat.totalLatency(), sat.lowerBound(), sat.optimal(), sat.seconds());
    }
}

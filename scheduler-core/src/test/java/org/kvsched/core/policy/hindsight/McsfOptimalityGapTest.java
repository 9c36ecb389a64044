package org.kvsched.core.policy.hindsight;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.kvsched.core.exec.UnitTimeModel;
import org.kvsched.core.model.WorkloadRequest;
import org.kvsched.core.policy.mcsf.McsfFactory;
import org.kvsched.core.policy.mcsf.McsfPolicy;

/**
 * MC-SF is not optimal under the paper's own model (docs/mcsf-fidelity.md): the instances the doc shows, with both
 * totals computed here (MC-SF through the scheduler, the optimum by exhaustive search).
 */
class McsfOptimalityGapTest {

    /** Paper-model instance, all at slot 0: capacity M, prompt size s (the mechanism's prompt is s + 1), outputs. */
    private static List<WorkloadRequest> paperInstance(final int s, final int... outputs) {
        final List<WorkloadRequest> reqs = new ArrayList<>();
        for (int i = 0; i < outputs.length; i++) {
            reqs.add(new WorkloadRequest(i, 0, s + 1, outputs[i]));
        }
        return reqs;
    }

    private static long mcsfThroughTheScheduler(final List<WorkloadRequest> reqs, final int m) {
        return HindsightTest.replay(new McsfPolicy(McsfFactory.MCSF.name(), true, 0, m), reqs, m, 1);
    }

    @Test
    void theTwentyTwoVersusTwentyOneInstance() {
        // M = 10, s = 1, outputs 3, 3, 5, 5, all at 0.
        final List<WorkloadRequest> reqs = paperInstance(1, 3, 3, 5, 5);
        final HindsightProblem p = HindsightProblem.of(reqs, 10, 1, UnitTimeModel.UNIT_MICROS);
        final long mcsf = mcsfThroughTheScheduler(reqs, 10);
        final HindsightSolution opt = new ExhaustiveSolver().solve(p, 0, null);
        assertEquals(22, mcsf);
        assertEquals(mcsf, p.totalLatency(p.greedyStarts(true)));
        assertArrayEquals(new long[] {0, 0, 2, 4}, p.greedyStarts(true));
        assertEquals(21, opt.totalLatency());
        // The staggered schedule of the doc is feasible and optimal; it replays through the scheduler.
        assertEquals(21, p.totalLatency(new long[] {0, 1, 1, 3}));
        assertEquals(21, HindsightTest.replay(new HindsightOptPolicy(reqs, opt, UnitTimeModel.UNIT_MICROS), reqs, 10, 1));
        // No job order reaches it: the order-based search places every job as early as it fits.
        assertEquals(22, new LocalSearchSolver(1, 5_000).solve(p, 0, null).totalLatency());
        // The window search, which tries every start slot, does.
        assertEquals(21, new WindowSolver(4, 10_000, 5).improve(p, p.greedyStarts(true)).totalLatency());
    }

    @Test
    void theSmallestBeatenInstanceHasFourRequests() {
        // Every instance with at most 3 requests at slot 0, M <= 12 and s <= 3 leaves MC-SF optimal; with 4 requests
        // the first, by M then s then outputs, is M = 5, s = 1, outputs 1, 1, 3, 3.
        for (int n = 1; n <= 3; n++) {
            for (int m = 2; m <= 12; m++) {
                for (int s = 1; s <= 3 && s < m; s++) {
                    assertTrue(firstBeaten(n, m, s) == null, "n=" + n + " M=" + m + " s=" + s);
                }
            }
        }
        int[] first = null;
        int firstM = 0;
        int firstS = 0;
        for (int m = 2; m <= 5 && first == null; m++) {
            for (int s = 1; s < m && first == null; s++) {
                first = firstBeaten(4, m, s);
                firstM = m;
                firstS = s;
            }
        }
        assertArrayEquals(new int[] {1, 1, 3, 3}, first);
        assertEquals(5, firstM);
        assertEquals(1, firstS);
        final List<WorkloadRequest> reqs = paperInstance(1, 1, 1, 3, 3);
        final HindsightProblem p = HindsightProblem.of(reqs, 5, 1, UnitTimeModel.UNIT_MICROS);
        assertEquals(13, mcsfThroughTheScheduler(reqs, 5));
        assertEquals(12, new ExhaustiveSolver().solve(p, 0, null).totalLatency());
        assertEquals(12, p.totalLatency(new long[] {0, 1, 0, 3}));
    }

    /** The first output vector (non-decreasing, lexicographic) on which the optimum beats MC-SF, or null. */
    private static int[] firstBeaten(final int n, final int m, final int s) {
        final int[] outs = new int[n];
        java.util.Arrays.fill(outs, 1);
        while (true) {
            final List<HindsightProblem.Job> jobs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                jobs.add(new HindsightProblem.Job(i, 0, s + 1, outs[i]));
            }
            final HindsightProblem p = new HindsightProblem(jobs, m, 1);
            if (new ExhaustiveSolver().solve(p, 0, null).totalLatency() < p.totalLatency(p.greedyStarts(true))) {
                return outs.clone();
            }
            // Next non-decreasing vector with entries in 1..m-s.
            int k = n - 1;
            while (k >= 0 && outs[k] == m - s) {
                k--;
            }
            if (k < 0) {
                return null;
            }
            outs[k]++;
            for (int q = k + 1; q < n; q++) {
                outs[q] = outs[k];
            }
        }
    }
}

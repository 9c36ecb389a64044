package org.kvsched.core.policy.hindsight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.kvsched.core.engine.PlanExecutor;
import org.kvsched.core.engine.Scheduler;
import org.kvsched.core.engine.SchedulerListener;
import org.kvsched.core.engine.StepSummary;
import org.kvsched.core.exec.ModelCatalog;
import org.kvsched.core.exec.UnitTimeModel;
import org.kvsched.core.model.LengthPredictor;
import org.kvsched.core.model.WorkloadRequest;
import org.kvsched.core.model.RequestEvent;
import org.kvsched.core.model.RequestEventKind;
import org.kvsched.core.policy.Policy;
import org.kvsched.core.policy.PolicyContext;
import org.kvsched.core.policy.PolicyKind;
import org.kvsched.core.policy.mcsf.McsfFactory;
import org.kvsched.core.policy.mcsf.McsfPolicy;
import org.kvsched.core.sim.ProgressListener;
import org.kvsched.core.sim.Router;
import org.kvsched.core.sim.SimulationEngine;
import org.kvsched.core.workload.Workload;

class HindsightTest {

    /** Random tiny unit-model instance: integer arrivals, prompts 1-3, outputs that fit. */
    private static List<WorkloadRequest> tiny(final SplittableRandom rng, final int n, final int kv, final boolean atZero) {
        final List<WorkloadRequest> reqs = new ArrayList<>();
        long t = 0;
        for (int i = 0; i < n; i++) {
            if (!atZero) {
                t += rng.nextInt(0, 3);
            }
            final int prompt = rng.nextInt(1, 4);
            reqs.add(new WorkloadRequest(i, t * UnitTimeModel.UNIT_MICROS, prompt, rng.nextInt(1, kv - prompt + 1)));
        }
        return reqs;
    }

    /** Runs a policy through the mechanism with the unit model; returns total latency in slots (seconds). */
    static long replay(final Policy policy, final List<WorkloadRequest> reqs, final int kv, final int blockSize) {
        final long[] total = {0};
        final SchedulerListener listener = new SchedulerListener() {
            @Override
            public void onRequestEvent(final RequestEvent e) {
                if (e.kind() == RequestEventKind.COMPLETED) {
                    total[0] += e.timeUs() - reqs.get((int) e.requestId()).arrivalUs();
                }
                if (e.kind() == RequestEventKind.REJECTED) {
                    throw new AssertionError("rejected: " + e);
                }
            }

            @Override
            public void onStep(final StepSummary s) {
                assertTrue(s.peakBlocks() <= s.capacityBlocks());
            }
        };
        new SimulationEngine(1, i -> new Scheduler(0, policy, kv, blockSize, listener),
                new PlanExecutor(UnitTimeModel.INSTANCE), Router.byName("round-robin"), ProgressListener.NONE).run(reqs, LengthPredictor.oracle());
        assertEquals(0, total[0] % UnitTimeModel.UNIT_MICROS);
        return total[0] / UnitTimeModel.UNIT_MICROS;
    }

    @Test
    void boundGreedyAndOptimumAreOrderedAndTheOptimumReplaysExactly() {
        final SplittableRandom rng = new SplittableRandom(5);
        int strict = 0;
        for (int trial = 0; trial < 60; trial++) {
            final int kv = rng.nextInt(8, 16);
            final List<WorkloadRequest> reqs = tiny(rng, rng.nextInt(2, 7), kv, trial % 2 == 0);
            final HindsightProblem p = HindsightProblem.of(reqs, kv, 1, UnitTimeModel.UNIT_MICROS);
            final long[] greedy = p.greedyStarts(true);
            final long greedyValue = p.totalLatency(greedy);
            final HindsightSolution opt = new ExhaustiveSolver().solve(p, 10, null);
            final long bound = AreaLowerBound.totalLatency(p);
            assertEquals(opt.totalLatency(), p.totalLatency(opt.starts()));
            assertTrue(bound <= opt.totalLatency(), "bound " + bound + " > opt " + opt.totalLatency());
            assertTrue(opt.totalLatency() <= greedyValue);
            if (opt.totalLatency() < greedyValue) {
                strict++;
            }
            // The memory model is the mechanism's: MC-SF through the scheduler equals the offline greedy, and
            // the optimal schedule replays to the same total latency.
            assertEquals(greedyValue, replay(new McsfPolicy(McsfFactory.MCSF.name(), true, 0, kv), reqs, kv, 1), "trial " + trial);
            final long replayed = replay(new HindsightOptPolicy(reqs, opt, UnitTimeModel.UNIT_MICROS), reqs, kv, 1);
            if (trial % 2 == 0) {
                // All at time 0: an optimal plan never idles an empty cache, so the replay is exact.
                assertEquals(opt.totalLatency(), replayed, "trial " + trial);
            } else {
                // With arrivals the plan may idle an empty cache until a start between two arrivals, which the
                // engine cannot wake up for: the replay is feasible and no better than the optimum.
                assertTrue(replayed >= opt.totalLatency(), "trial " + trial);
            }        }
        assertTrue(strict > 0, "some instance should leave MC-SF above the optimum");
    }

    @Test
    void localSearchIsFeasibleNoWorseThanMcsfAndUsuallyOptimalOnTinyInstances() {
        final SplittableRandom rng = new SplittableRandom(17);
        int optimal = 0;
        for (int trial = 0; trial < 40; trial++) {
            final int kv = rng.nextInt(8, 16);
            final List<WorkloadRequest> reqs = tiny(rng, rng.nextInt(3, 8), kv, trial % 2 == 0);
            final HindsightProblem p = HindsightProblem.of(reqs, kv, 1, UnitTimeModel.UNIT_MICROS);
            final HindsightSolution ls = new LocalSearchSolver(1, 3000).solve(p, 0, null);
            assertEquals(ls.totalLatency(), p.totalLatency(ls.starts()));
            assertTrue(ls.totalLatency() <= p.totalLatency(p.greedyStarts(true)));
            final long opt = new ExhaustiveSolver().solve(p, 10, null).totalLatency();
            assertTrue(ls.totalLatency() >= opt);
            if (ls.totalLatency() == opt) {
                optimal++;
            }
        }
        assertTrue(optimal >= 36, "local search optimal on only " + optimal + "/40 tiny instances");
    }

    @Test
    void blockSizeAboveOneIsCountedAsTheMechanismDoes() {
        final SplittableRandom rng = new SplittableRandom(9);
        for (int trial = 0; trial < 20; trial++) {
            final int kv = 16;
            final List<WorkloadRequest> reqs = tiny(rng, 5, kv, true);
            final HindsightProblem p = HindsightProblem.of(reqs, kv, 4, UnitTimeModel.UNIT_MICROS);
            final HindsightSolution opt = new ExhaustiveSolver().solve(p, 10, null);
            assertEquals(p.totalLatency(p.greedyStarts(true)), replay(new McsfPolicy(McsfFactory.MCSF.name(), true, 0, kv), reqs, kv, 4));
            assertEquals(opt.totalLatency(), replay(new HindsightOptPolicy(reqs, opt, UnitTimeModel.UNIT_MICROS), reqs, kv, 4));
        }
    }

    @Test
    void allAtZeroBoundIsTheAreaPlusLengthBound() {
        // Two jobs at 0, capacity 4, prompts 1: areas 1+2+3 = 6 (3 out) and 1 (1 out). Sorted: o = 1, 3;
        // areas 1, 6 -> prefix 1, 7 -> /4 = 0.25, 1.75. Bound = max(1, 1) + max(3, 2) = 4.
        final HindsightProblem p = new HindsightProblem(List.of(new HindsightProblem.Job(0, 0, 1, 3),
                new HindsightProblem.Job(1, 0, 1, 1)), 4, 1);
        assertEquals(4, AreaLowerBound.totalLatency(p));
    }

    @Test
    void theRegisteredPolicyNeedsTheWorkloadAndTheUnitModel() {
        final var unit = ModelCatalog.byName("unit:kv=12");
        final List<WorkloadRequest> reqs = tiny(new SplittableRandom(1), 4, 12, true);
        assertThrows(IllegalArgumentException.class, () -> PolicyKind.byName(HindsightOptFactory.NAME).create(Map.of(),
                new PolicyContext(unit.timeModel(), 12, 1, 0)));
        final var big = ModelCatalog.byName("llama2-7b-a100");
        assertThrows(IllegalArgumentException.class, () -> PolicyKind.byName(HindsightOptFactory.NAME).create(Map.of(),
                new PolicyContext(big.timeModel(), big.kvCapacityTokens(), 16, 0, new Workload("w", reqs))));
        final Policy policy = PolicyKind.byName(HindsightOptFactory.NAME).create(Map.of(), new PolicyContext(unit.timeModel(), 12, 1, 0,
                new Workload("w", reqs)));
        final HindsightSolution s = ((HindsightOptPolicy) policy).solution();
        assertEquals(s.totalLatency(), replay(policy, reqs, 12, 1));
        assertTrue(PolicyKind.byName(HindsightOptFactory.NAME).offline());
    }
}

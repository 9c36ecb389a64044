package org.kvsched.core.policy.gsa;

import org.kvsched.core.testing.ScenarioDriver;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.kvsched.core.exec.UnitTimeModel;
import org.kvsched.core.model.LengthPredictor;
import org.kvsched.core.model.WorkloadRequest;
import org.kvsched.core.model.RequestEventKind;
import org.kvsched.core.sim.SimulationHarness;

class GeometricSlicingPolicyTest {

    @Test
    void aJobNotDoneWithinItsSliceRestartsFromScratchWithADoubleSlice() {
        // s = 2, KV 100, alpha 2, beta 1: slices 1, 2, 4, ...
        final ScenarioDriver s = new ScenarioDriver(new GeometricSlicingPolicy(GeometricSlicingPolicy.Mode.GSA, 2, 1, false), 100, 1);
        s.arrive(0, 2, 3);
        assertEquals(Map.of(0L, 2), s.step(), "phase 0: slice of 1 iteration");
        assertEquals(Map.of(0L, 2), s.step(), "killed (output discarded) and restarted: the prompt again");
        assertEquals(1, s.count(RequestEventKind.PREEMPTED));
        assertEquals(Map.of(0L, 1), s.step(), "slice 2: one decode");
        assertEquals(Map.of(0L, 2), s.step(), "killed again; slice 4 now");
        assertEquals(Map.of(0L, 1), s.step());
        assertEquals(Map.of(0L, 1), s.step());
        assertEquals(1, s.count(RequestEventKind.COMPLETED));
        assertEquals(2, s.count(RequestEventKind.PREEMPTED));
    }

    @Test
    void shortJobsFinishInTheFirstPhaseWhileTheLongOneWaits() {
        final ScenarioDriver s = new ScenarioDriver(new GeometricSlicingPolicy(GeometricSlicingPolicy.Mode.GSA, 2, 1, false), 6, 1);
        // Prompt 2, KV 6: slice 1 jobs hold 2 tokens, 3 lanes.
        s.arrive(0, 2, 4).arrive(1, 2, 1).arrive(2, 2, 1);
        assertEquals(Map.of(0L, 2, 1L, 2, 2L, 2), s.step());
        assertEquals(2, s.count(RequestEventKind.COMPLETED), "the two one-token jobs are done after one iteration");
    }

    @Test
    void gbaPutsEachJobInItsLengthClassAndNeverKillsWithExactLengths() {
        final List<WorkloadRequest> reqs = new ArrayList<>();
        final java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
        for (int i = 0; i < 120; i++) {
            reqs.add(new WorkloadRequest(i, 0, 5, 1 + rng.nextInt(60)));
        }
        for (final String policy : List.of("gba", "gba-d")) {
            final SimulationHarness.Run run = SimulationHarness.run(policy, UnitTimeModel.INSTANCE, 200, 1, 1, "round-robin",
                    LengthPredictor.oracle(), reqs);
            assertEquals(0, run.metrics().summary(1, 200).preemptions(), policy);
            assertEquals(120, run.metrics().summary(1, 200).completed(), policy);
            assertTrue(run.maxUsedBlocks() <= 200);
        }
        final GeometricSlicingPolicy gba = new GeometricSlicingPolicy(GeometricSlicingPolicy.Mode.GBA, 2, 1, false);
        assertEquals(0, gba.lengthClass(1));
        assertEquals(1, gba.lengthClass(2));
        assertEquals(3, gba.lengthClass(5));
        assertEquals(3, gba.lengthClass(8));
        assertEquals(4, gba.lengthClass(9));
    }

    /** The registry's policy of the given kind with its default parameters. */
    private static org.kvsched.core.policy.Policy byDefault(final org.kvsched.core.policy.PolicyFactory kind, final int kv) {
        return kind.create(Map.of(), new org.kvsched.core.policy.PolicyContext(UnitTimeModel.INSTANCE, kv, 1, 1));
    }

    /**
     * Online rule (default): a job of a longer class starts as soon as its slot and the memory allow, while a
     * shorter job still runs. Back-to-back classes (overlap=false, the offline paper) hold it back until the
     * shorter job has finished; under continuous arrivals that starved long jobs (GBA-D E2E p99 2,745 s on the
     * Azure conversation trace).
     */
    @Test
    void aLongerClassStartsWhileAShorterJobRuns() {
        for (final GsaFactory kind : List.of(GsaFactory.GBA, GsaFactory.GBA_D)) {
            // KV 1000: outputs 8 (class 3) and 40 (class 6), prompt 2.
            final ScenarioDriver online = new ScenarioDriver(byDefault(kind, 1000), 1000, 1);
            online.arrive(0, 2, 8).arrive(1, 2, 40);
            assertEquals(Map.of(0L, 2), online.step(), kind + ": the shortest class first");
            assertEquals(Map.of(0L, 1, 1L, 2), online.step(), kind + ": the longer class starts beside it");
            final ScenarioDriver offline = new ScenarioDriver(
                    new GeometricSlicingPolicy(GeometricSlicingPolicy.Mode.GBA, 2, 1, false), 1000, 1);
            offline.arrive(0, 2, 8).arrive(1, 2, 40);
            offline.step();
            assertEquals(Map.of(0L, 1), offline.step(), "back-to-back classes: the longer one waits");
        }
    }

    /**
     * GSA's default first slice is the paper's raw-length setting, 256: a job is restarted once per slice shorter
     * than its output, so an output of 200 runs without a restart (the former default, 64, restarted it twice).
     */
    @Test
    void gsaRestartsOncePerSliceShorterThanTheOutput() {
        final List<WorkloadRequest> one = List.of(new WorkloadRequest(0, 0, 5, 200));
        for (final String spec : List.of("gsa", "gsa:beta=64", "gsa:beta=16")) {
            final SimulationHarness.Run run = SimulationHarness.run(spec, UnitTimeModel.INSTANCE, 1000, 1, 1, "round-robin",
                    LengthPredictor.oracle(), one);
            final long expected = spec.equals("gsa") ? 0 : spec.equals("gsa:beta=64") ? 2 : 4;
            assertEquals(expected, run.metrics().summary(1, 1000).preemptions(), spec);
            assertEquals(1, run.metrics().summary(1, 1000).completed(), spec);
        }
    }

    @Test
    void staggeredLanesFitTheWorstPhaseAndBeatSynchronousBatching() {
        // s = 79, M = 8192, tau = 256: about 38 staggered lanes against 24 started together (our lane construction [R]).
        final int c = StaggeredPipeline.lanes(79, 256, 8192, 1);
        assertTrue(StaggeredPipeline.peakBlocks(79, 256, c, 1) <= 8192);
        assertTrue(StaggeredPipeline.peakBlocks(79, 256, c + 1, 1) > 8192);
        assertTrue(c >= 37 && c <= 39, "lanes " + c);
        assertTrue(c > 8192 / (79 + 256));
        final StaggeredPipeline p = new StaggeredPipeline(10, 4, 100);
        assertEquals(100, p.slotStart(0));
        assertEquals(102, p.slotStart(1));
        assertEquals(105, p.slotStart(2));
        assertEquals(107, p.slotStart(3));
        assertEquals(110, p.slotStart(4));
        assertEquals(3, p.firstSlotAtOrAfter(106));
    }

    @Test
    void envelopePeaksAtAJobsLastIteration() {
        final Envelope e = new Envelope(1);
        e.add(1, 3, 10); // holds 11, 12, 13 in iterations 1..3
        e.add(2, 5, 0);  // holds 1, 2, 3, 4 in iterations 2..5
        // Iteration 3: 13 + 2 = 15; iteration 5: 4.
        assertEquals(15, e.peakBlocks());
        final Envelope blocks = new Envelope(4);
        blocks.add(1, 1, 4); // 5 tokens = 2 blocks
        assertEquals(2, blocks.peakBlocks());
    }

    @Test
    void fcfsRestartKillsTheNewestAndDiscardsItsOutput() {
        final ScenarioDriver s = new ScenarioDriver(new FcfsRestartPolicy(), 10, 1);
        s.arrive(0, 4, 5).arrive(1, 4, 5);
        assertEquals(Map.of(0L, 4, 1L, 4), s.step());
        assertEquals(Map.of(0L, 1, 1L, 1), s.step(), "8 + 2 = 10 tokens: both still fit");
        assertEquals(Map.of(0L, 1), s.step(), "10 + 2 > 10: the newest restarts");
        assertEquals(1, s.count(RequestEventKind.PREEMPTED));
    }
}

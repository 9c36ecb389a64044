package org.kvsched.core.policy.mcsf;

import org.kvsched.core.testing.ScenarioDriver;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.kvsched.core.engine.BatchPlan;
import org.kvsched.core.exec.ModelCatalog;
import org.kvsched.core.exec.ModelProfile;
import org.kvsched.core.metrics.RequestOutcome;
import org.kvsched.core.model.LengthPredictor;
import org.kvsched.core.model.WorkloadRequest;
import org.kvsched.core.model.RequestEvent;
import org.kvsched.core.model.RequestEventKind;
import org.kvsched.core.sim.SimulationHarness;

class McsfPolicyTest {

    private static McsfPolicy mcsf(final int kv) {
        return new McsfPolicy(McsfFactory.MCSF.name(), true, 0.0, kv);
    }

    private static McsfPolicy benchmark(final int kv) {
        return new McsfPolicy(McsfFactory.MC_BENCHMARK.name(), false, 0.0, kv);
    }

    @Test
    void shortestPredictedFirstVersusFcfs() {
        // Capacity 11 tokens, block 1. A (prompt 1, 10 out), B (2, 3), C (3, 5), arriving in that order.
        // During iteration tau a request holds prompt + tau: B peaks at 4 (tau 2), C at 7 (tau 4), A at 10 (tau 9).
        // MC-SF: B, C (9 at tau 2, 7 at tau 4), then A would make 12 at tau 2 > 11: stop.
        final ScenarioDriver sf = new ScenarioDriver(mcsf(11), 11, 1, LengthPredictor.oracle());
        sf.arrive(0, 1, 10).arrive(1, 2, 3).arrive(2, 3, 5);
        assertEquals(Map.of(1L, 2, 2L, 3), sf.step());
        // FCFS: A alone peaks at 10, A + B is 7 at tau 2 and 10 at tau 9, adding C makes 12 at tau 2: stop.
        final ScenarioDriver fcfs = new ScenarioDriver(benchmark(11), 11, 1, LengthPredictor.oracle());
        fcfs.arrive(0, 1, 10).arrive(1, 2, 3).arrive(2, 3, 5);
        assertEquals(Map.of(0L, 1, 1L, 2), fcfs.step());
    }

    @Test
    void stopsAtTheFirstMisfitEvenIfALaterRequestFits() {
        final ScenarioDriver d = new ScenarioDriver(mcsf(15), 15, 1, LengthPredictor.oracle());
        d.arrive(0, 6, 8);
        assertEquals(Map.of(0L, 6), d.step());
        // Running R holds 7 + tau. X (prompt 8, 2 out) would hold 9 at tau 1 next to R's 8: 17 > 15.
        // Y (prompt 1, 3 out) would fit (3 + 9 = 12 at tau 2) but comes after X in the sorted order.
        d.arrive(1, 8, 2).arrive(2, 1, 3);
        assertEquals(Map.of(0L, 1), d.step());
    }

    @Test
    void checksMemoryAtPredictedCompletionsNotOnlyNow() {
        // Capacity 10. Running R (prompt 1, 9 out) grows to 9 at its last iteration. A candidate with
        // prompt 2 and 2 outputs needs 2 then 3 blocks: now 2 + 2 = 4 fits, but at tau 1: 3 + 3 = 6 fits;
        // a candidate with prompt 2 and 8 outputs would need 9 at tau 7 while R holds 9: 18 > 10.
        final ScenarioDriver d = new ScenarioDriver(mcsf(10), 10, 1, LengthPredictor.oracle());
        d.arrive(0, 1, 9);
        d.step();
        d.arrive(1, 2, 8);
        // Current memory is small (R holds 2) but the future check refuses the candidate.
        assertEquals(Map.of(0L, 1), d.step());
        d.arrive(2, 2, 2);
        assertEquals(Map.of(0L, 1, 2L, 2), d.step());
    }

    @Test
    void continuationLastsUntilTheHeadWouldFit() {
        // Capacity 10, block 1. R (prompt 1, 9 out) runs; then H (prompt 5, 3 out) arrives and waits.
        final ScenarioDriver d = new ScenarioDriver(mcsf(10), 10, 1, LengthPredictor.oracle());
        d.arrive(0, 1, 9);
        d.step();
        d.arrive(1, 5, 3);
        final BatchPlan plan = d.plan();
        assertEquals(Map.of(0L, 1), ScenarioDriver.tokens(plan));
        // R now holds 2 + tau until tau 7. H started m iterations later holds 7 at its last iteration m + 2,
        // next to R's 4 + m: 11 + m > 10 for every m up to R's last iteration. Asked after each of them,
        // MC-SF would admit nothing, so the plan may decode R until its completion stops it.
        assertEquals(7, plan.maxDecodeContinuation());
    }

    @Test
    void reserveHoldsBackCapacityButAnEmptyCacheAlwaysAdmits() {
        // Capacity 20, reserve 0.5: limit 10. A (prompt 4, 8 out) peaks at 11 > 10, but the cache is empty.
        final ScenarioDriver d = new ScenarioDriver(new McsfPolicy(McsfFactory.MCSF.name(), true, 0.5, 20), 20, 1, LengthPredictor.oracle());
        d.arrive(0, 4, 8).arrive(1, 1, 2);
        // A is longer, so B (peak 2) goes first; then A does not fit under the limit next to B.
        assertEquals(Map.of(1L, 1), d.step());
        d.step();
        // B done (2 iterations): the cache is empty, so A is admitted despite its predicted peak.
        assertEquals(Map.of(0L, 4), d.step());
    }

    @Test
    void requestOutlivingItsPredictionIsExtendedAndOthersEvictedInsteadOfOverflowing() {
        // Every prediction says 2 tokens; truths are longer. Capacity 12, block 1.
        final LengthPredictor two = new LengthPredictor() {
            @Override
            public int predict(final WorkloadRequest r) {
                return 2;
            }

            @Override
            public String spec() {
                return "two";
            }
        };
        final ScenarioDriver d = new ScenarioDriver(mcsf(12), 12, 1, two);
        d.arrive(0, 2, 9).arrive(1, 2, 9).arrive(2, 2, 9);
        for (int i = 0; i < 60 && d.count(RequestEventKind.COMPLETED) < 3; i++) {
            final BatchPlan p = d.plan();
            if (p == null) {
                break;
            }
            d.finish(p, 1);
            assertTrue(d.scheduler.usedBlocks() <= 12);
        }
        assertEquals(3, d.count(RequestEventKind.COMPLETED));
        assertTrue(d.count(RequestEventKind.PREEMPTED) > 0, "under-predictions should force evictions here");
    }

    /** Imperfect predictions on tight caches: no overflow (the harness checks every step), all complete, K exact. */
    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource({
            "mcsf, noise:0.8, unit:kv=64",
            "mcsf, bucket:64, llama2-7b-a100:kv=8192",
            "mcsf:reserve=0.1, noise:0.5, llama2-7b-a100:kv=8192",
            "mc-benchmark, noise:0.8, unit:kv=64",
            "mc-benchmark, none, llama2-7b-a100:kv=8192",
            "sorted-f, noise:0.8, unit:kv=64",
            "sorted-f, noise:0.5, llama2-7b-a100:kv=8192",
            "sorted-f:max-skips=0, noise:0.5, unit:kv=64"})
    void survivesImperfectPredictions(final String policy, final String predictor, final String model) {
        final ModelProfile m = ModelCatalog.byName(model);
        final boolean unit = model.startsWith("unit");
        final List<WorkloadRequest> reqs = SimulationHarness.randomRequests(11, 150, unit ? 300_000 : 30_000,
                unit ? 8 : 1500, unit ? 40 : 500);
        final LengthPredictor p = LengthPredictor.parse(predictor, 3);
        final SimulationHarness.Run batched = SimulationHarness.run(policy, m.timeModel(), m.kvCapacityTokens(),
                m.blockSize(), 1, "round-robin", p, reqs);
        final SimulationHarness.Run single = SimulationHarness.run(policy + "!", m.timeModel(), m.kvCapacityTokens(),
                m.blockSize(), 1, "round-robin", p, reqs);
        for (final RequestOutcome o : batched.metrics().outcomes()) {
            assertTrue(o.completed(), o.toString());
        }
        final java.util.Comparator<RequestEvent> order = java.util.Comparator.comparingLong(RequestEvent::requestId)
                .thenComparingLong(RequestEvent::timeUs).thenComparing(RequestEvent::kind);
        final List<RequestEvent> a = new java.util.ArrayList<>(batched.events());
        final List<RequestEvent> b = new java.util.ArrayList<>(single.events());
        a.sort(order);
        b.sort(order);
        assertEquals(b, a);
    }
}

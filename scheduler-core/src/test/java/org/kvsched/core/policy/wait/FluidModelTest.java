package org.kvsched.core.policy.wait;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.kvsched.core.exec.LinearKvModel;
import org.kvsched.core.exec.LinearSurrogateModel;
import org.kvsched.core.exec.UnitTimeModel;
import org.kvsched.core.model.WorkloadRequest;
import org.kvsched.core.workload.Workload;

/** The fluid model of arXiv 2504.11320 section 2 against values computed by hand. */
class FluidModelTest {

    @Test
    void kvMassIsTheSumOfTheContextsOverTheLifetime() {
        // Prompt 512, 20 outputs: iterations hold 512, 513, ..., 531 tokens: 20 * (512 + 19/2) = 10,430.
        assertEquals(10_430, RequestType.kvMass(512, 20), 1e-9);
        // The paper's toy "Hello" -> "Hi" (l = 1, l' = 1, i.e. 2 iterations): 1 + 2 = 3.
        assertEquals(3, RequestType.kvMass(1, 2), 1e-9);
        assertEquals(531, RequestType.of(512, 20, 1).peakTokens(), 1e-9);
    }

    @Test
    void paperFcfsInstanceHasOneRequestPerStageAndMemoryNine() {
        // Paper section 7 (Prop. 3): types (l, l', lambda) = (1, 1, 1), (1, 2, 1): w = 3 and 6 (our outputs 2 and 3),
        // d0 = 1 - 9 d1  =>  Delta-T* = 1, n* = (1, 1), M* = 9.
        final double d1 = 0.05;
        final LinearTime time = new LinearTime(1 - 9 * d1, d1, "test");
        final FluidModel f = FluidModel.solve(List.of(RequestType.of(1, 2, 1), RequestType.of(1, 3, 1)), time, 9);
        assertEquals(9, f.offeredKvRate(), 1e-12);
        assertEquals(0.45, f.load(), 1e-12);
        assertEquals(1.0, f.deltaTSeconds(), 1e-12);
        assertEquals(1.0, f.perType().get(0).perStage(), 1e-12);
        assertEquals(1.0, f.perType().get(1).perStage(), 1e-12);
        assertEquals(3.0, f.perType().get(0).memoryTokens(), 1e-12);
        assertEquals(9.0, f.memoryTokens(), 1e-12);
        assertTrue(f.stable(), "M* = C is inside the region");
        assertEquals(2 + 3, f.outputTokensPerSecond(), 1e-12);
    }

    @Test
    void singleTypeByHand() {
        // p512d20 at 20 req/s with d0 = 4.6 ms, d1 = 0.0034 ms/token:
        // S = 20 * 10,430 = 208,600 tokens/s; d1 S = 3.4e-6 * 208,600 = 0.70924;
        // Delta-T* = 0.0046 / 0.29076 = 0.0158206 s; n* = 0.316412; M* = n* w = 3300.18 tokens.
        final LinearTime time = LinearTime.of(LinearKvModel.DEFAULT, List.of(), 118_784);
        assertEquals(0.0046, time.d0Seconds(), 1e-15);
        assertEquals(3.4e-6, time.d1SecondsPerToken(), 1e-18);
        final FluidModel f = FluidModel.solve(List.of(RequestType.of(512, 20, 20)), time, 118_784);
        assertEquals(208_600, f.offeredKvRate(), 1e-6);
        assertEquals(0.70924, f.load(), 1e-9);
        assertEquals(0.0046 / 0.29076, f.deltaTSeconds(), 1e-12);
        assertEquals(20 * 0.0046 / 0.29076, f.perType().get(0).perStage(), 1e-9);
        assertEquals(208_600 * 0.0046 / 0.29076, f.memoryTokens(), 1e-6);
        assertTrue(f.stable());
        // Largest scale: memory limit C / (S (d0 + d1 C)) vs service limit 1 / (d1 S).
        final double memory = 118_784 / (208_600 * (0.0046 + 3.4e-6 * 118_784));
        final double service = 1 / 0.70924;
        assertEquals(Math.min(memory, service), f.stabilityMarginFactor(), 1e-12);
        assertTrue(f.verdict().startsWith("stable on this GPU"), f.verdict());
    }

    @Test
    void serviceAndMemoryConditionsFailSeparately() {
        final LinearTime time = new LinearTime(0.01, 1e-6, "test");
        // d1 S = 1e-6 * 2 * 1,000,000 = 2 >= 1: service fails, equilibrium infinite.
        final FluidModel overloaded = FluidModel.solve(List.of(RequestType.of(1000, 1000, 2)), time, 1_000_000);
        assertFalse(overloaded.serviceStable());
        assertTrue(Double.isInfinite(overloaded.memoryTokens()));
        assertTrue(overloaded.verdict().startsWith("unstable: service condition fails"), overloaded.verdict());
        // S = 0.5 * 1,499,500 = 749,750; d1 S = 0.74975; M* = 0.01 * 749,750 / 0.25025 = 29,960 tokens > C = 20,000.
        final FluidModel tight = FluidModel.solve(List.of(RequestType.of(1000, 1000, 0.5)), time, 20_000);
        assertTrue(tight.serviceStable());
        assertEquals(0.01 * 749_750 / 0.25025, tight.memoryTokens(), 1e-6);
        assertFalse(tight.memoryStable());
        assertTrue(tight.verdict().startsWith("unstable: memory condition fails"), tight.verdict());
    }

    @Test
    void unitModelIsOneSecondPerIterationAndTheSurrogateIsFittedExactly() {
        final List<RequestType> types = List.of(RequestType.of(100, 10, 1));
        final LinearTime unit = LinearTime.of(UnitTimeModel.INSTANCE, types, 1000);
        assertEquals(1.0, unit.d0Seconds());
        assertEquals(0.0, unit.d1SecondsPerToken());
        // The linear surrogate is linear in the counts: along the ray a + (b l + c (o-1)/o ...)-type batches give a line;
        // the fit must reproduce the model's time on a mid-size equilibrium batch within rounding (1 us).
        final LinearTime fit = LinearTime.of(LinearSurrogateModel.LLAMA2_7B_A100_TP1, List.of(RequestType.of(512, 20, 20)), 118_784);
        assertTrue(fit.d0Seconds() > 0.005 && fit.d0Seconds() < 0.012, "d0 = " + fit.d0Seconds());
        assertTrue(fit.d1SecondsPerToken() > 3e-6 && fit.d1SecondsPerToken() < 4.5e-6, "d1 = " + fit.d1SecondsPerToken());
    }

    @Test
    void typeMixFromAWorkloadUsesExactPairsOrOutputBuckets() {
        // 3 requests of 512x20 and 1 of 512x50 over 3 s: rates 3/4 * 1 and 1/4 * 1 req/s ((n - 1) / span = 1).
        final List<WorkloadRequest> reqs = List.of(new WorkloadRequest(0, 0, 512, 20), new WorkloadRequest(1, 1_000_000, 512, 50),
                new WorkloadRequest(2, 2_000_000, 512, 20), new WorkloadRequest(3, 3_000_000, 512, 20));
        final TypeMix mix = TypeMix.fromWorkload(new Workload("w", reqs), 8);
        assertTrue(mix.exact());
        assertEquals(2, mix.size());
        assertEquals(20, mix.types().get(0).outputTokens());
        assertEquals(0.75, mix.types().get(0).ratePerSecond(), 1e-12);
        assertEquals(0.25, mix.types().get(1).ratePerSecond(), 1e-12);
        assertEquals(0, mix.typeOf(512, 20));
        assertEquals(1, mix.typeOf(512, 50));
        assertEquals(1, mix.typeOf(512, 30), "unknown pair: first type with output >= 30");
        assertEquals(1, mix.typeOf(512, -1), "unknown length: the longest type");

        // Many distinct pairs: output buckets of equal counts whose mass is the exact mean.
        final List<WorkloadRequest> many = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            many.add(new WorkloadRequest(i, i * 100_000L, 10 + i, 1 + i));
        }
        final TypeMix buckets = TypeMix.fromWorkload(new Workload("m", many), 4);
        assertFalse(buckets.exact());
        assertEquals(4, buckets.size());
        double s = 0;
        double exact = 0;
        for (final RequestType t : buckets.types()) {
            s += t.ratePerSecond() * t.kvMass();
        }
        for (final WorkloadRequest r : many) {
            exact += RequestType.kvMass(r.promptTokens(), r.outputTokens());
        }
        assertEquals(exact * (99 / 9.9) / 100, s, 1e-6, "S is exact whatever the grouping");
        assertEquals(25, buckets.types().get(0).outputTokens());
        assertEquals(0, buckets.typeOf(40, 25));
        assertEquals(1, buckets.typeOf(40, 26));
    }

    @Test
    void thresholdsFollowTheFluidAndBecomeMemorySpacingsBelowOne() {
        final LinearTime time = new LinearTime(0.0046, 3.4e-6, "test");
        // n* = 0.316 < 1 per stage and memory is far from binding: one at a time, no pacing.
        final TypeMix mix = new TypeMix(List.of(RequestType.of(512, 20, 20)), true, false);
        final WaitThresholds t = WaitThresholds.compute(mix, time, 118_784, 0.05);
        assertTrue(t.fluidStable());
        assertEquals(List.of(1), t.group());
        assertEquals(List.of(1), t.spacing());
        // Above one per stage: 24 req/s -> d1 S = 0.85109, Delta-T* = 0.030894 s, n* = 0.741 -> still < 1;
        // 27 req/s -> d1 S = 0.957474, Delta-T* = 0.108171 s, n = ceil(1.05 * 27 * 0.108171) = 4 (balance holds).
        final WaitThresholds busy = WaitThresholds.compute(new TypeMix(List.of(RequestType.of(512, 20, 27)), true, false), time,
                118_784, 0.05);
        assertEquals(List.of(4), busy.group());
        assertTrue(4 / 27.0 >= busy.iterationSeconds(), "balanced: " + busy.iterationSeconds());
        // Long outputs: p512d1000 at 2 req/s, d0 = 10 ms, d1 = 1e-7 s: n* = 0.025; C / S = 118,784 / 2,023,000 s,
        // so one admission every ceil(1 / (2 C / S)) = 9 iterations keeps a full pipeline within C.
        final WaitThresholds longOut = WaitThresholds.compute(new TypeMix(List.of(RequestType.of(512, 1000, 2)), true, false),
                new LinearTime(0.01, 1e-7, "test"), 118_784, 0.05);
        assertEquals(List.of(1), longOut.group());
        assertEquals(List.of(9), longOut.spacing());
        assertEquals(1_011_500 / 9.0, longOut.memoryTokens(), 1e-6);
        // Outside the region: memory-max, the threshold pipeline fills C.
        final TypeMix heavy = new TypeMix(List.of(RequestType.of(512, 20, 40)), true, false);
        final WaitThresholds m = WaitThresholds.compute(heavy, time, 118_784, 0.05);
        assertFalse(m.fluidStable());
        assertEquals(List.of((int) Math.floor(118_784 / 10_430.0)), m.group(), "floor(C / w) = 11");
        assertTrue(m.memoryTokens() <= 118_784);
    }

    @Test
    void nestedThresholdsThetaAndBuffer() {
        // Nested WAIT's safety buffer (arXiv 2504.11320 v4): r = 0.4, p = 0.3 -> theta ~ 0.871; r = 9/21, p = 0.3 -> theta ~ 1.105.
        assertEquals(0.871, NestedThresholds.theta(0.4, 0.3), 2e-3);
        assertEquals(1.105, NestedThresholds.theta(9.0 / 21, 0.3), 2e-3);
        assertTrue(Double.isInfinite(NestedThresholds.theta(1.0, 0.3)));
        assertEquals(0, NestedThresholds.theta(0.2, 0.3));
        // W3: 0.7 p512d20 + 0.3 p512d50 -> boundaries at 20 and 50, q_2 = 0.3 + 0.05.
        final List<WorkloadRequest> reqs = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            reqs.add(new WorkloadRequest(i, i * 50_000L, 512, i % 10 < 7 ? 20 : 50));
        }
        final Workload w = new Workload("w3", reqs);
        assertEquals(List.of(20, 50), NestedThresholds.boundariesOf(w, 4));
        final NestedThresholds t = NestedThresholds.compute(w, List.of(20, 50), new LinearTime(0.0046, 3.4e-6, "t"), 118_784,
                0.05, 0.05, 0.01, 8);
        assertEquals(0.3 * 20.02, t.reachRates().get(1), 0.01);
        final int n1 = t.perStage().get(0);
        assertEquals((int) Math.max(1, Math.ceil(n1 * 0.35 - 1e-9)), t.perStage().get(1));
        assertTrue(t.bufferFits());
        assertTrue(t.basePlusBuffer() > t.baseMemory());
    }
}

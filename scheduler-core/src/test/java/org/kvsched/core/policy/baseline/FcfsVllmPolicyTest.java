package org.kvsched.core.policy.baseline;

import org.kvsched.core.testing.ScenarioDriver;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.kvsched.core.engine.BatchPlan;
import org.kvsched.core.model.RequestEventKind;

class FcfsVllmPolicyTest {

    @Test
    void chunksLongPromptsWithinTheTokenBudget() {
        final ScenarioDriver d = new ScenarioDriver(new FcfsVllmPolicy(100, 256), 10_000, 16);
        d.arrive(0, 250, 5);
        assertEquals(Map.of(0L, 100), d.step());
        assertEquals(Map.of(0L, 100), d.step());
        assertEquals(Map.of(0L, 50), d.step());
        assertEquals(1, d.count(RequestEventKind.FIRST_TOKEN), "the step that finishes the prompt emits the first token");
        assertEquals(Map.of(0L, 1), d.step());
    }

    @Test
    void runningRequestsGoFirstThenWaitingInFcfsOrder() {
        final ScenarioDriver d = new ScenarioDriver(new FcfsVllmPolicy(64, 256), 10_000, 16);
        d.arrive(0, 40, 10);
        d.step();
        d.arrive(1, 30, 10).arrive(2, 30, 10);
        // WorkloadRequest 0 decodes (1 token), then 1 gets 30, then 2 gets the remaining 33 of the budget minus ... 64-1-30 = 33 >= 30.
        assertEquals(Map.of(0L, 1, 1L, 30, 2L, 30), d.step());
    }

    @Test
    void headOfLineBlockingStopsAdmissionAtTheFirstMisfit() {
        // 6 blocks of 16 tokens. WorkloadRequest 0 holds 4 blocks; 1 needs 3 blocks and blocks 2 which would fit in 1.
        final ScenarioDriver d = new ScenarioDriver(new FcfsVllmPolicy(1000, 256), 96, 16);
        d.arrive(0, 60, 30);
        d.step();
        d.arrive(1, 40, 5).arrive(2, 10, 5);
        final Map<Long, Integer> plan = d.step();
        assertEquals(Map.of(0L, 1), plan);
    }

    @Test
    void aWatermarkKeepsHeadroomFreeAtAdmissionButNeverBlocksRunningRequests() {
        // 10 blocks of 16 tokens. Request 0 takes 4; request 1 needs 5 more: it fits (1 left) without a watermark,
        // not with 20% (2 blocks) kept free.
        final ScenarioDriver plain = new ScenarioDriver(new FcfsVllmPolicy(1000, 256), 160, 16);
        final ScenarioDriver kept = new ScenarioDriver(new FcfsVllmPolicy(1000, 256, 0.2), 160, 16);
        for (final ScenarioDriver d : new ScenarioDriver[] {plain, kept}) {
            d.arrive(0, 60, 30);
            assertEquals(Map.of(0L, 60), d.step());
            d.arrive(1, 70, 5);
        }
        assertEquals(Map.of(0L, 1, 1L, 70), plain.step());
        assertEquals(Map.of(0L, 1), kept.step(), "request 1 would leave 1 block free, below the 2-block watermark");
    }

    @Test
    void preemptsTheMostRecentlyAdmittedWhenBlocksRunOutAndAdmitsNothingThatStep() {
        // 4 blocks of 4 tokens. Two requests of 8 tokens use all 4 blocks after their prompts.
        final ScenarioDriver d = new ScenarioDriver(new FcfsVllmPolicy(1000, 256), 16, 4);
        d.arrive(0, 8, 8).arrive(1, 8, 8);
        assertEquals(Map.of(0L, 8, 1L, 8), d.step());
        d.arrive(2, 1, 1);
        // Both decodes need a fifth block: request 1 (newest) is preempted; nothing is admitted.
        final BatchPlan plan = d.plan();
        assertEquals(Map.of(0L, 1), ScenarioDriver.tokens(plan));
        assertEquals(1, d.count(RequestEventKind.PREEMPTED));
        assertEquals(0, plan.maxDecodeContinuation(), "a preempting step allows no continuation");
        d.finish(plan, 1);
        assertEquals(2, d.scheduler.waitingCount());
    }

    @Test
    void preemptedRequestRecomputesPromptAndOutputFromTheQueueHead() {
        final ScenarioDriver d = new ScenarioDriver(new FcfsVllmPolicy(1000, 256), 16, 4);
        d.arrive(0, 8, 3).arrive(1, 8, 8);
        d.step();
        d.step(); // request 1 preempted with 1 generated token
        // WorkloadRequest 0 finishes after its remaining decodes, freeing blocks; request 1 comes back first.
        BatchPlan plan;
        do {
            plan = d.plan();
            d.finish(plan, plan.maxDecodeContinuation() + 1);
        } while (!ScenarioDriver.tokens(plan).containsKey(1L));
        assertEquals(9, ScenarioDriver.tokens(plan).get(1L), "prompt 8 + 1 generated token recomputed in one chunk");
    }

    @Test
    void pureDecodeBatchesRunUntilTheNextEvent() {
        final ScenarioDriver d = new ScenarioDriver(new FcfsVllmPolicy(1000, 256), 10_000, 16);
        d.arrive(0, 10, 50).arrive(1, 10, 20);
        d.step();
        final BatchPlan plan = d.plan();
        assertTrue(plan.maxDecodeContinuation() >= 18, "continuation up to the first completion");
        d.finish(plan, 19);
        assertEquals(1, d.count(RequestEventKind.COMPLETED));
        assertNull(new ScenarioDriver(new FcfsVllmPolicy(10, 1), 100, 16).plan());
    }

    @Test
    void respectsTheSequenceCap() {
        final ScenarioDriver d = new ScenarioDriver(new FcfsVllmPolicy(1000, 2), 10_000, 16);
        d.arrive(0, 5, 5).arrive(1, 5, 5).arrive(2, 5, 5);
        assertEquals(Map.of(0L, 5, 1L, 5), d.step());
    }
}

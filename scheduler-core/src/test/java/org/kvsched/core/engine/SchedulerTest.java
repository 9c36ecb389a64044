package org.kvsched.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.kvsched.core.exec.UnitTimeModel;
import org.kvsched.core.model.WorkloadRequest;
import org.kvsched.core.model.RequestEvent;
import org.kvsched.core.model.RequestEventKind;
import org.kvsched.core.policy.Decision;
import org.kvsched.core.policy.Policy;
import org.kvsched.core.policy.SchedulerView;
import org.kvsched.core.policy.baseline.FcfsVllmPolicy;

class SchedulerTest {

    private final List<RequestEvent> events = new ArrayList<>();
    private final Map<Long, Integer> truth = new HashMap<>();

    private Scheduler scheduler(final Policy policy, final int kvTokens, final int blockSize) {
        return new Scheduler(0, policy, kvTokens, blockSize, events::add);
    }

    /** Delivers a workload request with an oracle prediction; the truth stays with the simulated worker. */
    private void arrive(final Scheduler s, final long id, final long arrivalUs, final int prompt, final int output) {
        truth.put(id, output);
        s.onArrival(new WorkloadRequest(id, arrivalUs, prompt, output).toRequest(output));
    }

    private StepReport run(final BatchPlan plan) {
        return new PlanExecutor(new UnitTimeModel()).execute(plan, truth::get);
    }

    @Test
    void aRequestThatCanNeverFitIsRejectedAtArrivalWithAReason() {
        final Scheduler s = scheduler(new FcfsVllmPolicy(1000, 10), 64, 16);
        arrive(s, 0, 0, 61, 5);
        assertEquals(RequestEventKind.REJECTED, events.get(1).kind());
        assertTrue(events.get(1).reason().contains("more than the replica's capacity of 64"), events.get(1).reason());
        assertTrue(s.isDrained());
        assertNull(s.schedule(0, Long.MAX_VALUE));
    }

    /**
     * A server that batches by itself (the vLLM adapter) may answer before an emitting entry's token: that entry did
     * not run and stays pending; a running request may bring only what its plan reserved KV for, a finishing one
     * everything up to its cap.
     */
    @Test
    void serverPacedReportsKeepTheAccountingWithinThePlan() {
        final Scheduler s = scheduler(new FcfsVllmPolicy(1000, 10), 64, 16);
        arrive(s, 0, 0, 10, 40);
        arrive(s, 1, 0, 10, 5);
        final BatchPlan first = s.schedule(0, 1_000);
        assertEquals(2, first.entries().size());
        assertTrue(first.entries().get(0).emitsToken());
        assertTrue(s.onStepReport(new StepReport(0, first.planId(), 0, new long[] {5}, List.of())), "no token yet");
        final BatchPlan again = s.schedule(5, 1_000);
        assertEquals(10, again.entries().get(0).tokens(), "the prefill that did not run is scheduled again");
        final int reserved = 1 + again.maxDecodeContinuation();
        assertTrue(reserved < 40, "request 1's cap bounds the continuation: " + again);
        assertThrows(IllegalArgumentException.class, () -> s.checkReport(new StepReport(0, again.planId(), 5, new long[] {9},
                List.of(TokenProgress.running(0, reserved + 1, 6)))), "more than the plan reserved, while running");
        assertTrue(s.onStepReport(new StepReport(0, again.planId(), 5, new long[] {9},
                List.of(new TokenProgress(0, 40, 6, FinishReason.LENGTH, "")))), "a finish may bring every token up to the cap");
        assertEquals(1, s.usedBlocks(), "request 0 freed everything; request 1 holds its prompt's block");
        final RequestEvent done = events.get(events.size() - 1);
        assertEquals(RequestEventKind.COMPLETED, done.kind());
        assertEquals(40, done.generatedTokens());
    }

    @Test
    void staleOrDuplicateReportsAreIgnored() {
        final Scheduler s = scheduler(new FcfsVllmPolicy(1000, 10), 1000, 16);
        arrive(s, 0, 0, 10, 3);
        final BatchPlan plan = s.schedule(0, Long.MAX_VALUE);
        assertFalse(s.onStepReport(new StepReport(0, plan.planId() + 1, 0, new long[] {5}, List.of())));
        final StepReport report = run(plan);
        assertTrue(s.onStepReport(report));
        assertFalse(s.onStepReport(report), "a duplicate is ignored");
    }

    @Test
    void infeasibleDecisionsAreRejectedAsPolicyBugs() {
        final Policy greedy = new Policy() {
            @Override
            public String name() {
                return "greedy";
            }

            @Override
            public Decision decide(final SchedulerView view) {
                final List<Decision.Chunk> all = new ArrayList<>();
                view.waiting().forEach(w -> all.add(new Decision.Chunk(w.id(), w.pendingTokens())));
                return new Decision(all, List.of(), 0, Long.MAX_VALUE);
            }
        };
        final Scheduler s = scheduler(greedy, 32, 16);
        arrive(s, 0, 0, 20, 2);
        arrive(s, 1, 0, 20, 2);
        final IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.schedule(0, Long.MAX_VALUE));
        assertTrue(e.getMessage().contains("overfilled the KV cache"), e.getMessage());
    }

    @Test
    void continuationIsCappedBeforeKvRunsOut() {
        // 4 blocks of 4 tokens. After their prompts A (5 tokens) holds 2 blocks and B (4 tokens) 1: one block
        // is free. Decode j needs blocksFor(5 + j) + blocksFor(4 + j) blocks: 4 up to j = 3, 5 at j = 4.
        final Scheduler s = scheduler(new FcfsVllmPolicy(1000, 10), 16, 4);
        arrive(s, 0, 0, 5, 11);
        arrive(s, 1, 0, 4, 12);
        final BatchPlan plan = s.schedule(0, Long.MAX_VALUE);
        assertEquals(3, plan.maxDecodeContinuation());
        final StepReport report = run(plan);
        assertEquals(4, report.iterations());
        s.onStepReport(report);
        assertEquals(4, s.usedBlocks(), "the continuation's growth was allocated and fits exactly");
        final BatchPlan next = s.schedule(report.endUs(), Long.MAX_VALUE);
        assertEquals(1, next.entries().size(), "out of blocks: the newest admitted is preempted");
        assertEquals(1, events.stream().filter(e -> e.kind() == RequestEventKind.PREEMPTED).count());
    }

    @Test
    void continuationStopsAtTheNextArrival() {
        final Scheduler s = scheduler(new FcfsVllmPolicy(1000, 10), 1000, 16);
        arrive(s, 0, 0, 5, 50);
        final BatchPlan plan = s.schedule(0, 3_500_000);
        final StepReport report = run(plan);
        assertEquals(4_000_000, report.endUs(), "iterations of 1 s: the one ending at 4 s is the first past 3.5 s");
    }

    @Test
    void timeNeverGoesBackwards() {
        final Scheduler s = scheduler(new FcfsVllmPolicy(1000, 10), 1000, 16);
        arrive(s, 0, 5, 10, 3);
        final BatchPlan plan = s.schedule(5, Long.MAX_VALUE);
        s.onStepReport(run(plan));
        assertThrows(IllegalStateException.class, () -> s.schedule(4, Long.MAX_VALUE));
    }

    @Test
    void aRequestThatFitsExactlyIsServed() {
        // 60 + 5 tokens, but the 5th output token's KV is never written: it holds at most 64 = the capacity.
        final Scheduler s = scheduler(new FcfsVllmPolicy(1000, 10), 64, 16);
        arrive(s, 0, 0, 60, 5);
        BatchPlan plan = s.schedule(0, Long.MAX_VALUE);
        while (plan != null) {
            final StepReport r = run(plan);
            s.onStepReport(r);
            assertTrue(s.usedBlocks() <= s.capacityBlocks());
            plan = s.schedule(r.endUs(), Long.MAX_VALUE);
        }
        assertEquals(RequestEventKind.COMPLETED, events.get(events.size() - 1).kind());
        assertEquals(5, events.get(events.size() - 1).generatedTokens());
    }

    @Test
    void completionsComeOnlyFromReportsAndCarryTheWorkersReason() {
        final Scheduler s = scheduler(new FcfsVllmPolicy(1000, 10), 1000, 16);
        // The cap is 50, the model stops at 7 (EOS): the scheduler cannot know until the worker says so.
        truth.put(0L, 7);
        s.onArrival(new WorkloadRequest(0, 0, 10, 7, 50).toRequest(LengthPredictorUnknown.VALUE));
        final BatchPlan plan = s.schedule(0, Long.MAX_VALUE);
        assertEquals(49, plan.maxDecodeContinuation(), "continuation is capped by max_tokens, not by a true length");
        final StepReport r = run(plan);
        assertEquals(7, r.iterations(), "the simulated worker stops at the iteration in which the request ends");
        s.onStepReport(r);
        final RequestEvent done = events.get(events.size() - 1);
        assertEquals(RequestEventKind.COMPLETED, done.kind());
        assertEquals("eos", done.reason());
        assertEquals(7, done.generatedTokens());
        assertEquals(0, s.usedBlocks(), "KV is freed at the reported finish");
    }

    @Test
    void aReportThatContradictsItsPlanIsRefusedAndChangesNothing() {
        final Scheduler s = scheduler(new FcfsVllmPolicy(1000, 10), 1000, 16);
        arrive(s, 0, 0, 10, 3);
        final BatchPlan plan = s.schedule(0, Long.MAX_VALUE);
        final int used = s.usedBlocks();
        final StepReport tooMany = new StepReport(0, plan.planId(), 0, new long[] {5},
                List.of(TokenProgress.running(0, 4, 5)));
        assertThrows(IllegalArgumentException.class, () -> s.onStepReport(tooMany));
        final StepReport stranger = new StepReport(0, plan.planId(), 0, new long[] {5},
                List.of(TokenProgress.running(99, 1, 5)));
        assertThrows(IllegalArgumentException.class, () -> s.onStepReport(stranger));
        assertEquals(used, s.usedBlocks());
        assertTrue(s.hasPlanInFlight());
        assertTrue(s.onStepReport(run(plan)));
    }

    @Test
    void anErrorFinishFreesTheRequestWithTheMessage() {
        final Scheduler s = scheduler(new FcfsVllmPolicy(1000, 10), 1000, 16);
        arrive(s, 0, 0, 10, 30);
        final BatchPlan plan = s.schedule(0, Long.MAX_VALUE);
        s.onStepReport(new StepReport(0, plan.planId(), 0, new long[] {5},
                List.of(new TokenProgress(0, 0, TokenProgress.NONE, FinishReason.ERROR, "HTTP 500"))));
        final RequestEvent done = events.get(events.size() - 1);
        assertEquals(RequestEventKind.COMPLETED, done.kind());
        assertEquals("error: HTTP 500", done.reason());
        assertEquals(0, s.usedBlocks());
        assertTrue(s.isDrained());
    }

    /** The "no prediction" marker, named for readability. */
    private static final class LengthPredictorUnknown {
        static final int VALUE = org.kvsched.core.model.LengthPredictor.UNKNOWN;
    }
}

package org.kvsched.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.kvsched.core.exec.UnitTimeModel;
import org.kvsched.core.model.LengthPredictor;
import org.kvsched.core.model.Request;
import org.kvsched.core.model.RequestEvent;
import org.kvsched.core.model.RequestEventKind;
import org.kvsched.core.policy.Decision;
import org.kvsched.core.policy.Policy;
import org.kvsched.core.policy.SchedulerView;
import org.kvsched.core.policy.baseline.FcfsVllmPolicy;

class SchedulerTest {

    private final List<RequestEvent> events = new ArrayList<>();

    private Scheduler scheduler(final Policy policy, final int kvTokens, final int blockSize) {
        return new Scheduler(0, policy, kvTokens, blockSize, LengthPredictor.oracle(), events::add);
    }

    @Test
    void aRequestThatCanNeverFitIsRejectedAtArrivalWithAReason() {
        final Scheduler s = scheduler(new FcfsVllmPolicy(1000, 10), 64, 16);
        s.onArrival(new Request(0, 0, 60, 5));
        assertEquals(RequestEventKind.REJECTED, events.get(1).kind());
        assertTrue(events.get(1).reason().contains("more than the replica's capacity of 64"), events.get(1).reason());
        assertTrue(s.isDrained());
        assertNull(s.schedule(0, Long.MAX_VALUE));
    }

    @Test
    void staleOrDuplicateReportsAreIgnored() {
        final Scheduler s = scheduler(new FcfsVllmPolicy(1000, 10), 1000, 16);
        s.onArrival(new Request(0, 0, 10, 3));
        final BatchPlan plan = s.schedule(0, Long.MAX_VALUE);
        assertFalse(s.onStepReport(new StepReport(0, plan.planId() + 1, 0, new long[] {5})));
        final StepReport report = new PlanExecutor(new UnitTimeModel()).execute(plan);
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
        s.onArrival(new Request(0, 0, 20, 2));
        s.onArrival(new Request(1, 0, 20, 2));
        final IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.schedule(0, Long.MAX_VALUE));
        assertTrue(e.getMessage().contains("overfilled the KV cache"), e.getMessage());
    }

    @Test
    void continuationIsCappedBeforeKvRunsOut() {
        // 4 blocks of 4 tokens. After their prompts A (5 tokens) holds 2 blocks and B (4 tokens) 1: one block
        // is free. Decode j needs blocksFor(5 + j) + blocksFor(4 + j) blocks: 4 up to j = 3, 5 at j = 4.
        final Scheduler s = scheduler(new FcfsVllmPolicy(1000, 10), 16, 4);
        s.onArrival(new Request(0, 0, 5, 11));
        s.onArrival(new Request(1, 0, 4, 12));
        final BatchPlan plan = s.schedule(0, Long.MAX_VALUE);
        assertEquals(3, plan.maxDecodeContinuation());
        final StepReport report = new PlanExecutor(new UnitTimeModel()).execute(plan);
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
        s.onArrival(new Request(0, 0, 5, 50));
        final BatchPlan plan = s.schedule(0, 3_500_000);
        final StepReport report = new PlanExecutor(new UnitTimeModel()).execute(plan);
        assertEquals(4_000_000, report.endUs(), "iterations of 1 s: the one ending at 4 s is the first past 3.5 s");
    }

    @Test
    void timeNeverGoesBackwards() {
        final Scheduler s = scheduler(new FcfsVllmPolicy(1000, 10), 1000, 16);
        s.onArrival(new Request(0, 5, 10, 3));
        final BatchPlan plan = s.schedule(5, Long.MAX_VALUE);
        s.onStepReport(new PlanExecutor(new UnitTimeModel()).execute(plan));
        assertThrows(IllegalStateException.class, () -> s.schedule(4, Long.MAX_VALUE));
    }
}

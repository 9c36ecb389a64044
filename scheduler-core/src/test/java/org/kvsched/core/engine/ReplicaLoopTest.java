package org.kvsched.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.kvsched.core.exec.UnitTimeModel;
import org.kvsched.core.metrics.MetricsCollector;
import org.kvsched.core.model.Request;
import org.kvsched.core.policy.PolicyConfig;
import org.kvsched.core.policy.PolicyContext;

/** The replica loop's rules, on both clocks. */
class ReplicaLoopTest {

    private static final ReplicaSpec SPEC = new ReplicaSpec(PolicyConfig.parse("fcfs-vllm"),
            new PolicyContext(UnitTimeModel.INSTANCE, 4096, 16, 1));

    private static Request req(final long id, final long atUs, final int maxTokens) {
        return new Request(id, atUs, 10, maxTokens, maxTokens);
    }

    @Test
    void inVirtualTimeNoDecisionIsTakenBeforeLaterInputProvesNothingEarlierIsMissing() {
        final List<BatchPlan> plans = new ArrayList<>();
        final ReplicaLoop loop = new ReplicaLoop(SPEC.newScheduler(0, SchedulerListener.NONE), ReplicaLoop.Clock.VIRTUAL, plans::add);
        loop.onArrival(req(0, 1_000, 3));
        loop.advance();
        assertTrue(plans.isEmpty(), "another request at 1 ms may still come");
        loop.onArrival(req(1, 1_000, 3));
        loop.advance();
        assertTrue(plans.isEmpty(), "a tie is not later");
        loop.onArrival(req(2, 5_000_000, 3));
        loop.advance();
        assertEquals(1, plans.size());
        assertEquals(2, plans.get(0).entries().size(), "both requests at 1 ms are in the first batch");
        assertEquals(5_000_000, plans.get(0).stopAtUs(), "the plan stops at the next known arrival");
    }

    @Test
    void arrivalsOutOfOrderTwiceOrAfterTheEndAreRefusedByRule() {
        final ReplicaLoop loop = new ReplicaLoop(SPEC.newScheduler(0, SchedulerListener.NONE), ReplicaLoop.Clock.VIRTUAL, p -> { });
        loop.onArrival(req(0, 100, 3));
        assertTrue(loop.rejectReason(req(0, 200, 3)).contains("arrived twice"));
        assertTrue(loop.rejectReason(req(1, 50, 3)).contains("time order"));
        assertNull(loop.rejectReason(req(1, 100, 3)));
        loop.onEndOfInput(1);
        assertTrue(loop.rejectReason(req(2, 300, 3)).contains("end-of-input"));
    }

    @Test
    void onTheWallClockItDecidesAtTheInputsTimeWithAHorizon() {
        final List<BatchPlan> plans = new ArrayList<>();
        final MetricsCollector m = new MetricsCollector();
        final ReplicaLoop loop = new ReplicaLoop(SPEC.newScheduler(0, m), new ReplicaLoop.Clock.Wall(250_000), plans::add);
        assertThrows(IllegalStateException.class, loop::advance);
        // Live, the first request after a lull is scheduled at once: nothing waits for a later arrival.
        loop.onArrival(req(0, 10_000_000, 2));
        loop.advanceAt(10_000_000);
        assertEquals(1, plans.size());
        assertEquals(10_000_000, plans.get(0).startUs());
        assertEquals(10_250_000, plans.get(0).stopAtUs(), "a plan runs at most the horizon ahead");
        // The worker's report comes back at 11.2 s of wall time; the next decision is taken then.
        final StepReport r = PlanExecutor.report(plans.get(0), new long[] {11_000_000}, id -> 2);
        loop.onReport(r);
        loop.advanceAt(11_200_000);
        assertEquals(2, plans.size());
        assertEquals(11_200_000, plans.get(1).startUs());
        loop.onReport(PlanExecutor.report(plans.get(1), new long[] {12_000_000}, id -> 2));
        loop.onEndOfInput(1);
        loop.advanceAt(12_000_000);
        assertTrue(loop.ended());
        assertEquals(1, m.summary(1, 4096).completed());
    }

    @Test
    void aRecordedWallClockRunReplaysToTheSameDecisions() {
        final List<LogEntry> log = new ArrayList<>();
        final List<BatchPlan> live = new ArrayList<>();
        final ReplicaLoop.Clock wall = new ReplicaLoop.Clock.Wall(100_000);
        final RecordedReplica r = RecordedReplica.start(0, SPEC, wall, SchedulerListener.NONE, live::add, log::add);
        final long[] stamps = {1_000, 3_000, 3_500, 90_000};
        for (int i = 0; i < stamps.length; i++) {
            r.arrival(req(i, stamps[i], 4));
            if (!live.isEmpty() && r.scheduler().hasPlanInFlight()) {
                final BatchPlan p = live.get(live.size() - 1);
                r.report(PlanExecutor.report(p, new long[] {stamps[i] + 700}, id -> 4), stamps[i] + 800);
            }
        }
        r.tick(200_000);
        final List<BatchPlan> replayed = new ArrayList<>();
        final RecordedReplica again = RecordedReplica.start(0, SPEC, wall, SchedulerListener.NONE, replayed::add, e -> { });
        for (final LogEntry e : log) {
            if (e instanceof LogEntry.Arrival a) {
                again.arrival(a.request());
            } else if (e instanceof LogEntry.Report rep) {
                again.report(rep.report(), rep.atUs());
            } else if (e instanceof LogEntry.Tick t) {
                again.tick(t.atUs());
            }
        }
        assertEquals(live, replayed, "the same stamped inputs give the same plans");
        assertTrue(live.size() >= 3);
    }
}

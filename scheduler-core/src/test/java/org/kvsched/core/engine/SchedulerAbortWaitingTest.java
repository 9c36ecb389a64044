package org.kvsched.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.kvsched.core.exec.UnitTimeModel;
import org.kvsched.core.model.LengthPredictor;
import org.kvsched.core.model.Request;
import org.kvsched.core.model.RequestEvent;
import org.kvsched.core.model.RequestEventKind;
import org.kvsched.core.policy.baseline.FcfsVllmPolicy;

/** {@link Scheduler#abortWaiting}: a client that goes away while its request waits (vllm-sim's aborts). */
class SchedulerAbortWaitingTest {

    private final List<RequestEvent> events = new ArrayList<>();

    @Test
    void aWaitingRequestEndsAsAbortedAndARunningOneIsLeftToItsReport() {
        // max-num-seqs 1: request 1 waits behind request 0.
        final Scheduler s = new Scheduler(0, new FcfsVllmPolicy(1000, 1), 1000, 16, events::add);
        s.onArrival(new Request(0, 0, 10, 5, LengthPredictor.UNKNOWN));
        s.onArrival(new Request(1, 0, 10, 5, LengthPredictor.UNKNOWN));
        final BatchPlan plan = s.schedule(0, Long.MAX_VALUE);
        assertEquals(1, s.waitingCount());

        assertFalse(s.abortWaiting(0, 3), "a running request ends through its report");
        assertTrue(s.abortWaiting(1, 3));
        assertFalse(s.abortWaiting(1, 4), "only once");
        final RequestEvent last = events.get(events.size() - 1);
        assertEquals(RequestEventKind.COMPLETED, last.kind());
        assertEquals(1, last.requestId());
        assertEquals("abort", last.reason());
        assertEquals(3, last.timeUs());
        assertEquals(0, s.waitingCount());

        // The plan in flight is unaffected and the replica drains.
        assertTrue(s.onStepReport(new PlanExecutor(new UnitTimeModel()).execute(plan, id -> 5)));
        assertTrue(s.isDrained());
        assertEquals(0, s.usedBlocks());
        assertEquals(2, s.finishedRequests());
    }
}

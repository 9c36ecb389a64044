package org.kvsched.core.policy.wait;

import org.kvsched.core.testing.ScenarioDriver;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.kvsched.core.model.RequestEventKind;

class NestedWaitPolicyTest {

    @Test
    void survivorsWaitAtTheBoundaryForTheirSegmentThreshold() {
        // Segments: tokens 1..2 and 3..6; segment 1 is entered in pairs, segment 2 in pairs.
        final ScenarioDriver s = new ScenarioDriver(new NestedWaitPolicy(List.of(2, 6), List.of(2, 2), false, 1024), 1000, 1);
        s.arrive(0, 4, 2).arrive(1, 4, 6);
        assertEquals(Map.of(0L, 4, 1L, 4), s.step());
        assertEquals(Map.of(0L, 1, 1L, 1), s.step());
        assertEquals(1, s.count(RequestEventKind.COMPLETED), "request 0 ended inside segment 1");
        // WorkloadRequest 1 survived boundary 2: alone at the boundary queue of segment 2, it waits (KV resident).
        assertEquals(Map.of(), s.step());
        s.arrive(2, 4, 6).arrive(3, 4, 6);
        assertEquals(Map.of(2L, 4, 3L, 4), s.step());
        assertEquals(Map.of(2L, 1, 3L, 1), s.step());
        // Now three survivors wait at the boundary: the two oldest enter segment 2 together.
        assertEquals(Map.of(1L, 1, 2L, 1), s.step());
    }

    @Test
    void theEndOfTheTraceOpensEveryEntry() {
        final ScenarioDriver s = new ScenarioDriver(new NestedWaitPolicy(List.of(2, 6), List.of(2, 2), false, 1024), 1000, 1);
        s.arrive(0, 4, 6);
        assertEquals(Map.of(), s.step());
        s.end();
        assertEquals(Map.of(0L, 4), s.step());
        assertEquals(Map.of(0L, 1), s.step());
        assertEquals(Map.of(0L, 1), s.step(), "alone at the boundary, but the trace has ended");
    }

    @Test
    void continuationStopsWhereARequestReachesABoundary() {
        final ScenarioDriver s = new ScenarioDriver(new NestedWaitPolicy(List.of(5, 20), List.of(1, 1), false, 1024), 1000, 1);
        s.arrive(0, 4, 20);
        // Admitted now (1 token), then 3 more decodes until it has 4, the 4th continuation would reach 5 = b_1.
        assertEquals(4, s.continuationOfNextPlan());
    }

    @Test
    void boundaryQueuesNeverOverfillTheKv() {
        // KV 22: three requests of prompt 4 reach boundary 2 holding 5 tokens each (15); the newcomer pair cannot all grow.
        final ScenarioDriver s = new ScenarioDriver(new NestedWaitPolicy(List.of(2, 9), List.of(1, 3), false, 1024), 22, 1);
        s.arrive(0, 4, 9);
        s.step();
        s.arrive(1, 4, 9);
        s.step();
        s.arrive(2, 4, 9);
        s.step();
        // 0 at the boundary (holds 5), 1 at the boundary (5), 2 at 2 tokens... all wait for a third survivor.
        s.step();
        s.arrive(3, 4, 9);
        s.step();
        s.step();
        // Used KV never exceeds 22 whatever happened.
        assertEquals(true, s.scheduler.usedBlocks() <= 22);
    }
}

package org.kvsched.core.policy.wait;

import org.kvsched.core.testing.ScenarioDriver;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.kvsched.core.model.RequestEventKind;

class WaitPolicyTest {

    /** Types 10x3 and 10x5. */
    private static final TypeMix MIX = new TypeMix(List.of(RequestType.of(10, 3, 1), RequestType.of(10, 5, 1)), true, false);

    @Test
    void aTypeStartsOnlyWhenItsThresholdWaitsAndThenAllTogether() {
        final ScenarioDriver s = new ScenarioDriver(new WaitPolicy(MIX, List.of(2, 1), List.of(1, 1), false, 1024), 1000, 1);
        s.arrive(0, 10, 3);
        assertEquals(Map.of(), s.step(), "one 10x3 waits for a second");
        s.arrive(1, 10, 5);
        assertEquals(Map.of(1L, 10), s.step(), "10x5 has threshold 1");
        s.arrive(2, 10, 3);
        assertEquals(Map.of(0L, 10, 1L, 1, 2L, 10), s.step(), "the pair of 10x3 starts together; residents decode");
    }

    @Test
    void theEndOfTheTraceFlushesEveryThreshold() {
        final ScenarioDriver s = new ScenarioDriver(new WaitPolicy(MIX, List.of(3, 3), List.of(1, 1), false, 1024), 1000, 1);
        s.arrive(0, 10, 3).arrive(1, 10, 5);
        assertEquals(Map.of(), s.step());
        s.end();
        assertEquals(Map.of(0L, 10, 1L, 10), s.step());
    }

    @Test
    void aSpacingAdmitsOneRequestEveryFewIterations() {
        final ScenarioDriver s = new ScenarioDriver(new WaitPolicy(MIX, List.of(1, 1), List.of(1, 3), false, 1024), 1000, 1);
        s.arrive(0, 10, 5).arrive(1, 10, 5);
        assertEquals(Map.of(0L, 10), s.step());
        assertEquals(Map.of(0L, 1), s.step());
        assertEquals(Map.of(0L, 1), s.step());
        assertEquals(Map.of(0L, 1, 1L, 10), s.step(), "the youngest 10x5 has decoded 3 tokens");
    }

    @Test
    void algorithmOnePausesATypeBelowItsThreshold() {
        final ScenarioDriver s = new ScenarioDriver(new WaitPolicy(MIX, List.of(2, 1), List.of(1, 1), true, 1024), 1000, 1);
        s.arrive(0, 10, 3).arrive(1, 10, 3);
        assertEquals(Map.of(0L, 10, 1L, 10), s.step());
        assertEquals(Map.of(), s.step(), "no 10x3 waits: the type's residents pause with their KV");
        s.arrive(2, 10, 3).arrive(3, 10, 3);
        assertEquals(Map.of(0L, 1, 1L, 1, 2L, 10, 3L, 10), s.step());
    }

    @Test
    void growthThatDoesNotFitEvictsTheNewestFromScratch() {
        // 23 tokens of KV: two 10x5 prompts fit (20), their growth does not (after 2 decodes: 24).
        final ScenarioDriver s = new ScenarioDriver(new WaitPolicy(MIX, List.of(1, 2), List.of(1, 1), false, 1024), 23, 1);
        s.arrive(0, 10, 5).arrive(1, 10, 5);
        assertEquals(Map.of(0L, 10, 1L, 10), s.step());
        assertEquals(Map.of(0L, 1, 1L, 1), s.step());
        final Map<Long, Integer> third = s.step();
        assertEquals(Map.of(0L, 1), third, "request 1 (newest) evicted, request 0 goes on");
        assertEquals(1, s.count(RequestEventKind.PREEMPTED));
        assertTrue(s.scheduler.usedBlocks() <= 23);
    }
}

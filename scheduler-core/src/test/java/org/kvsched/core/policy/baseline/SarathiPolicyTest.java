package org.kvsched.core.policy.baseline;

import org.kvsched.core.testing.ScenarioDriver;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

class SarathiPolicyTest {

    @Test
    void decodesFirstThenPartialPrefillThenNewRequests() {
        final ScenarioDriver d = new ScenarioDriver(new SarathiPolicy(100, 128, 0.0), 10_000, 16);
        d.arrive(0, 30, 10);
        assertEquals(Map.of(0L, 30), d.step());
        d.arrive(1, 150, 10).arrive(2, 20, 10);
        // decode of 0 (1 token), then new request 1 gets the remaining 99 of the budget.
        assertEquals(Map.of(0L, 1, 1L, 99), d.step());
        // decode of 0, the partial prefill of 1 (51), then 2 gets the remaining 48 >= 20.
        assertEquals(Map.of(0L, 1, 1L, 51, 2L, 20), d.step());
    }

    @Test
    void admitsOnlyWhenTheWholePromptFitsAboveTheWatermark() {
        // 100 one-token blocks, watermark 1 block. WorkloadRequest 0 holds 60; a 45-token prompt needs 45 > 40 - 1.
        final ScenarioDriver d = new ScenarioDriver(new SarathiPolicy(1000, 128, 0.01), 100, 1);
        d.arrive(0, 60, 20);
        d.step();
        d.arrive(1, 45, 5);
        assertEquals(Map.of(0L, 1), d.step());
    }

    @Test
    void blocksPromisedToAPartialPrefillAreNotGivenAway() {
        // 100 one-token blocks. WorkloadRequest 0's 90-token prompt is admitted with a chunk of 50 and keeps 40 reserved;
        // request 1 (20 tokens) must wait although 50 blocks are physically free.
        final ScenarioDriver d = new ScenarioDriver(new SarathiPolicy(50, 128, 0.0), 100, 1);
        d.arrive(0, 90, 5);
        assertEquals(Map.of(0L, 50), d.step());
        d.arrive(1, 20, 5);
        assertEquals(Map.of(0L, 40), d.step());
    }

    @Test
    void capsRunningRequests() {
        final ScenarioDriver d = new ScenarioDriver(new SarathiPolicy(512, 2, 0.0), 10_000, 16);
        d.arrive(0, 5, 5).arrive(1, 5, 5).arrive(2, 5, 5);
        assertEquals(Map.of(0L, 5, 1L, 5), d.step());
    }
}

package org.kvsched.core.policy.baseline;

import org.kvsched.core.testing.ScenarioDriver;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.kvsched.core.model.RequestEventKind;

class VllmV0PolicyTest {

    @Test
    void prefillsAreNeverMixedWithDecodes() {
        final ScenarioDriver d = new ScenarioDriver(new VllmV0Policy(128, 4096, 0.0), 10_000, 16);
        d.arrive(0, 100, 10);
        assertEquals(Map.of(0L, 100), d.step());
        d.arrive(1, 50, 10);
        assertEquals(Map.of(1L, 50), d.step(), "a waiting request that fits makes a prefill-only batch");
        assertEquals(Map.of(0L, 1, 1L, 1), d.step());
    }

    @Test
    void paddedTokenLimitBoundsThePrefillBatch() {
        final ScenarioDriver d = new ScenarioDriver(new VllmV0Policy(128, 1000, 0.0), 10_000, 16);
        d.arrive(0, 300, 5).arrive(1, 400, 5).arrive(2, 100, 5);
        // 2 x 400 = 800 fits, 3 x 400 = 1200 does not.
        assertEquals(Map.of(0L, 300, 1L, 400), d.step());
    }

    @Test
    void watermarkKeepsBlocksFreeAtAdmission() {
        // 100 blocks of 1 token; watermark 10% = 10 blocks; a 95-token prompt does not fit above it.
        final ScenarioDriver d = new ScenarioDriver(new VllmV0Policy(128, 4096, 0.1), 100, 1);
        d.arrive(0, 95, 2).arrive(1, 80, 2);
        assertEquals(Map.of(), d.step());
        final ScenarioDriver e = new ScenarioDriver(new VllmV0Policy(128, 4096, 0.1), 100, 1);
        e.arrive(1, 80, 2);
        assertEquals(Map.of(1L, 80), e.step());
    }

    @Test
    void decodeShortageRestartsTheLatestArrival() {
        final ScenarioDriver d = new ScenarioDriver(new VllmV0Policy(128, 4096, 0.0), 16, 4);
        d.arrive(0, 8, 8).arrive(1, 8, 8);
        d.step();
        assertEquals(Map.of(0L, 1), d.step());
        assertEquals(1, d.count(RequestEventKind.PREEMPTED));
    }
}

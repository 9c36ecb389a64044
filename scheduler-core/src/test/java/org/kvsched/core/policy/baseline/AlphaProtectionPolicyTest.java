package org.kvsched.core.policy.baseline;

import org.kvsched.core.testing.ScenarioDriver;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.kvsched.core.model.RequestEventKind;

class AlphaProtectionPolicyTest {

    @Test
    void admitsFcfsOnlyUnderTheProtectionThreshold() {
        // 100 one-token blocks, alpha 0.3: admission while used <= 70.
        final ScenarioDriver d = new ScenarioDriver(new AlphaProtectionPolicy(AlphaProtectionFactory.ALPHA_PROTECTION.name(), 0.3, 1.0), 100, 1);
        d.arrive(0, 40, 30).arrive(1, 25, 30).arrive(2, 5, 30);
        // 40 + 25 = 65 fits; + 5 = 70 fits; threshold is inclusive.
        assertEquals(Map.of(0L, 40, 1L, 25, 2L, 5), d.step());
        d.arrive(3, 2, 5);
        // Running growth +3 makes 73 > 70: request 3 waits.
        assertEquals(Map.of(0L, 1, 1L, 1, 2L, 1), d.step());
    }

    @Test
    void greedyClearsEveryRunningRequestOnOverflow() {
        final ScenarioDriver d = new ScenarioDriver(new AlphaProtectionPolicy(AlphaProtectionFactory.ALPHA_PROTECTION.name(), 0.0, 1.0), 10, 1);
        d.arrive(0, 4, 6).arrive(1, 4, 6);
        d.step();
        d.step();
        // 10 blocks used (5 + 5): the next round needs 2 more, so everything is cleared, then re-admitted FCFS.
        final Map<Long, Integer> plan = d.step();
        assertEquals(2, d.count(RequestEventKind.PREEMPTED));
        // Cleared requests return to the head of the queue and are re-admitted under the threshold,
        // whole context (prompt 4 + 2 generated) recomputed: 6 + 6 > 10, so only the first fits.
        assertEquals(Map.of(0L, 6), plan);
    }

    @Test
    void betaClearingEvictsOnlyAFractionNewestFirst() {
        final ScenarioDriver d = new ScenarioDriver(new AlphaProtectionPolicy(AlphaProtectionFactory.ALPHA_BETA_CLEARING.name(), 0.0, 0.5), 12, 1);
        d.arrive(0, 3, 9).arrive(1, 3, 9).arrive(2, 3, 9).arrive(3, 3, 9);
        d.step(); // 12 blocks used
        final Map<Long, Integer> plan = d.step();
        // ceil(0.5 * 4) = 2 newest evicted, the two oldest decode.
        assertEquals(Map.of(0L, 1, 1L, 1), plan);
        assertEquals(2, d.count(RequestEventKind.PREEMPTED));
    }
}

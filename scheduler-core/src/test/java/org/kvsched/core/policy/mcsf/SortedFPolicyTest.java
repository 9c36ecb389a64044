package org.kvsched.core.policy.mcsf;

import org.kvsched.core.testing.ScenarioDriver;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.kvsched.core.model.LengthPredictor;

class SortedFPolicyTest {

    @Test
    void theFMinimalBatchGoesFirstAndTheNextStartsWhenItFits() {
        // Ample cache (100). Outputs 1, 1, 1, 30: F = 1, 1/2, 1/3, then 33/16 > 1/3: the first batch is the three
        // short ones; the next batch {30} is formed once they are admitted and fits beside them.
        final ScenarioDriver d = new ScenarioDriver(new SortedFPolicy(0.0, 64, 100), 100, 1, LengthPredictor.oracle());
        d.arrive(0, 2, 30).arrive(1, 2, 1).arrive(2, 2, 1).arrive(3, 2, 1);
        assertEquals(Map.of(0L, 2, 1L, 2, 2L, 2, 3L, 2), d.step());
    }

    /**
     * The online rule mixes prefills with decodes: a request arriving while a batch runs starts at the next
     * step when it fits. The sequential reading (a batch only on an empty cache) held it back until the
     * running request finished, 30 steps later.
     */
    @Test
    void anArrivalJoinsTheRunningBatchWhenItFits() {
        final ScenarioDriver d = new ScenarioDriver(new SortedFPolicy(0.0, 64, 100), 100, 1, LengthPredictor.oracle());
        d.arrive(0, 2, 30);
        assertEquals(Map.of(0L, 2), d.step());
        d.arrive(1, 2, 1);
        assertEquals(Map.of(0L, 1, 1L, 2), d.step());
    }

    @Test
    void batchSearchSkipsMisfitsWhereMcsfWouldStop() {
        // Capacity 12. Outputs by rank: X (prompt 9, 2 out) peaks 10; Y (prompt 1, 3 out); Z (prompt 1, 4 out).
        // On an empty cache X alone fits; X + Y: at tau 1, 10 + 2 = 12 fits; ... the scan keeps what fits.
        // F over the scan: X (2) -> 2; X,Y (5) -> 5/4; X,Y,Z: tau 1: 10+2+2 = 14 > 12, Z skipped.
        final ScenarioDriver d = new ScenarioDriver(new SortedFPolicy(0.0, 64, 12), 12, 1, LengthPredictor.oracle());
        d.arrive(0, 9, 2).arrive(1, 1, 3).arrive(2, 1, 4);
        assertEquals(Map.of(0L, 9, 1L, 1), d.step());
    }

    @Test
    void fPrefersManyShortRequestsOverOneShortBlocker() {
        // Capacity 20. A (prompt 15, 1 out) is the shortest; on an empty cache A plus two of the others
        // (prompt 2, 2 out: 2 then 3 blocks) fit at tau 0: 15+2+2 = 19; F(A,B,C) = 5/9. The fourth does not fit
        // beside them.
        final ScenarioDriver d = new ScenarioDriver(new SortedFPolicy(0.0, 64, 20), 20, 1, LengthPredictor.oracle());
        d.arrive(0, 15, 1).arrive(1, 2, 2).arrive(2, 2, 2).arrive(3, 2, 2);
        assertEquals(Map.of(0L, 15, 1L, 2, 2L, 2), d.step());
    }
}

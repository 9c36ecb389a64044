package org.kvsched.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LengthPredictorTest {

    private static final WorkloadRequest R = new WorkloadRequest(42, 0, 100, 200);

    @Test
    void oracleAndNone() {
        assertEquals(200, LengthPredictor.parse("oracle", 1).predict(R));
        assertEquals(LengthPredictor.UNKNOWN, LengthPredictor.parse("none", 1).predict(R));
    }

    @Test
    void noiseStaysWithinEpsilonAndIsDeterministicPerRequest() {
        final LengthPredictor p = LengthPredictor.parse("noise:0.5", 7);
        int differ = 0;
        for (int id = 0; id < 1000; id++) {
            final WorkloadRequest r = new WorkloadRequest(id, 0, 10, 200);
            final int v = p.predict(r);
            assertTrue(v >= 100 && v <= 300, "prediction " + v + " outside [(1-eps)o, (1+eps)o]");
            assertEquals(v, LengthPredictor.parse("noise:0.5", 7).predict(r), "same seed, same prediction");
            if (v != 200) {
                differ++;
            }
        }
        assertTrue(differ > 900, "noise should change most predictions");
        assertNotEquals(LengthPredictor.parse("noise:0.5", 7).predict(R), LengthPredictor.parse("noise:0.5", 8).predict(R));
        assertEquals(200, LengthPredictor.parse("noise:0", 7).predict(R), "epsilon 0 is the oracle");
    }

    @Test
    void bucketGivesTheBucketMidpoint() {
        final LengthPredictor p = LengthPredictor.parse("bucket:64", 1);
        assertEquals(224, p.predict(R), "200 lies in [193, 256], whose midpoint 224.5 rounds down");
        assertEquals(32, p.predict(new WorkloadRequest(1, 0, 1, 1)), "[1, 64] has midpoint 32.5");
    }

    @Test
    void badSpecsNameTheAcceptedForms() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LengthPredictor.parse("perfect", 1));
        assertTrue(e.getMessage().contains("oracle, none, noise:EPS, bucket:WIDTH"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LengthPredictor.parse("noise:x", 1));
        assertThrows(IllegalArgumentException.class, () -> LengthPredictor.parse("bucket:0", 1));
    }
}

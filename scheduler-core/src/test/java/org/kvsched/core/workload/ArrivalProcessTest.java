package org.kvsched.core.workload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kvsched.core.workload.Stats.assertNear;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class ArrivalProcessTest {

    private static final int N = 50_000;

    private static void assertWellFormed(final long[] t, final int n) {
        assertEquals(n, t.length);
        if (n > 0) {
            assertEquals(0L, t[0]);
        }
        for (int i = 1; i < t.length; i++) {
            assertTrue(t[i] >= t[i - 1], "non-decreasing at " + i);
        }
    }

    @Test
    void poissonHasTheRequestedMeanGapAndCvOne() {
        final long[] t = ArrivalProcess.poisson(5.0).arrivalTimesUs(N, new SplittableRandom(1));
        assertWellFormed(t, N);
        final double[] gaps = Stats.gapsSeconds(t);
        assertNear(0.2, Stats.mean(gaps), 0.02, "poisson mean gap");
        assertNear(1.0, Stats.cv(gaps), 0.03, "poisson gap cv");
    }

    @Test
    void gammaMatchesRateAndCvAcrossBothSamplerBranches() {
        // cv 1.09 gives shape 0.84 (< 1: boosted branch); cv 0.5 gives shape 4 (direct branch); cv 2 gives shape 0.25.
        for (final double[] rc : new double[][] {{5.53, 1.09}, {5.0, 0.5}, {2.0, 2.0}, {10.0, 1.0}}) {
            final long[] t = ArrivalProcess.gamma(rc[0], rc[1]).arrivalTimesUs(N, new SplittableRandom(7));
            assertWellFormed(t, N);
            final double[] gaps = Stats.gapsSeconds(t);
            assertNear(1.0 / rc[0], Stats.mean(gaps), 0.03, "gamma" + java.util.Arrays.toString(rc) + " mean gap");
            assertNear(rc[1], Stats.cv(gaps), 0.05, "gamma" + java.util.Arrays.toString(rc) + " gap cv");
        }
    }

    @Test
    void gammaSamplerMomentsDirectly() {
        final SplittableRandom rng = new SplittableRandom(11);
        for (final double shape : new double[] {0.3, 0.84, 1.0, 2.5, 9.0}) {
            final double[] x = new double[N];
            for (int i = 0; i < N; i++) {
                x[i] = Sampling.gamma(shape, rng);
                assertTrue(x[i] > 0);
            }
            assertNear(shape, Stats.mean(x), 0.03, "gamma(" + shape + ") mean");
            assertNear(1.0 / Math.sqrt(shape), Stats.cv(x), 0.04, "gamma(" + shape + ") cv");
        }
    }

    @Test
    void gammaParameters() {
        final ArrivalProcess.Gamma g = new ArrivalProcess.Gamma(5.53, 1.09);
        assertEquals(1 / (1.09 * 1.09), g.shape(), 1e-12);
        assertEquals(1 / (5.53 * g.shape()), g.scaleSeconds(), 1e-12);
        assertEquals(5.53, g.ratePerSecond());
    }

    @Test
    void staticPutsEverythingAtZero() {
        assertArrayEquals(new long[5], ArrivalProcess.atOnce().arrivalTimesUs(5, new SplittableRandom(0)));
        assertEquals(Double.POSITIVE_INFINITY, ArrivalProcess.atOnce().ratePerSecond());
    }

    @Test
    void uniformIsEvenlySpacedWithoutDrift() {
        final long[] t = ArrivalProcess.uniform(3.0).arrivalTimesUs(300_001, new SplittableRandom(0));
        assertEquals(333_333L, t[1]);
        assertEquals(666_667L, t[2]);
        assertEquals(100_000_000_000L, t[300_000]);
        final double[] gaps = Stats.gapsSeconds(t);
        assertTrue(Stats.cv(gaps) < 1e-5);
    }

    @Test
    void sameSeedSameTimesOtherSeedOtherTimes() {
        final ArrivalProcess p = ArrivalProcess.gamma(4, 1.5);
        assertArrayEquals(p.arrivalTimesUs(100, new SplittableRandom(42)), p.arrivalTimesUs(100, new SplittableRandom(42)));
        assertTrue(p.arrivalTimesUs(100, new SplittableRandom(42))[99] != p.arrivalTimesUs(100, new SplittableRandom(43))[99]);
    }

    @Test
    void emptyAndSingle() {
        assertEquals(0, ArrivalProcess.poisson(1).arrivalTimesUs(0, new SplittableRandom(0)).length);
        assertArrayEquals(new long[] {0L}, ArrivalProcess.gamma(1, 2).arrivalTimesUs(1, new SplittableRandom(0)));
    }

    @Test
    void invalidParameters() {
        assertThrows(IllegalArgumentException.class, () -> ArrivalProcess.poisson(0));
        assertThrows(IllegalArgumentException.class, () -> ArrivalProcess.poisson(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> ArrivalProcess.gamma(1, 0));
        assertThrows(IllegalArgumentException.class, () -> ArrivalProcess.gamma(-1, 1));
        assertThrows(IllegalArgumentException.class, () -> ArrivalProcess.uniform(Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> ArrivalProcess.poisson(1).arrivalTimesUs(-1, new SplittableRandom(0)));
    }
}

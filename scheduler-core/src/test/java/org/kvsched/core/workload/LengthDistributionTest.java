package org.kvsched.core.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kvsched.core.workload.Stats.assertNear;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class LengthDistributionTest {

    private static final int N = 50_000;

    private static double[] draw(final LengthDistribution d, final long seed) {
        final SplittableRandom rng = new SplittableRandom(seed);
        final double[] x = new double[N];
        for (int i = 0; i < N; i++) {
            x[i] = d.sample(rng);
        }
        return x;
    }

    @Test
    void fixed() {
        final double[] x = draw(LengthDistribution.fixed(512), 1);
        assertEquals(512.0, Stats.mean(x));
        assertEquals(0.0, Stats.cv(x));
    }

    @Test
    void uniformIsInclusiveWithTheRightMean() {
        final double[] x = draw(LengthDistribution.uniform(1, 45), 2);
        final int[] counts = new int[47];
        for (final double v : x) {
            counts[(int) v]++;
        }
        assertEquals(0, counts[0]);
        assertEquals(0, counts[46]);
        for (int v = 1; v <= 45; v++) {
            assertTrue(counts[v] > 0, "value " + v + " never drawn");
        }
        assertNear(23.0, Stats.mean(x), 0.01, "uniform mean");
        assertEquals(7.0, Stats.mean(draw(LengthDistribution.uniform(7, 7), 3)));
        assertEquals(Integer.MAX_VALUE, LengthDistribution.uniform(Integer.MAX_VALUE, Integer.MAX_VALUE).sample(new SplittableRandom(0)));
    }

    @Test
    void lognormalMedianMeanAndClipping() {
        final LengthDistribution.LogNormal d = LengthDistribution.lognormalFromMedianAndMean(1020, 1154.7, 2, 14050);
        assertEquals(Math.sqrt(2 * Math.log(1154.7 / 1020)), d.sigma(), 1e-12);
        assertEquals(1154.7, d.unclippedMean(), 1e-9);
        final double[] x = draw(d, 4);
        assertNear(1020, Stats.median(x), 0.02, "lognormal median");
        assertNear(1154.7, Stats.mean(x), 0.02, "lognormal mean");
        final double[] clipped = draw(LengthDistribution.lognormal(100, 2.0, 50, 200), 5);
        double below = 0;
        double above = 0;
        for (final double v : clipped) {
            assertTrue(v >= 50 && v <= 200);
            below += v == 50 ? 1 : 0;
            above += v == 200 ? 1 : 0;
        }
        // P(X <= 50) = P(X >= 200) = Phi(-ln 2 / 2) = 0.364: the bounds carry the tails.
        assertNear(0.364, below / N, 0.05, "mass at min");
        assertNear(0.364, above / N, 0.05, "mass at max");
    }

    @Test
    void empiricalSamplesRowsWithReplacement() {
        final EmpiricalLengths t = EmpiricalLengths.of("t", new int[] {10, 20, 30, 40}, new int[] {1, 2, 3, 4});
        final double[] p = draw(t.prompts(), 6);
        final double[] o = draw(t.outputs(), 6);
        assertNear(25.0, Stats.mean(p), 0.01, "empirical prompt mean");
        // Same seed: the same rows, so the columns line up.
        for (int i = 0; i < N; i++) {
            assertEquals(p[i], 10 * o[i]);
        }
        assertEquals(25.0, t.mean(EmpiricalLengths.Column.PROMPT));
    }

    @Test
    void invalidParameters() {
        assertThrows(IllegalArgumentException.class, () -> LengthDistribution.fixed(0));
        assertThrows(IllegalArgumentException.class, () -> LengthDistribution.uniform(0, 5));
        assertThrows(IllegalArgumentException.class, () -> LengthDistribution.uniform(6, 5));
        assertThrows(IllegalArgumentException.class, () -> LengthDistribution.lognormal(0, 1, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> LengthDistribution.lognormal(10, -1, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> LengthDistribution.lognormal(10, 1, 3, 2));
        assertThrows(IllegalArgumentException.class, () -> LengthDistribution.lognormalFromMedianAndMean(10, 9, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> EmpiricalLengths.of("t", new int[0], new int[0]));
        assertThrows(IllegalArgumentException.class, () -> EmpiricalLengths.of("t", new int[] {1}, new int[] {0}));
    }
}

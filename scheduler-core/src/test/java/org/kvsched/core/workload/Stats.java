package org.kvsched.core.workload;

import java.util.Arrays;

/** Summary statistics for the statistical tests. */
final class Stats {

    private Stats() {
    }

    static double mean(final double[] x) {
        return Arrays.stream(x).average().orElse(Double.NaN);
    }

    /** Coefficient of variation with the sample (n - 1) standard deviation. */
    static double cv(final double[] x) {
        final double m = mean(x);
        double ss = 0;
        for (final double v : x) {
            ss += (v - m) * (v - m);
        }
        return Math.sqrt(ss / (x.length - 1)) / m;
    }

    static double median(final double[] x) {
        final double[] s = x.clone();
        Arrays.sort(s);
        final int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
    }

    /** Gaps between consecutive times, in seconds. */
    static double[] gapsSeconds(final long[] timesUs) {
        final double[] g = new double[timesUs.length - 1];
        for (int i = 1; i < timesUs.length; i++) {
            g[i - 1] = (timesUs[i] - timesUs[i - 1]) / 1e6;
        }
        return g;
    }

    static void assertNear(final double expected, final double actual, final double relTol, final String what) {
        if (!(Math.abs(actual - expected) <= relTol * Math.abs(expected))) {
            throw new AssertionError(what + ": expected " + expected + " within " + (relTol * 100) + "%, got " + actual);
        }
    }
}

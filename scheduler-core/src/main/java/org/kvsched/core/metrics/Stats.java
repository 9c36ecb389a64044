package org.kvsched.core.metrics;

import java.util.Arrays;

/**
 * Exact summary statistics of a sample (no sketch: samples here are at most millions of doubles).
 * Percentiles interpolate linearly between order statistics (numpy's default). All zero for an empty
 * sample, with {@code count} 0.
 *
 * @param count number of values
 * @param mean  arithmetic mean
 * @param p50   median
 * @param p90   90th percentile
 * @param p99   99th percentile
 * @param max   maximum
 */
public record Stats(long count, double mean, double p50, double p90, double p99, double max) {

    public static final Stats EMPTY = new Stats(0, 0, 0, 0, 0, 0);

    /** Statistics of {@code values} (the array is sorted in place). */
    public static Stats ofSorting(final double[] values) {
        if (values.length == 0) {
            return EMPTY;
        }
        Arrays.sort(values);
        double sum = 0;
        for (final double v : values) {
            sum += v;
        }
        return new Stats(values.length, sum / values.length, percentileOfSorted(values, 50), percentileOfSorted(values, 90),
                percentileOfSorted(values, 99), values[values.length - 1]);
    }

    /** Linear-interpolated percentile {@code p} in [0, 100] of a sorted, non-empty array. */
    public static double percentileOfSorted(final double[] sorted, final double p) {
        final double rank = p / 100.0 * (sorted.length - 1);
        final int lo = (int) Math.floor(rank);
        final int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (rank - lo) * (sorted[hi] - sorted[lo]);
    }

    /** The same statistics with every value divided by {@code divisor} (unit conversion). */
    public Stats scaled(final double divisor) {
        return new Stats(count, mean / divisor, p50 / divisor, p90 / divisor, p99 / divisor, max / divisor);
    }
}

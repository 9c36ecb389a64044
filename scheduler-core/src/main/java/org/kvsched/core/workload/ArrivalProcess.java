package org.kvsched.core.workload;

import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;

/**
 * Generates arrival times for a workload whose lengths come from elsewhere (a generator or a
 * length-only trace).
 *
 * <p>Contract: {@link #arrivalTimesUs} returns {@code n} non-decreasing times in microseconds, the
 * first at 0 (a stationary process observed from its first arrival), drawing randomness only from
 * the given generator, so a seed reproduces the times exactly. Implementations are immutable and
 * thread-safe; the generator is not, and belongs to one call.
 */
public interface ArrivalProcess {

    /**
     * The first {@code n} arrival times, microseconds, non-decreasing, the first at 0.
     *
     * @param n    number of arrivals, &gt;= 0
     * @param rng  source of randomness, consumed by this call only
     */
    long[] arrivalTimesUs(int n, SplittableRandom rng);

    /** Long-run arrival rate in requests per second ({@link Double#POSITIVE_INFINITY} for {@link Static}). */
    double ratePerSecond();

    /** Poisson arrivals: exponential gaps with mean {@code 1 / rate} seconds. */
    static ArrivalProcess poisson(final double ratePerSecond) {
        return new Poisson(ratePerSecond);
    }

    /** Gamma-distributed gaps with the given mean rate and coefficient of variation (cv = 1 is Poisson). */
    static ArrivalProcess gamma(final double ratePerSecond, final double cv) {
        return new Gamma(ratePerSecond, cv);
    }

    /** Every request at time 0 (an offline batch; Vidur's {@code static} interval generator). */
    static ArrivalProcess atOnce() {
        return new Static();
    }

    /** Evenly spaced arrivals, one every {@code 1 / rate} seconds (deterministic, no randomness). */
    static ArrivalProcess uniform(final double ratePerSecond) {
        return new Uniform(ratePerSecond);
    }

    /**
     * Poisson process.
     *
     * @param ratePerSecond  mean arrival rate, requests per second, &gt; 0 and finite
     */
    record Poisson(double ratePerSecond) implements ArrivalProcess {

        public Poisson {
            checkRate(ratePerSecond);
        }

        @Override
        public long[] arrivalTimesUs(final int n, final SplittableRandom rng) {
            return accumulate(n, () -> Sampling.exponential(rng) / ratePerSecond);
        }
    }

    /**
     * Renewal process with Gamma-distributed gaps: shape {@code k = 1 / cv^2} and scale
     * {@code 1 / (rate * k)} seconds, so the mean gap is {@code 1 / rate} and the gaps' coefficient
     * of variation is {@code cv}. cv &gt; 1 gives bursts (the Azure 2023 conversation trace has
     * cv 1.09), cv &lt; 1 smoother-than-Poisson traffic.
     *
     * @param ratePerSecond  mean arrival rate, requests per second, &gt; 0 and finite
     * @param cv             coefficient of variation of the gaps, &gt; 0 and finite
     */
    record Gamma(double ratePerSecond, double cv) implements ArrivalProcess {

        public Gamma {
            checkRate(ratePerSecond);
            if (!(cv > 0) || Double.isInfinite(cv)) {
                throw new IllegalArgumentException("gamma cv must be > 0 and finite, got " + cv);
            }
        }

        /** Shape parameter k of the gap distribution. */
        public double shape() {
            return 1.0 / (cv * cv);
        }

        /** Scale parameter of the gap distribution, seconds. */
        public double scaleSeconds() {
            return 1.0 / (ratePerSecond * shape());
        }

        @Override
        public long[] arrivalTimesUs(final int n, final SplittableRandom rng) {
            final double shape = shape();
            final double scale = scaleSeconds();
            return accumulate(n, () -> Sampling.gamma(shape, rng) * scale);
        }
    }

    /** All requests at time 0. */
    record Static() implements ArrivalProcess {

        @Override
        public long[] arrivalTimesUs(final int n, final SplittableRandom rng) {
            checkCount(n);
            return new long[n];
        }

        @Override
        public double ratePerSecond() {
            return Double.POSITIVE_INFINITY;
        }
    }

    /**
     * Deterministic spacing: arrival i at {@code round(i / rate)} seconds, in microseconds.
     *
     * @param ratePerSecond  arrival rate, requests per second, &gt; 0 and finite
     */
    record Uniform(double ratePerSecond) implements ArrivalProcess {

        public Uniform {
            checkRate(ratePerSecond);
        }

        @Override
        public long[] arrivalTimesUs(final int n, final SplittableRandom rng) {
            checkCount(n);
            final long[] times = new long[n];
            for (int i = 0; i < n; i++) {
                // Computed from i, not accumulated, so rounding does not drift over long workloads.
                times[i] = Math.round(i * 1e6 / ratePerSecond);
            }
            return times;
        }
    }

    private static void checkRate(final double rate) {
        if (!(rate > 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("arrival rate must be > 0 and finite (requests per second), got " + rate);
        }
    }

    private static void checkCount(final int n) {
        if (n < 0) {
            throw new IllegalArgumentException("number of arrivals must be >= 0, got " + n);
        }
    }

    /** First arrival at 0, then n - 1 gaps in seconds, summed in double and rounded per arrival so rounding does not accumulate. */
    private static long[] accumulate(final int n, final DoubleSupplier gapSeconds) {
        checkCount(n);
        final long[] times = new long[n];
        double t = 0;
        for (int i = 1; i < n; i++) {
            t += gapSeconds.getAsDouble();
            times[i] = Math.round(t * 1e6);
        }
        return times;
    }
}

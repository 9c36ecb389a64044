package org.kvsched.core.workload;

import java.util.SplittableRandom;

/**
 * A distribution of token counts (prompt or output lengths) for generated workloads.
 *
 * <p>Contract: {@link #sample} returns a length in tokens, &gt;= 1, drawing randomness only from the
 * given generator. Implementations are immutable and thread-safe.
 */
public interface LengthDistribution {

    /** One length in tokens, &gt;= 1. */
    int sample(SplittableRandom rng);

    /** Always {@code tokens}. */
    static LengthDistribution fixed(final int tokens) {
        return new Fixed(tokens);
    }

    /** Uniform on the integers {@code lo..hi}, both inclusive. */
    static LengthDistribution uniform(final int lo, final int hi) {
        return new Uniform(lo, hi);
    }

    /** Log-normal with the given median and log-space sigma, rounded and clipped to {@code [min, max]}. */
    static LengthDistribution lognormal(final double median, final double sigma, final int min, final int max) {
        return new LogNormal(median, sigma, min, max);
    }

    /**
     * Log-normal matched to a median and a mean: {@code sigma = sqrt(2 ln(mean / median))}, since a
     * log-normal's mean is {@code median * exp(sigma^2 / 2)}. Clipping to {@code [min, max]} lowers the
     * realised mean a little when much mass lies above {@code max}.
     */
    static LogNormal lognormalFromMedianAndMean(final double median, final double mean, final int min, final int max) {
        if (!(mean > median) || !(median > 0)) {
            throw new IllegalArgumentException("log-normal needs mean > median > 0, got median " + median + ", mean " + mean);
        }
        return new LogNormal(median, Math.sqrt(2.0 * Math.log(mean / median)), min, max);
    }

    /**
     * Fixed length.
     *
     * @param tokens  the length, tokens, &gt;= 1
     */
    record Fixed(int tokens) implements LengthDistribution {

        public Fixed {
            if (tokens < 1) {
                throw new IllegalArgumentException("fixed length must be >= 1 token, got " + tokens);
            }
        }

        @Override
        public int sample(final SplittableRandom rng) {
            return tokens;
        }
    }

    /**
     * Discrete uniform.
     *
     * @param lo  smallest length, tokens, &gt;= 1
     * @param hi  largest length, tokens, &gt;= lo (inclusive)
     */
    record Uniform(int lo, int hi) implements LengthDistribution {

        public Uniform {
            if (lo < 1 || hi < lo) {
                throw new IllegalArgumentException("uniform lengths need 1 <= lo <= hi, got lo " + lo + ", hi " + hi);
            }
        }

        @Override
        public int sample(final SplittableRandom rng) {
            // long bound: hi + 1 would overflow for hi = Integer.MAX_VALUE.
            return (int) rng.nextLong(lo, hi + 1L);
        }
    }

    /**
     * Clipped log-normal: {@code round(median * exp(sigma * Z))} for standard normal Z, then
     * clipped to {@code [min, max]} (clipped, not resampled, so the bounds carry the tail mass, like
     * a generation cap does in a real trace).
     *
     * @param median  median length, tokens, &gt; 0
     * @param sigma   standard deviation of the log length, &gt;= 0
     * @param min     smallest length, tokens, &gt;= 1
     * @param max     largest length, tokens, &gt;= min
     */
    record LogNormal(double median, double sigma, int min, int max) implements LengthDistribution {

        public LogNormal {
            if (!(median > 0) || Double.isInfinite(median) || !(sigma >= 0) || Double.isInfinite(sigma)) {
                throw new IllegalArgumentException("log-normal needs median > 0 and sigma >= 0, got median " + median
                        + ", sigma " + sigma);
            }
            if (min < 1 || max < min) {
                throw new IllegalArgumentException("log-normal bounds need 1 <= min <= max, got min " + min + ", max " + max);
            }
        }

        /** Mean of the unclipped distribution, {@code median * exp(sigma^2 / 2)}, tokens. */
        public double unclippedMean() {
            return median * Math.exp(sigma * sigma / 2.0);
        }

        @Override
        public int sample(final SplittableRandom rng) {
            final double x = Math.round(median * Math.exp(sigma * Sampling.standardNormal(rng)));
            return (int) Math.max(min, Math.min(max, x));
        }
    }

    /**
     * One column of an {@link EmpiricalLengths} table, sampled by row with replacement. When a
     * generator's prompt and output are both columns of the same table, it samples whole rows, so
     * the pairing (and any correlation) of the file is kept.
     *
     * @param table   the lengths read from a trace
     * @param column  which column this distribution samples
     */
    record Empirical(EmpiricalLengths table, EmpiricalLengths.Column column) implements LengthDistribution {

        public Empirical {
            if (table == null || column == null) {
                throw new IllegalArgumentException("empirical distribution needs a table and a column");
            }
        }

        @Override
        public int sample(final SplittableRandom rng) {
            return table.length(rng.nextInt(table.size()), column);
        }
    }
}

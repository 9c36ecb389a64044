package org.kvsched.core.model;

import java.util.SplittableRandom;

/**
 * Predicts a request's output length (tokens) at arrival; the only length information a policy sees.
 *
 * <p>Contract: deterministic for a request (the same request and configuration always give the same
 * prediction, whichever transport asks), so the in-memory engine and the Kafka pipeline agree. A
 * prediction is &gt;= 1, or {@link #UNKNOWN} when the predictor gives none.
 */
public interface LengthPredictor {

    /** Returned by predictors that give no prediction (policies must then not rely on lengths). */
    int UNKNOWN = -1;

    /** Predicted output tokens for {@code request}: &gt;= 1, or {@link #UNKNOWN}. */
    int predict(WorkloadRequest request);

    /** Short spec of this predictor, as accepted by {@link #parse(String, long)}. */
    String spec();

    /** The true length: perfect predictions. */
    static LengthPredictor oracle() {
        return new LengthPredictor() {
            @Override
            public int predict(final WorkloadRequest request) {
                return request.outputTokens();
            }

            @Override
            public String spec() {
                return "oracle";
            }
        };
    }

    /** No prediction at all. */
    static LengthPredictor none() {
        return new LengthPredictor() {
            @Override
            public int predict(final WorkloadRequest request) {
                return UNKNOWN;
            }

            @Override
            public String spec() {
                return "none";
            }
        };
    }

    /**
     * Multiplicative noise: {@code round(o * (1 + epsilon * u))} with {@code u} uniform in [-1, 1],
     * drawn from a stream seeded by (seed, request id), floored at 1. Epsilon 0 is the oracle.
     */
    static LengthPredictor noisy(final double epsilon, final long seed) {
        if (!(epsilon >= 0) || epsilon > 10) {
            throw new IllegalArgumentException("predictor noise epsilon must be in [0, 10], got " + epsilon);
        }
        return new LengthPredictor() {
            @Override
            public int predict(final WorkloadRequest request) {
                // One independent stream per request so a prediction does not depend on arrival order.
                final SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + request.id());
                final double u = rng.nextDouble() * 2.0 - 1.0;
                return (int) Math.max(1, Math.round(request.outputTokens() * (1.0 + epsilon * u)));
            }

            @Override
            public String spec() {
                return "noise:" + epsilon;
            }
        };
    }

    /** Bucketed: the midpoint of the width-{@code width} bucket holding the true length (a length classifier). */
    static LengthPredictor bucketed(final int width) {
        if (width < 1) {
            throw new IllegalArgumentException("predictor bucket width must be >= 1, got " + width);
        }
        return new LengthPredictor() {
            @Override
            public int predict(final WorkloadRequest request) {
                final int bucket = (request.outputTokens() - 1) / width;
                return Math.max(1, bucket * width + (width + 1) / 2);
            }

            @Override
            public String spec() {
                return "bucket:" + width;
            }
        };
    }

    /**
     * Parses {@code oracle}, {@code none}, {@code noise:EPS} or {@code bucket:WIDTH}.
     *
     * @throws IllegalArgumentException naming the bad value and the accepted forms
     */
    static LengthPredictor parse(final String spec, final long seed) {
        final String s = spec.trim();
        try {
            if (s.equals("oracle")) {
                return oracle();
            }
            if (s.equals("none")) {
                return none();
            }
            if (s.startsWith("noise:")) {
                return noisy(Double.parseDouble(s.substring(6)), seed);
            }
            if (s.startsWith("bucket:")) {
                return bucketed(Integer.parseInt(s.substring(7)));
            }
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException("predictor: bad number in '" + spec + "'", e);
        }
        throw new IllegalArgumentException("predictor: unknown '" + spec + "'; accepted: oracle, none, noise:EPS, bucket:WIDTH");
    }
}

package org.kvsched.core.workload;

import java.util.SplittableRandom;

/**
 * Random variates from a {@link SplittableRandom}. Written out here rather than taken from
 * {@code RandomGenerator.nextGaussian()} so that a seed gives the same workload on every JDK
 * (the JDK's algorithms are not part of its specification).
 */
final class Sampling {

    private Sampling() {
    }

    /** Uniform on (0, 1]: never 0, so its logarithm is finite. */
    static double openUniform(final SplittableRandom rng) {
        return 1.0 - rng.nextDouble();
    }

    /** Exponential with mean 1. */
    static double exponential(final SplittableRandom rng) {
        return -Math.log(openUniform(rng));
    }

    /** Standard normal by Box-Muller; the second variate is discarded to keep the generator stateless. */
    static double standardNormal(final SplittableRandom rng) {
        final double radius = Math.sqrt(-2.0 * Math.log(openUniform(rng)));
        return radius * Math.cos(2.0 * Math.PI * rng.nextDouble());
    }

    /**
     * Gamma with the given shape and scale 1, by Marsaglia and Tsang (2000), "A simple method for
     * generating gamma variables". For shape &lt; 1 it uses their boost: Gamma(k) = Gamma(k + 1) * U^(1/k).
     */
    static double gamma(final double shape, final SplittableRandom rng) {
        if (shape < 1.0) {
            return gamma(shape + 1.0, rng) * Math.pow(openUniform(rng), 1.0 / shape);
        }
        final double d = shape - 1.0 / 3.0;
        final double c = 1.0 / Math.sqrt(9.0 * d);
        while (true) {
            final double x = standardNormal(rng);
            final double t = 1.0 + c * x;
            if (t <= 0) {
                continue;
            }
            final double v = t * t * t;
            final double u = openUniform(rng);
            final double x2 = x * x;
            // Cheap squeeze first; the logarithmic test decides the rare remaining cases.
            if (u < 1.0 - 0.0331 * x2 * x2 || Math.log(u) < 0.5 * x2 + d * (1.0 - v + Math.log(v))) {
                return d * v;
            }
        }
    }
}

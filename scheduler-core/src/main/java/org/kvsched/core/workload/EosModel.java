package org.kvsched.core.workload;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.kvsched.core.model.WorkloadRequest;

/**
 * Requests that end before their cap, as in production: the model emits its end-of-sequence token after a
 * length drawn per request, and the request's {@code max_tokens} (the trace's output length) stays its cap.
 * The drawn length is the simulation's ground truth (known to the simulated worker only); each request's
 * draw depends only on (seed, id), so it is the same whichever transport runs the workload.
 *
 * @param spec    the output-length distribution, as in a workload spec ({@code lognormal:median:sigma:min:max}, ...)
 * @param lengths the parsed distribution
 * @param seed    seed of the draws
 */
public record EosModel(String spec, LengthDistribution lengths, long seed) {

    /**
     * Parses a distribution spec.
     *
     * @throws IllegalArgumentException naming the spec and the accepted forms
     */
    public static EosModel parse(final String spec, final long seed) {
        final LengthDistribution d;
        try {
            d = WorkloadSpec.parse("static:n=1,prompt=fixed:1,output=" + spec.trim()).output();
        } catch (final IllegalArgumentException e) {
            throw new IllegalArgumentException("eos: bad length distribution '" + spec + "': " + e.getMessage(), e);
        }
        return new EosModel(spec.trim(), d, seed);
    }

    /** The workload with each request's true length drawn and capped at its {@code max_tokens}. */
    public Workload apply(final Workload w) {
        final List<WorkloadRequest> out = new ArrayList<>(w.size());
        for (final WorkloadRequest r : w.requests()) {
            final SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + r.id() * 0xBF58476D1CE4E5B9L + 0xEE5);
            out.add(r.withOutputTokens(Math.max(1, Math.min(lengths.sample(rng), r.maxTokens()))));
        }
        return new Workload(w.name() + ", eos " + spec, out);
    }
}

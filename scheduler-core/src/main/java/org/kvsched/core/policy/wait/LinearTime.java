package org.kvsched.core.policy.wait;

import java.util.ArrayList;
import java.util.List;

import org.kvsched.core.exec.BatchShape;
import org.kvsched.core.exec.ExecutionTimeModel;
import org.kvsched.core.exec.LinearKvModel;
import org.kvsched.core.exec.PrefillChunk;
import org.kvsched.core.exec.UnitTimeModel;

/**
 * The fluid model's iteration time {@code tau = d0 + d1 * KV} (arXiv 2504.11320, section 1.2), KV being the
 * tokens of the requests in the batch as {@link LinearKvModel} counts them.
 *
 * <p>How the coefficients are obtained ({@link #of}): {@link LinearKvModel} gives them exactly;
 * {@link UnitTimeModel} is {@code d0 = 1 s, d1 = 0}; any other model (the Vidur component model and its
 * surrogate) is <em>linearised along the fluid ray</em> [R]: we build batches with the equilibrium's
 * composition (type j contributes requests in proportion to {@code lambda_j o_j}: decodes spread evenly
 * over its stages 1..o-1, plus the expected, fractional, number of whole-prompt prefills priced at the
 * marginal time of one prefill chunk on top of the decodes), at 12 sizes from 1 request up to the size whose
 * KV fills the capacity, and take the least-squares line of iteration time against batch KV. For the
 * linear surrogate this line is exact (time is linear in the counts); for the component model it averages
 * the weight-read floor of small batches into {@code d0} and prices a prefill token at its compute cost
 * spread over the type's KV mass, which the paper's {@code d1} cannot express otherwise.
 *
 * @param d0Seconds         fixed cost per iteration, seconds, &gt;= 0
 * @param d1SecondsPerToken cost per KV token of the batch, seconds per token, &gt;= 0
 * @param how               one line saying where the numbers come from
 */
public record LinearTime(double d0Seconds, double d1SecondsPerToken, String how) {

    /** Batch sizes (points) of the least-squares fit. */
    static final int FIT_POINTS = 12;

    public LinearTime {
        if (!(d0Seconds >= 0) || !(d1SecondsPerToken >= 0) || !Double.isFinite(d0Seconds) || !Double.isFinite(d1SecondsPerToken)) {
            throw new IllegalArgumentException("d0 and d1 must be finite and >= 0: d0=" + d0Seconds + " d1=" + d1SecondsPerToken);
        }
    }

    /** Iteration time of a batch holding {@code kvTokens} KV tokens, seconds. */
    public double iterationSeconds(final double kvTokens) {
        return d0Seconds + d1SecondsPerToken * kvTokens;
    }

    /**
     * The coefficients for a time model serving the given type mix on a replica of the given capacity.
     *
     * @param model            the execution-time model
     * @param types            the type mix (rates give the direction of the fitted batches)
     * @param capacityTokens   KV capacity, tokens (the largest fitted batch fills it)
     */
    public static LinearTime of(final ExecutionTimeModel model, final List<RequestType> types, final long capacityTokens) {
        if (model instanceof LinearKvModel lin) {
            return new LinearTime(lin.d0Ms() / 1000.0, lin.d1MsPerToken() / 1000.0, "linear model coefficients");
        }
        if (model instanceof UnitTimeModel) {
            return new LinearTime(UnitTimeModel.UNIT_MICROS / 1e6, 0.0, "unit model: 1 s per iteration");
        }
        return fitAlongRay(model, types, capacityTokens);
    }

    private static LinearTime fitAlongRay(final ExecutionTimeModel model, final List<RequestType> types, final long capacityTokens) {
        // Share of the batch's requests per type at the fluid equilibrium: lambda_j o_j (n_j per stage, o_j stages).
        double requestShare = 0;
        double mass = 0;
        for (final RequestType t : types) {
            requestShare += t.ratePerSecond() * t.outputTokens();
            mass += t.ratePerSecond() * t.kvMass();
        }
        if (!(requestShare > 0)) {
            throw new IllegalArgumentException("cannot linearise the time model: no type has a positive rate");
        }
        // Largest batch: as many requests as fill the KV at the mean footprint.
        final double meanFootprint = mass / requestShare;
        final int bMax = (int) Math.max(2, Math.min(100_000, capacityTokens / meanFootprint));
        final List<double[]> points = new ArrayList<>();
        int previousB = 0;
        for (int i = 0; i < FIT_POINTS; i++) {
            final int b = (int) Math.round(Math.pow(bMax, i / (double) (FIT_POINTS - 1)));
            if (b <= previousB) {
                continue;
            }
            previousB = b;
            // Decodes: the type's share of the batch on its stages 1..o-1, spread evenly. Prefills: their expected
            // (fractional) number b * share / o, priced at the marginal time of one more prefill chunk, so long
            // outputs (fewer than one prefill per batch) still pay for their prompts.
            int decodes = 0;
            long context = 0;
            double kv = 0;
            final double[] expectedPrefills = new double[types.size()];
            for (int j = 0; j < types.size(); j++) {
                final RequestType t = types.get(j);
                final double share = b * t.ratePerSecond() * t.outputTokens() / requestShare;
                final int l = (int) Math.max(1, Math.round(t.promptTokens()));
                final int o = t.outputTokens();
                expectedPrefills[j] = share / o;
                kv += expectedPrefills[j] * l;
                final int count = o == 1 ? 0 : (int) Math.round(share * (o - 1) / o);
                for (int r = 0; r < count; r++) {
                    final int stage = 1 + (int) Math.min(o - 2, Math.floor((r + 0.5) * (o - 1) / count));
                    decodes++;
                    context += l + stage;
                    kv += l + stage;
                }
            }
            if (kv == 0) {
                continue;
            }
            final BatchShape decodeOnly = BatchShape.decodeOnly(decodes, context);
            final double base = model.iterationMicros(decodeOnly) / 1e6;
            double seconds = base;
            for (int j = 0; j < types.size(); j++) {
                if (expectedPrefills[j] > 0) {
                    final int l = (int) Math.max(1, Math.round(types.get(j).promptTokens()));
                    final double with = model.iterationMicros(new BatchShape(List.of(new PrefillChunk(l, 0)), decodes, context)) / 1e6;
                    seconds += expectedPrefills[j] * (with - base);
                }
            }
            points.add(new double[] {kv, seconds});
        }
        if (points.size() == 1) {
            final double[] p = points.get(0);
            return new LinearTime(0.0, p[1] / p[0], "one-point fit (proportional) of " + model.getClass().getSimpleName());
        }
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        for (final double[] p : points) {
            sx += p[0];
            sy += p[1];
            sxx += p[0] * p[0];
            sxy += p[0] * p[1];
        }
        final int n = points.size();
        double d1 = (n * sxy - sx * sy) / (n * sxx - sx * sx);
        double d0 = (sy - d1 * sx) / n;
        if (d0 < 0) {
            // A convex model can push the intercept below 0; keep the line through the origin instead.
            d0 = 0;
            d1 = sxy / sxx;
        }
        d1 = Math.max(0, d1);
        return new LinearTime(d0, d1, String.format(java.util.Locale.ROOT,
                "least-squares line of %s along the fluid batch mix, %d batches up to %.0f KV tokens",
                model.getClass().getSimpleName(), n, points.get(n - 1)[0]));
    }
}

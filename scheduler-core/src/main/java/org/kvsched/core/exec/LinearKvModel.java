package org.kvsched.core.exec;

/**
 * The WAIT paper's iteration time: a fixed cost plus a cost per KV-cache token of the requests in the
 * batch, {@code T = d0 + d1 * KV}.
 *
 * <p><b>Source.</b> Ao, Luo, Simchi-Levi, Wang, "Optimizing LLM Inference: Fluid-Guided Online Scheduling with
 * Memory Constraints" (WAIT / Nested WAIT), arXiv 2504.11320 v4, the model's iteration time: a fixed cost d0 plus
 * d1 per KV token of the requests in the batch (docs/policies.md, {@code wait}).
 *
 * <p><b>What KV counts.</b> Only requests <em>in this batch</em> (resident but idle requests are free):
 * a prefill chunk counts {@code cachedTokens + tokens} (the cache the request holds after the chunk);
 * the decodes count {@link BatchShape#decodeContextTokens()} (each decode's context including the token
 * being generated).
 *
 * <p><b>Defaults and units.</b> {@link #DEFAULT} is {@code d0 = 4.6} ms per iteration and
 * {@code d1 = 0.0034} ms per KV token. These are <em>not</em> the paper's fitted constants (276 ms and
 * 0.0115 ms/token, which almost certainly describe a whole ~20-iteration batch run); they are our
 * per-iteration reading [R] from the authors' Vidur diagnostic log for Llama-2-7B on A100 (a two-point fit
 * on p512d20 batches, wait-nested-wait.md 1.2). Treat them as workload-calibrated. The result is whole
 * microseconds (at least 1 for a non-empty batch, 0 for an empty one).
 *
 * <p><b>Departures from Vidur.</b> No separate compute term for prefill tokens, no weight-read floor,
 * no padding, no all-reduce: the whole iteration is one line in KV tokens. No CPU overhead beyond d0.
 *
 * @param d0Ms         fixed cost, ms per non-empty iteration, &gt;= 0
 * @param d1MsPerToken cost per KV token of the batch's requests, ms per token, &gt;= 0
 */
public record LinearKvModel(double d0Ms, double d1MsPerToken) implements MillisecondTimeModel {

    /** Default d0: 4.6 ms per iteration (per-iteration reading [R], see the class note). */
    public static final double DEFAULT_D0_MS = 4.6;

    /** Default d1: 0.0034 ms per KV token (per-iteration reading [R], see the class note). */
    public static final double DEFAULT_D1_MS_PER_TOKEN = 0.0034;

    /** The model with the default constants. */
    public static final LinearKvModel DEFAULT = new LinearKvModel(DEFAULT_D0_MS, DEFAULT_D1_MS_PER_TOKEN);

    public LinearKvModel {
        if (!Double.isFinite(d0Ms) || d0Ms < 0 || !Double.isFinite(d1MsPerToken) || d1MsPerToken < 0) {
            throw new IllegalArgumentException("d0 and d1 must be finite and >= 0: d0=" + d0Ms + " d1=" + d1MsPerToken);
        }
    }


    @Override
    public double iterationMillis(final BatchShape shape) {
        if (shape.isEmpty()) {
            return 0.0;
        }
        return d0Ms + d1MsPerToken * batchKvTokens(shape);
    }

    /** KV tokens of the requests in the batch, as counted by this model (see the class note). */
    public static long batchKvTokens(final BatchShape shape) {
        long kv = shape.decodeContextTokens();
        for (final PrefillChunk chunk : shape.prefills()) {
            kv += (long) chunk.cachedTokens() + chunk.tokens();
        }
        return kv;
    }
}

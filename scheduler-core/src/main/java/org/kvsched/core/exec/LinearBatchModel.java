package org.kvsched.core.exec;

/**
 * The batch time of the MC-SF authors' trace simulation: {@code T = c + b * P + (d * meanContext + a) * batchSize}.
 *
 * <p><b>Source.</b> Jaillet et al., "Online Scheduling for LLM Inference with KV Cache Constraints", arXiv
 * 2502.07115, real-trace study (Llama2-70B on two A100s). The paper says batch times came from Vidur; the formula and
 * constants are those of the authors' public simulation code ({@code MC-SF.py} of github.com/anonymouspeople111/
 * neurips2025-code; {@code docs/mcsf-fidelity.md}): {@code a = 0.52} ms per request, {@code b = 0.378} ms per prompt
 * token, {@code c = 44.6} ms per batch, {@code d = 0.0027} ms per context token.
 *
 * <p><b>What the terms count.</b> {@code batchSize}: every request in the batch, prompt rounds and decodes alike;
 * {@code P}: prompt tokens processed; {@code meanContext}: the mean over the batch of each request's context, so
 * {@code d * meanContext * batchSize} is {@code d} times the batch's total context. A prompt counts its cached tokens
 * (0 for a whole prompt, as the authors' prompt rounds). <b>Departure</b>: the authors count a decode's context as its
 * output tokens so far; {@link BatchShape} gives the KV length (prompt included), so each decode here costs
 * {@code d * prompt} more than in their code (0.0027 ms per prompt token: about 3 ms per decode for a 1,100-token
 * prompt). In the authors' model a prompt also takes a round of its own that emits no token; that is a property of the
 * workload, not of the time model (the {@code mcsf-trace} experiment gives each request one more output token, which
 * stands for that round).
 *
 * <p><b>Units.</b> Milliseconds per batch; the result is whole microseconds (at least 1 for a non-empty batch, 0 for an
 * empty one). Compared with Vidur: one line; no padding, no attention-shape terms, no all-reduce.
 *
 * @param aMsPerRequest      a, ms per request in the batch, &gt;= 0
 * @param bMsPerPromptToken  b, ms per prompt token processed, &gt;= 0
 * @param cMs                c, fixed cost per batch, ms, &gt;= 0
 * @param dMsPerContextToken d, ms per context token of the batch's requests, &gt;= 0
 */
public record LinearBatchModel(double aMsPerRequest, double bMsPerPromptToken, double cMs, double dMsPerContextToken)
        implements MillisecondTimeModel {

    /** The authors' constants (see the class note). */
    public static final LinearBatchModel MCSF_AUTHORS = new LinearBatchModel(0.52, 0.378, 44.6, 0.0027);

    public LinearBatchModel {
        for (final double v : new double[] {aMsPerRequest, bMsPerPromptToken, cMs, dMsPerContextToken}) {
            if (!Double.isFinite(v) || v < 0) {
                throw new IllegalArgumentException("coefficients must be finite and >= 0: a=" + aMsPerRequest + " b="
                        + bMsPerPromptToken + " c=" + cMs + " d=" + dMsPerContextToken);
            }
        }
    }

    @Override
    public double iterationMillis(final BatchShape shape) {
        if (shape.isEmpty()) {
            return 0.0;
        }
        final int batchSize = shape.prefills().size() + shape.decodeCount();
        long context = shape.decodeContextTokens();
        for (final PrefillChunk chunk : shape.prefills()) {
            context += chunk.cachedTokens();
        }
        final double meanContext = (double) context / batchSize;
        return cMs + bMsPerPromptToken * shape.prefillTokens() + (dMsPerContextToken * meanContext + aMsPerRequest) * batchSize;
    }
}

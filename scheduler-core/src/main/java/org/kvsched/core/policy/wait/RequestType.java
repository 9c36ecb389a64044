package org.kvsched.core.policy.wait;

/**
 * One request type of the WAIT fluid model (arXiv 2504.11320, section 2): requests with a common prompt
 * and output length arriving as a Poisson stream.
 *
 * <p>Stage convention of this project's mechanism: the prefill iteration emits the first output token, so a
 * request with {@code o} output tokens is served in exactly {@code o} iterations (the paper's
 * {@code l' + 1} stages with {@code l' = o - 1}). In iteration {@code i = 0..o-1} the time model counts
 * {@code l + i} KV tokens for it (the prefill counts the {@code l} tokens it writes, a decode the context it
 * reads including the token it writes), so its lifetime KV mass is
 * {@code w = sum_{i=0}^{o-1} (l + i) = o * (l + (o - 1) / 2)}, the paper's {@code (l'+1)(l + l'/2)}.
 *
 * @param promptTokens  prompt length l, tokens (a mean when the type groups several prompts), &gt; 0
 * @param outputTokens  output length o, tokens (the longest of the group when it groups several), &gt;= 1
 * @param ratePerSecond arrival rate lambda, requests per second, &gt;= 0
 * @param kvMass        lifetime KV mass w, token-iterations (a rate-weighted mean over the group), &gt; 0
 */
public record RequestType(double promptTokens, int outputTokens, double ratePerSecond, double kvMass) {

    public RequestType {
        if (!(promptTokens > 0) || outputTokens < 1 || !(ratePerSecond >= 0) || !Double.isFinite(ratePerSecond)
                || !(kvMass > 0)) {
            throw new IllegalArgumentException("bad request type: prompt=" + promptTokens + " output=" + outputTokens
                    + " rate=" + ratePerSecond + " w=" + kvMass);
        }
    }

    /** A type with one prompt and one output length; w computed exactly. */
    public static RequestType of(final double promptTokens, final int outputTokens, final double ratePerSecond) {
        return new RequestType(promptTokens, outputTokens, ratePerSecond, kvMass(promptTokens, outputTokens));
    }

    /** Lifetime KV mass of one request, token-iterations: {@code o * (l + (o - 1) / 2)}. */
    public static double kvMass(final double promptTokens, final int outputTokens) {
        return outputTokens * (promptTokens + (outputTokens - 1) / 2.0);
    }

    /** Peak KV footprint of one request of this type, tokens: {@code l + o - 1} (the last token is never stored). */
    public double peakTokens() {
        return promptTokens + outputTokens - 1;
    }

    /** Short label such as {@code 512x20}. */
    public String label() {
        final long p = Math.round(promptTokens);
        return (Math.abs(promptTokens - p) < 1e-9 ? Long.toString(p) : String.format(java.util.Locale.ROOT, "%.1f", promptTokens))
                + "x" + outputTokens;
    }
}

package org.kvsched.core.exec;

/**
 * One-line surrogate {@code T = a + b*P + c*B + d*S} of the component model, for code (or papers) that
 * want a single linear formula.
 *
 * <p><b>Source.</b> Our own fit [R], not a published formula: least-squares
 * fits on relative error of {@link VidurComponentModel} over 4,000 random batches (B 0-256, contexts
 * 16-4,096, 0-2 prefill chunks of 16-2,048 tokens, N &lt;= 8,192); reported MAPE 1.7-2.5% against the
 * component model, not against hardware.
 *
 * <p><b>Formula and units.</b> P = prefill tokens in the iteration, B = decodes, S = sum of the decoding
 * sequences' context lengths ({@link BatchShape#decodeContextTokens()}). {@code a} in ms per iteration,
 * {@code b} ms per prefill token, {@code c} ms per decoding sequence, {@code d} ms per context token;
 * the result is whole microseconds (at least 1 for a non-empty batch, 0 for an empty one).
 *
 * <p><b>Departures from Vidur.</b> Everything in {@link VidurComponentModel}, plus: no token padding, no
 * LIN floor (so small batches are underestimated: 7B with one decode gives about 8.7 ms against the
 * component model's 10 ms), and prefill attention is linear in P (long prompts are underestimated:
 * a 4,096-token 7B prefill gives 307 ms against 346 ms). No CPU overhead.
 *
 * @param label short deployment label for display
 * @param a     fixed cost, ms per iteration, &gt;= 0
 * @param b     ms per prefill token, &gt;= 0
 * @param c     ms per decoding sequence, &gt;= 0
 * @param d     ms per context token of the decoding sequences, &gt;= 0
 */
public record LinearSurrogateModel(String label, double a, double b, double c, double d)
        implements MillisecondTimeModel {

    /** Llama-2-7B, 1xA100-80GB TP1 (A.9: MAPE 2.5%, p95 8.4% vs the component model). */
    public static final LinearSurrogateModel LLAMA2_7B_A100_TP1 =
            new LinearSurrogateModel("Llama-2-7B 1xA100-80GB TP1", 8.612, 0.07275, 0.03908, 2.892e-4);

    /** Llama-2-70B, 2xA100-80GB TP2 (A.9: MAPE 1.7%, p95 4.9%). */
    public static final LinearSurrogateModel LLAMA2_70B_A100_TP2 =
            new LinearSurrogateModel("Llama-2-70B 2xA100-80GB TP2", 48.81, 0.3492, 0.3723, 1.166e-4);

    /** Llama-2-70B, 4xA100-80GB TP4 (A.9: MAPE 2.4%, p95 6.3%). */
    public static final LinearSurrogateModel LLAMA2_70B_A100_TP4 =
            new LinearSurrogateModel("Llama-2-70B 4xA100-80GB TP4", 30.23, 0.1970, 0.1954, 6.093e-5);

    public LinearSurrogateModel {
        if (label == null || label.isBlank()) {
            throw new IllegalArgumentException("label must be non-blank");
        }
        for (final double v : new double[] {a, b, c, d}) {
            if (!Double.isFinite(v) || v < 0) {
                throw new IllegalArgumentException("surrogate coefficients must be finite and >= 0 (" + label + ")");
            }
        }
    }


    @Override
    public double iterationMillis(final BatchShape shape) {
        if (shape.isEmpty()) {
            return 0.0;
        }
        long prefillTokens = 0;
        for (final PrefillChunk chunk : shape.prefills()) {
            prefillTokens += chunk.tokens();
        }
        return a + b * prefillTokens + c * shape.decodeCount() + d * shape.decodeContextTokens();
    }
}

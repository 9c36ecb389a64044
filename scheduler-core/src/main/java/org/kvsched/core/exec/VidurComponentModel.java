package org.kvsched.core.exec;

/**
 * Iteration time from Vidur's per-layer operator decomposition, with closed-form fits in place of
 * Vidur's lookup tables.
 *
 * <p><b>Source.</b> The A100 profiles of Vidur (Agrawal et al., arXiv 2405.05465; code microsoft/vidur), which
 * predicts an iteration from per-operation profiles; the per-operation fits and their form below are ours [R],
 * not Vidur's text. The coefficients, and how each was obtained, are in {@link ComponentCoefficients}.
 *
 * <p><b>Formula</b> (N = prefill tokens + 1 per decode, padded up to a multiple of 8; B = decodes;
 * S = {@link BatchShape#decodeContextTokens()}, the <em>sum</em> of the decoding sequences' context
 * lengths):
 * <pre>
 *   T_ms = L * ( LIN(ceil8(N)) + 2*(AR(ceil8(N)) + 0.02)*[TP&gt;1] + DEC(B,S) + PRE(chunks) ) + cpuOverheadMs
 * </pre>
 *
 * <p><b>Units.</b> Coefficients are ms per layer; {@code cpuOverheadMs} is ms per iteration; the result
 * is whole microseconds ({@code Math.round(T_ms*1000)}, at least 1 for a non-empty batch, 0 for an
 * empty one).
 *
 * <p><b>Departures from Vidur.</b> (1) DEC and PRE are closed-form fits; Vidur evaluates random-forest
 * regressors on a lookup grid (decode: one lookup at the mean context rounded up to 64; prefill: one
 * lookup at sum(kv), sqrt(sum c^2)), so single cells can differ by 10-30%. (2) LIN and AR are straight
 * lines through the profiles rather than their interpolation. (3) The TP all-reduce uses the DGX-A100
 * (NVSwitch) profile, whereas Vidur's default network device is pairwise NVLink. (4) Pipeline parallelism
 * is not modelled. (5) Beyond 4,096 tokens per iteration (the profiled range) the lines extrapolate;
 * Vidur refuses such batches unless its prediction ranges are raised. (6) No CPU / serving-stack
 * overhead by default ({@code cpuOverheadMs = 0}, as Vidur's {@code skip_cpu_overhead_modeling}); A.9
 * suggests 5-10 ms for "real-system" numbers.
 *
 * @param coefficients  per-layer fits for one deployment
 * @param cpuOverheadMs fixed per-iteration overhead in ms, &gt;= 0 (0 for Vidur-faithful runs)
 */
public record VidurComponentModel(ComponentCoefficients coefficients, double cpuOverheadMs)
        implements MillisecondTimeModel {

    public VidurComponentModel {
        if (coefficients == null) {
            throw new IllegalArgumentException("coefficients must not be null");
        }
        if (!Double.isFinite(cpuOverheadMs) || cpuOverheadMs < 0) {
            throw new IllegalArgumentException("cpuOverheadMs must be finite and >= 0: " + cpuOverheadMs);
        }
    }

    /** The model with no CPU overhead (Vidur's default). */
    public VidurComponentModel(final ComponentCoefficients coefficients) {
        this(coefficients, 0.0);
    }


    @Override
    public double iterationMillis(final BatchShape shape) {
        if (shape.isEmpty()) {
            return 0.0;
        }
        final ComponentCoefficients k = coefficients;
        // Sum in long: a pathological shape must not wrap around to a negative token count.
        long tokens = shape.decodeCount();
        for (final PrefillChunk chunk : shape.prefills()) {
            tokens += chunk.tokens();
        }
        final double padded = ComponentCoefficients.padTokens(tokens);
        final double perLayer = k.linearMs(padded)
                + k.allReducePerLayerMs(padded)
                + k.decodeAttentionMs(shape.decodeCount(), shape.decodeContextTokens())
                + k.prefillAttentionMs(shape.prefills());
        return k.layers() * perLayer + cpuOverheadMs;
    }
}

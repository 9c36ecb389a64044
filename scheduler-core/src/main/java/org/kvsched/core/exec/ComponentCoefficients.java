package org.kvsched.core.exec;

import java.util.List;

/**
 * Per-layer coefficients of the Vidur-derived component model ({@link VidurComponentModel}) for one
 * deployment (model, GPU, tensor-parallel degree).
 *
 * <p>Source [R]: our own least-squares fits (not Vidur's text; Vidur: Agrawal et al., arXiv 2405.05465, code
 * microsoft/vidur) to Vidur's A100 profiling CSVs (mlp.csv, a100_dgx all_reduce.csv
 * and a transcribed sample of the 7B attention.csv). The 70B attention terms (d1, d2, p1..p3 for TP4) are
 * scaled estimates, not measurements: Vidur ships no 70B attention profile we could read.
 *
 * <p>Units: every coefficient is in milliseconds <em>per transformer layer per GPU</em>; the token
 * counts they multiply are tokens. The four terms, evaluated per layer, are:
 * <ul>
 *   <li>{@code LIN(N) = max(a0, a1 + b1*N)} — all token-level ops (norms, QKV/O projections, rope, MLP,
 *       residual add); flat while weight-bandwidth bound, linear once compute bound;</li>
 *   <li>{@code AR(N) = r0 + r1*N} — one tensor-parallel all-reduce of N tokens' activations (DGX-A100,
 *       NVSwitch); Vidur issues two per layer and adds {@link #NCCL_LAUNCH_OVERHEAD_MS} to each;</li>
 *   <li>{@code DEC(B,S) = (d0 + d1*B + d2*S) * (1 + 0.1*[B>1]*GQA)} — decode attention over B sequences
 *       whose context lengths sum to S;</li>
 *   <li>{@code PRE = (p0 + sum_i (p1*c_i + p2*c_i^2 + p3*c_i*k_i)) * (1 + 0.1*[chunks>1]*GQA)} — prefill
 *       attention of chunks of c_i new tokens over k_i already-cached tokens; Vidur multiplies the prefill
 *       attention of a GQA model by 1.1 when a batch holds more than one prefill
 *       ({@code attention_prefill_batching_overhead_fraction}, as for decodes).</li>
 * </ul>
 *
 * @param deployment     short human-readable label, e.g. {@code "Llama-2-7B 1xA100 TP1"}
 * @param layers         transformer layers L (32 for 7B, 80 for 70B)
 * @param tensorParallel tensor-parallel degree; all-reduce terms apply only when &gt; 1
 * @param a0             LIN floor, ms/layer
 * @param a1             LIN intercept, ms/layer
 * @param b1             LIN slope, ms/layer/token
 * @param r0             all-reduce intercept, ms/layer/call (ignored when tensorParallel == 1)
 * @param r1             all-reduce slope, ms/layer/call/token
 * @param d0             decode-attention intercept, ms/layer
 * @param d1             decode-attention cost per decoding sequence, ms/layer/sequence
 * @param d2             decode-attention cost per context token read, ms/layer/token
 * @param gqa            whether the model uses grouped-query attention (Vidur's x1.1 batching overheads of
 *                       decode and prefill attention)
 * @param p0             prefill-attention intercept, ms/layer (once per iteration with prefills)
 * @param p1             prefill-attention linear term, ms/layer/token
 * @param p2             prefill-attention quadratic term, ms/layer/token^2
 * @param p3             prefill-attention chunk x cached term, ms/layer/token^2
 */
public record ComponentCoefficients(
        String deployment,
        int layers,
        int tensorParallel,
        double a0, double a1, double b1,
        double r0, double r1,
        double d0, double d1, double d2, boolean gqa,
        double p0, double p1, double p2, double p3) {

    /** Vidur's {@code nccl_cpu_launch_overhead_ms}: added to every all-reduce call, ms. */
    public static final double NCCL_LAUNCH_OVERHEAD_MS = 0.02;

    /** Vidur's {@code attention_decode_batching_overhead_fraction} for GQA models with B &gt; 1. */
    public static final double GQA_DECODE_BATCHING_OVERHEAD = 0.1;

    /** Vidur's {@code attention_prefill_batching_overhead_fraction} for GQA models with more than one prefill. */
    public static final double GQA_PREFILL_BATCHING_OVERHEAD = 0.1;

    /** Vidur (and the token-level profiles) pad the iteration's token count up to a multiple of this. */
    public static final int TOKEN_PADDING = 8;

    /** Llama-2-7B on one A100-80GB (A.9 table, column "7B TP1"). */
    public static final ComponentCoefficients LLAMA2_7B_A100_TP1 = new ComponentCoefficients(
            "Llama-2-7B 1xA100-80GB TP1", 32, 1,
            0.2985, 0.0707, 2.004e-3,
            0.0, 0.0,
            0.00794, 9.90e-4, 8.74e-6, false,
            0.00954, 7.47e-5, 1.312e-7, 1.538e-7);

    /**
     * Llama-2-70B on two A100-80GB, TP2 (A.9 table, column "70B TP2"). The prefill-attention terms are
     * the 7B TP1 ones because both run 32 query heads per GPU; the decode terms are scaled estimates.
     */
    public static final ComponentCoefficients LLAMA2_70B_A100_TP2 = new ComponentCoefficients(
            "Llama-2-70B 2xA100-80GB TP2", 80, 2,
            0.5727, 0.4203, 3.784e-3,
            0.0382, 1.013e-4,
            0.00794, 9.9e-4, 1.3e-6, true,
            0.00954, 7.47e-5, 1.312e-7, 1.538e-7);

    /**
     * Llama-2-70B on four A100-80GB, TP4, DGX all-reduce (A.9 table, column "70B TP4"). Prefill-attention
     * terms are 0.53x the TP1 ones (16 query heads per GPU); the decode terms are scaled estimates.
     */
    public static final ComponentCoefficients LLAMA2_70B_A100_TP4 = new ComponentCoefficients(
            "Llama-2-70B 4xA100-80GB TP4", 80, 4,
            0.3249, 0.2108, 1.955e-3,
            0.0290, 1.593e-4,
            0.00794, 5.0e-4, 6.8e-7, true,
            0.00954, 3.96e-5, 6.95e-8, 8.15e-8);

    /**
     * Meta-Llama-3-8B on one A100-80GB (32 layers, 32 query heads, 8 KV heads, hidden 4096, MLP 14336). The
     * profile behind the WAIT paper's published figures (arXiv 2504.11320). Derivation, with the numbers, in
     * docs/wait-fidelity.md section 1.
     * <ul>
     *   <li>LIN: fitted to Vidur's Meta-Llama-3-8B {@code mlp.csv} (TP1, num_tokens 1..4,096, the range the
     *       Llama-2 lines were fitted on) by the procedure that reproduces the 7B line above to its printed digits:
     *       least squares over N &gt;= 256 (relative error) and a grid search for the flat part, MAPE 3.7%,
     *       3.0% over the whole profiled range up to 32,768 tokens. The profile has GEMM-size steps the line
     *       cannot follow: at N = 512 the line is 13% above the measured 1.083 ms/layer (7B: 5%).</li>
     *   <li>DEC: d0 and d1 as the 7B TP1 fit (32 query heads per GPU, as 70B TP2 keeps them); d2 = the 7B
     *       d2 x 8/32, the KV bytes read per context token (4 KiB instead of 16 KiB per layer) at the
     *       bandwidth measured on the 7B profile. Vidur's attention profile of this model was not available,
     *       so this is a scaled estimate, like the 70B terms; the lower bandwidth the 7B profile shows at 4 KV
     *       heads per GPU (TP8), which the 70B terms include, would raise it by at most about 20%.</li>
     *   <li>PRE: the 7B TP1 terms (prefill attention scales with query heads per GPU: 32 here too).</li>
     * </ul>
     */
    public static final ComponentCoefficients LLAMA3_8B_A100_TP1 = new ComponentCoefficients(
            "Meta-Llama-3-8B 1xA100-80GB TP1", 32, 1,
            0.3290, 0.1441, 2.1163e-3,
            0.0, 0.0,
            0.00794, 9.90e-4, 8.74e-6 * 8 / 32, true,
            0.00954, 7.47e-5, 1.312e-7, 1.538e-7);

    public ComponentCoefficients {
        if (deployment == null || deployment.isBlank()) {
            throw new IllegalArgumentException("deployment label must be non-blank");
        }
        if (layers < 1 || tensorParallel < 1) {
            throw new IllegalArgumentException("layers and tensorParallel must be >= 1: layers=" + layers
                    + " tensorParallel=" + tensorParallel);
        }
        final double[] all = {a0, a1, b1, r0, r1, d0, d1, d2, p0, p1, p2, p3};
        for (final double v : all) {
            // Negative or non-finite coefficients would break the monotonicity the schedulers rely on.
            if (!Double.isFinite(v) || v < 0) {
                throw new IllegalArgumentException("coefficients must be finite and >= 0 (" + deployment + ")");
            }
        }
    }

    /** {@code n} rounded up to a multiple of {@link #TOKEN_PADDING}, as Vidur does for token-level ops. */
    public static long padTokens(final long n) {
        return ((n + TOKEN_PADDING - 1) / TOKEN_PADDING) * TOKEN_PADDING;
    }

    /** LIN: token-level ops for {@code tokens} tokens (callers pad first), ms per layer. */
    public double linearMs(final double tokens) {
        return Math.max(a0, a1 + b1 * tokens);
    }

    /**
     * Both all-reduce calls of one layer for {@code tokens} tokens (callers pad first), including the
     * launch overhead, ms per layer; 0 when {@code tensorParallel == 1}.
     */
    public double allReducePerLayerMs(final double tokens) {
        if (tensorParallel == 1) {
            return 0.0;
        }
        return 2.0 * (allReduceCallMs(tokens) + NCCL_LAUNCH_OVERHEAD_MS);
    }

    /** AR: one all-reduce of {@code tokens} tokens without launch overhead, ms; the raw fitted line. */
    public double allReduceCallMs(final double tokens) {
        return r0 + r1 * tokens;
    }

    /**
     * DEC: decode attention for {@code sequences} decoding sequences whose context lengths sum to
     * {@code contextTokens}, ms per layer; 0 when there are no decodes.
     */
    public double decodeAttentionMs(final int sequences, final long contextTokens) {
        if (sequences == 0) {
            return 0.0;
        }
        final double base = d0 + d1 * sequences + d2 * contextTokens;
        return (gqa && sequences > 1) ? base * (1.0 + GQA_DECODE_BATCHING_OVERHEAD) : base;
    }

    /**
     * PRE: prefill attention for all chunks of the iteration together, ms per layer; 0 when none. A GQA model
     * pays Vidur's batching overhead when the iteration holds more than one prefill chunk.
     */
    public double prefillAttentionMs(final List<PrefillChunk> chunks) {
        if (chunks.isEmpty()) {
            return 0.0;
        }
        double sum = p0;
        for (final PrefillChunk chunk : chunks) {
            final double c = chunk.tokens();
            sum += p1 * c + p2 * c * c + p3 * c * chunk.cachedTokens();
        }
        return (gqa && chunks.size() > 1) ? sum * (1.0 + GQA_PREFILL_BATCHING_OVERHEAD) : sum;
    }
}

package org.kvsched.core.exec;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.kvsched.core.testing.SharedData;

/**
 * The closed-form terms of {@link ComponentCoefficients} against the raw profiles they were fitted to
 * (../shared/data/profiling, see its SOURCES.md), and whole iterations against Splitwise's real
 * Llama-2-70B measurements. Skipped outside CI when the shared folder is absent.
 *
 * <p>Errors are relative, |model - measured| / measured, and printed so a reviewer can compare them with
 * the errors of the fits reported in {@link org.kvsched.core.exec.ComponentCoefficients}.
 */
class ProfileAgreementTest {

    /** The token-level ops summed into LIN (A.9 step 1); emb is profiled but Vidur does not use it. */
    private static final List<String> LINEAR_OPS = List.of(
            "input_layernorm", "attn_pre_proj", "attn_rope", "attn_post_proj", "post_attention_layernorm",
            "mlp_up_proj", "mlp_act", "mlp_down_proj", "add");

    private static final int HIDDEN_70B = 8192;

    /** Summed per-layer medians of the LIN ops per num_tokens for one TP degree; duplicate rows averaged. */
    private static Map<Integer, Double> linearProfile(final CsvTable t, final int tp) {
        final int tokensCol = t.column("num_tokens");
        final int tpCol = t.column("num_tensor_parallel_workers", "num_tensor_parallel_worker", "tensor_parallel");
        final int[] opCols = new int[LINEAR_OPS.size()];
        for (int i = 0; i < opCols.length; i++) {
            opCols[i] = t.column("time_stats." + LINEAR_OPS.get(i) + ".median");
        }
        final Map<Integer, double[]> acc = new TreeMap<>();
        for (final String[] row : t.rows()) {
            if (CsvTable.integer(row, tpCol) != tp) {
                continue;
            }
            double sum = 0;
            for (final int c : opCols) {
                sum += CsvTable.number(row, c);
            }
            final double[] a = acc.computeIfAbsent(CsvTable.integer(row, tokensCol), k -> new double[2]);
            a[0] += sum;
            a[1] += 1;
        }
        final Map<Integer, Double> out = new TreeMap<>();
        acc.forEach((n, a) -> out.put(n, a[0] / a[1]));
        return out;
    }

    private static ErrorStats compareLinear(final String file, final int tp, final ComponentCoefficients k)
            throws IOException {
        final Map<Integer, Double> profile = linearProfile(CsvTable.read(SharedData.require(file)), tp);
        assertFalse(profile.isEmpty(), "no TP" + tp + " rows in " + file);
        final ErrorStats stats = new ErrorStats();
        profile.forEach((n, measured) ->
                stats.add(k.linearMs(ComponentCoefficients.padTokens(n)), measured, "N=" + n));
        return stats;
    }

    /**
     * LIN against mlp.csv. A.9 reports MAPE 4.1% (7B TP1), 3.3% (70B TP2), 3.4% (70B TP4) over the 261
     * token counts; we allow 6% for the different handling of the 8 duplicated (TP, N) rows. The max error
     * (up to ~40%) sits at the knee of max(a0, a1 + b1*N), around N = 128-384, where the true curve bends
     * smoothly and the max of two lines cannot; it is bounded loosely.
     */
    @Test
    void linearOpsMatchMlpProfiles() throws IOException {
        final List<String> lines = new ArrayList<>();
        final ErrorStats b7 = compareLinear("data/profiling/vidur_a100_Llama-2-7b-hf_mlp.csv", 1,
                ComponentCoefficients.LLAMA2_7B_A100_TP1);
        final ErrorStats tp2 = compareLinear("data/profiling/vidur_a100_Llama-2-70b-hf_mlp.csv", 2,
                ComponentCoefficients.LLAMA2_70B_A100_TP2);
        final ErrorStats tp4 = compareLinear("data/profiling/vidur_a100_Llama-2-70b-hf_mlp.csv", 4,
                ComponentCoefficients.LLAMA2_70B_A100_TP4);
        lines.add(b7.summary("LIN 7B TP1 (A.9 4.1%)"));
        lines.add(tp2.summary("LIN 70B TP2 (A.9 3.3%)"));
        lines.add(tp4.summary("LIN 70B TP4 (A.9 3.4%)"));
        lines.forEach(System.out::println);
        for (final ErrorStats s : List.of(b7, tp2, tp4)) {
            assertTrue(s.count() >= 250, "expected ~259 token counts, got " + s.count());
            assertTrue(s.mape() < 0.06, lines::toString);
            assertTrue(s.max() < 0.45, lines::toString);
        }
    }

    /**
     * LIN of Meta-Llama-3-8B against its mlp.csv (TP1). The line was fitted on num_tokens up to 4,096 as the
     * Llama-2 ones (MAPE 3.7%); over the whole profile (up to 32,768 tokens, 451 token counts) 3.0%. Max error
     * 23.5%, at the knee (N = 136), and steps at GEMM sizes the line cannot follow (N = 512: +13%).
     */
    @Test
    void llama3LinearOpsMatchItsMlpProfile() throws IOException {
        final Map<Integer, Double> profile = linearProfile(
                CsvTable.read(SharedData.require("data/profiling/vidur_a100_Meta-Llama-3-8B_mlp.csv")), 1);
        final ErrorStats upTo4096 = new ErrorStats();
        final ErrorStats all = new ErrorStats();
        final ComponentCoefficients k = ComponentCoefficients.LLAMA3_8B_A100_TP1;
        profile.forEach((n, measured) -> {
            final double predicted = k.linearMs(ComponentCoefficients.padTokens(n));
            all.add(predicted, measured, "N=" + n);
            if (n <= 4096) {
                upTo4096.add(predicted, measured, "N=" + n);
            }
        });
        final List<String> lines = List.of(upTo4096.summary("LIN Llama-3-8B TP1, N <= 4096"), all.summary("LIN Llama-3-8B TP1, all N"));
        lines.forEach(System.out::println);
        assertTrue(upTo4096.count() >= 250 && all.count() >= 440, lines::toString);
        assertTrue(upTo4096.mape() < 0.04, lines::toString);
        assertTrue(all.mape() < 0.035, lines::toString);
        assertTrue(all.max() < 0.25, lines::toString);
    }

    /**
     * AR against the DGX all_reduce.csv (num_workers = devices_per_node = TP; tokens = bytes / (2 * 8192)).
     * Only messages of at least 8 tokens are compared, because the model evaluates AR at ceil8(N) &gt;= 8.
     * A.9 gives no MAPE for AR; measured: TP2 about 7%, TP4 about 15%. TP4 is worse because its measured
     * curve is concave (bandwidth still rises with size) and the fitted line is 10-20% high at 256-512 and
     * 2K-4K tokens and low in between. Bounds: 10% (TP2), 20% (TP4). What matters for scheduling is the
     * effect on the iteration: per layer, LIN + two calls with the fitted AR against LIN + two calls with the
     * measured AR (a lower bound on a real layer, so an upper bound on the relative effect). Its MAPE is
     * under 1% (TP2) and about 2.6% (TP4), asserted under 5%. Its max (8-13%) is at 8-32-token messages, whose
     * measured medians jump between 0.015 and 0.065 ms from one size to the next (noise), so it is only
     * printed.
     */
    @Test
    void allReduceMatchesDgxProfile() throws IOException {
        final CsvTable t = CsvTable.read(SharedData.require("data/profiling/vidur_a100_dgx_all_reduce.csv"));
        final int workers = t.column("num_workers");
        final int perNode = t.column("devices_per_node");
        final int size = t.column("size");
        final int median = t.column("time_stats.all_reduce.median");
        final List<String> lines = new ArrayList<>();
        final List<ErrorStats> all = new ArrayList<>();
        final List<ErrorStats> iteration = new ArrayList<>();
        for (final ComponentCoefficients k : List.of(ComponentCoefficients.LLAMA2_70B_A100_TP2,
                ComponentCoefficients.LLAMA2_70B_A100_TP4)) {
            final ErrorStats call = new ErrorStats();
            final ErrorStats iter = new ErrorStats();
            for (final String[] row : t.rows()) {
                if (CsvTable.integer(row, workers) != k.tensorParallel() || CsvTable.integer(row, perNode) != k.tensorParallel()) {
                    continue;
                }
                final double tokens = CsvTable.number(row, size) / (2.0 * HIDDEN_70B);
                if (tokens < ComponentCoefficients.TOKEN_PADDING) {
                    continue;
                }
                final double measured = CsvTable.number(row, median);
                final double predicted = k.allReduceCallMs(tokens);
                call.add(predicted, measured, String.format("%.1f tok", tokens));
                // Per-layer LIN + both all-reduces, with the model's AR vs the measured one.
                final double lin = k.linearMs(tokens);
                iter.add(lin + 2 * (predicted + ComponentCoefficients.NCCL_LAUNCH_OVERHEAD_MS),
                        lin + 2 * (measured + ComponentCoefficients.NCCL_LAUNCH_OVERHEAD_MS),
                        String.format("%.1f tok", tokens));
            }
            lines.add(call.summary("AR call, 70B TP" + k.tensorParallel()));
            lines.add(iter.summary("LIN+2AR, 70B TP" + k.tensorParallel()));
            all.add(call);
            iteration.add(iter);
        }
        lines.forEach(System.out::println);
        assertTrue(all.get(0).count() > 900 && all.get(1).count() > 900, lines::toString);
        assertTrue(all.get(0).mape() < 0.10, lines::toString);
        assertTrue(all.get(1).mape() < 0.20, lines::toString);
        for (final ErrorStats s : iteration) {
            assertTrue(s.mape() < 0.05, lines::toString);
        }
    }

    /**
     * DEC and PRE against the transcribed 7B attention samples (TP1 rows). The samples' kv_cache_size is
     * the context of each sequence, so S = batch_size * kv_cache_size. A.9: DEC MAPE 10.8% (max 26%), PRE
     * 7.9% (max 33%, at the smallest chunk where times are ~0.02 ms); bound 15%.
     * Also printed, not asserted tightly: the 7B TP2 prefill samples (16 q-heads per GPU) against the 70B
     * TP4 PRE terms, which A.9 scaled to 16 q-heads per GPU from exactly those samples.
     */
    @Test
    void attentionMatchesTranscribedSamples() throws IOException {
        final CsvTable t = CsvTable.read(SharedData.require("data/profiling/vidur_a100_Llama-2-7b-hf_attention_samples.csv"));
        final int phase = t.column("phase");
        final int tp = t.column("tensor_parallel", "num_tensor_parallel_workers");
        final int batch = t.column("batch_size");
        final int chunk = t.column("prefill_chunk_size");
        final int kv = t.column("kv_cache_size");
        final int median = t.column("attn_median_ms_per_layer");
        final ComponentCoefficients k7 = ComponentCoefficients.LLAMA2_7B_A100_TP1;
        final ComponentCoefficients k4 = ComponentCoefficients.LLAMA2_70B_A100_TP4;
        final ErrorStats dec = new ErrorStats();
        final ErrorStats pre = new ErrorStats();
        final ErrorStats preTp2 = new ErrorStats();
        for (final String[] row : t.rows()) {
            final boolean decode = CsvTable.cell(row, phase).toLowerCase(java.util.Locale.ROOT).startsWith("decode");
            final int tpv = CsvTable.integer(row, tp);
            final int b = CsvTable.integer(row, batch);
            final int c = CsvTable.integer(row, chunk);
            final int k = CsvTable.integer(row, kv);
            final double measured = CsvTable.number(row, median);
            final String where = decode ? "B=" + b + " kv=" + k : "c=" + c + " kv=" + k;
            if (decode && tpv == 1) {
                dec.add(k7.decodeAttentionMs(b, (long) b * k), measured, where);
            } else if (!decode && tpv == 1) {
                pre.add(k7.prefillAttentionMs(List.of(new PrefillChunk(c, k))), measured, where);
            } else if (!decode && tpv == 2) {
                preTp2.add(k4.prefillAttentionMs(List.of(new PrefillChunk(c, k))), measured, where);
            }
        }
        final List<String> lines = List.of(
                dec.summary("DEC 7B TP1 (A.9 10.8%)"),
                pre.summary("PRE 7B TP1 (A.9 7.9%)"),
                preTp2.summary("PRE 70B-TP4 vs 7B-TP2 rows"));
        lines.forEach(System.out::println);
        assertTrue(dec.count() >= 40 && pre.count() >= 40, lines::toString);
        assertTrue(dec.mape() < 0.15, lines::toString);
        assertTrue(pre.mape() < 0.15, lines::toString);
        assertTrue(preTp2.mape() < 0.20, lines::toString);
    }

    /**
     * Whole single-prompt prefill iterations against Splitwise's real Llama-2-70B DGX-A100 runs (median of
     * the repeated rows, batch_size 1), as in A.9 "Validation". Asserted within 15% for 256-4,096 tokens.
     * Printed but not asserted: 128 tokens, where the model is about 23% fast at TP4 because the fixed
     * serving-stack overhead (~10-15 ms, also visible in the decode steps) is not modelled (C_cpu = 0), and
     * 8,192 tokens, beyond Vidur's profiled 4,096 tokens, where the model extrapolates (-16% TP4, +14% TP2).
     * Decode steps at batch 1 are printed for information (A.9: TP4 runs 8-11 ms slower than the model).
     */
    @Test
    void wholePrefillIterationsMatchSplitwiseMeasurements() throws IOException {
        final CsvTable t = CsvTable.read(SharedData.require("data/profiling/splitwise-sim_perf_model.csv"));
        final int model = t.column("model");
        final int hardware = t.column("hardware");
        final int prompt = t.column("prompt_size");
        final int batch = t.column("batch_size");
        final int tokenSize = t.column("token_size");
        final int promptTime = t.column("prompt_time");
        final int tokenTime = t.column("token_time");
        final int tpCol = t.column("tensor_parallel");
        final List<String> lines = new ArrayList<>();
        lines.add("TP  prompt  measured(ms)  model(ms)  error");
        int asserted = 0;
        boolean ok = true;
        for (final ComponentCoefficients k : List.of(ComponentCoefficients.LLAMA2_70B_A100_TP2,
                ComponentCoefficients.LLAMA2_70B_A100_TP4)) {
            final VidurComponentModel m = new VidurComponentModel(k);
            final Map<Integer, List<Double>> prefills = new TreeMap<>();
            final Map<Integer, List<Double>> decodes = new TreeMap<>();
            for (final String[] row : t.rows()) {
                if (!"llama2-70b".equalsIgnoreCase(CsvTable.cell(row, model))
                        || !"a100-80gb".equalsIgnoreCase(CsvTable.cell(row, hardware))
                        || CsvTable.integer(row, tpCol) != k.tensorParallel()
                        || CsvTable.integer(row, batch) != 1) {
                    continue;
                }
                final int p = CsvTable.integer(row, prompt);
                prefills.computeIfAbsent(p, x -> new ArrayList<>()).add(CsvTable.number(row, promptTime));
                // Mean context over the decode steps of the run: prompt + half the generated tokens.
                final int meanCtx = p + CsvTable.integer(row, tokenSize) / 2;
                decodes.computeIfAbsent(meanCtx, x -> new ArrayList<>()).add(CsvTable.number(row, tokenTime));
            }
            for (final Map.Entry<Integer, List<Double>> e : prefills.entrySet()) {
                final int p = e.getKey();
                final double measured = median(e.getValue());
                final double predicted = m.iterationMillis(VidurComponentModelTest.prefill(p));
                final double err = predicted / measured - 1;
                final boolean checked = p >= 256 && p <= 4096;
                lines.add(String.format("%d  %6d  %10.1f  %9.1f  %+6.1f%%%s", k.tensorParallel(), p, measured,
                        predicted, 100 * err, checked ? "" : "  (not asserted)"));
                if (checked) {
                    asserted++;
                    ok &= Math.abs(err) <= 0.15;
                }
            }
            for (final Map.Entry<Integer, List<Double>> e : decodes.entrySet()) {
                final double measured = median(e.getValue());
                final double predicted = m.iterationMillis(BatchShape.decodeOnly(1, e.getKey()));
                lines.add(String.format("%d  decode@%d  %6.1f  %9.1f  %+6.1f%%  (info)", k.tensorParallel(),
                        e.getKey(), measured, predicted, 100 * (predicted / measured - 1)));
            }
        }
        lines.forEach(System.out::println);
        assertTrue(asserted >= 10, "expected prompt sizes 256..4096 for TP2 and TP4: " + lines);
        assertTrue(ok, () -> String.join("\n", lines));
    }

    private static double median(final List<Double> values) {
        final List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        final int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}

package org.kvsched.cli.experiment.mcsf;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.kvsched.cli.experiment.Experiment;
import org.kvsched.cli.experiment.ExperimentContext;
import org.kvsched.cli.experiment.ExperimentResult;
import org.kvsched.core.exec.ModelCatalog;
import org.kvsched.core.exec.ModelProfile;
import org.kvsched.core.metrics.RequestOutcome;
import org.kvsched.core.metrics.RunResult;
import org.kvsched.core.model.LengthPredictor;
import org.kvsched.core.model.WorkloadRequest;
import org.kvsched.core.policy.PolicyConfig;
import org.kvsched.core.sim.ProgressListener;
import org.kvsched.core.sim.Simulation;
import org.kvsched.core.sim.SimulationSetup;
import org.kvsched.core.workload.WorkloadOptions;
import org.kvsched.core.workload.Workload;
import org.kvsched.core.workload.Workloads;

/**
 * {@code mcsf-trace}: MC-SF against MC-Benchmark (FCFS with the same future-memory check) on a real length
 * distribution, Llama2-70B on 2 x A100 with the paper's KV budget (Jaillet et al., arXiv 2502.07115, real-trace
 * study): Poisson arrivals at 50 and 10 requests/s, average end-to-end latency, and its growth with arrival time
 * (slope). Run under two time models, side by side:
 * <ul>
 *   <li>{@code a100}: {@code llama2-70b-a100-tp2:kv=16496}, our Vidur component model of the deployment; the paper's
 *       M = 16,492 tokens rounded to whole 16-token blocks (1,031 blocks); a prompt is processed in the iteration that
 *       emits the first token.</li>
 *   <li>{@code authors}: {@code mcsf-linear} ({@link org.kvsched.core.exec.LinearBatchModel}), the linear batch time of
 *       the authors' simulation code, M = 16,492 tokens exactly (block 1); as in that code a prompt takes a round of its
 *       own (output + 1 rounds in all), which we model by giving each request one more output token (the prompt round's
 *       token is never counted, and latency is completion minus arrival either way).</li>
 * </ul>
 * Why a catalog model plus a workload transform rather than one experiment flag: the batch time is a property of
 * the deployment, usable by every command ({@code --model mcsf-linear}); the extra round is a property of how the
 * authors count a request's rounds, which only this reproduction needs.
 *
 * <p>Lengths: rows of the Azure 2023 conversation trace (prompt and output sampled jointly, capped at 4,096 tokens),
 * not LMSYS-Chat-1M words (not in the shared data).
 */
public final class McsfTraceExperiment implements Experiment {

    static final String MODEL = "llama2-70b-a100-tp2:kv=16496";
    /** The authors' time model (see the class note). */
    static final String AUTHORS_MODEL = "mcsf-linear";
    static final String LENGTHS = "data/traces/AzureLLMInferenceTrace_conv.csv";

    @Override
    public String name() {
        return "mcsf-trace";
    }

    @Override
    public String description() {
        return "MC-SF vs MC-Benchmark, Llama2-70B/2xA100, M=16,496, Poisson 50 and 10 req/s (Jaillet et al.): 32.11 vs 46.47";
    }

    /** Mean E2E (s) and slope of E2E over arrival time (s per s). */
    private record Figures(double meanE2eS, double slope, double p99E2eS, long completed, long preemptions,
                           double throughputRps) {
    }

    /** Load factors of the paper's two rates relative to capacity, read off its FCFS benchmark slopes [R]. */
    static final double HIGH_LOAD = 1.5;
    static final double LOW_LOAD = 1.0;

    /** One time model of the comparison. */
    private record TimeModel(String key, String label, String spec, boolean promptRound) {
    }

    private static final List<TimeModel> TIME_MODELS = List.of(
            new TimeModel("a100", "A100 model", MODEL, false),
            new TimeModel("authors", "authors' model", AUTHORS_MODEL, true));

    @Override
    public ExperimentResult run(final ExperimentContext ctx) {
        final int n = ctx.quick() ? 300 : 10_000;
        final Path lengths = ctx.sharedFile(LENGTHS);
        final List<List<String>> rows = new ArrayList<>();
        final Map<String, Object> json = new LinkedHashMap<>();
        for (final TimeModel tm : TIME_MODELS) {
            final Map<String, Object> figures = runModel(ctx, tm, n, lengths, rows);
            if (tm.key().equals("a100")) {
                // The A100 figures stay at the top level (the keys earlier runs wrote).
                json.putAll(figures);
            }
            json.put(tm.key(), figures);
        }
        json.put("requests", n);
        json.put("model", MODEL);
        json.put("authors_model", AUTHORS_MODEL);
        json.put("lengths", LENGTHS);
        final List<String> notes = List.of(
                "Lengths: Azure 2023 conversation trace (mean prompt 1,155, output 211 tokens, capped at 4,096 in total), "
                        + "not the paper's LMSYS-Chat-1M subset (mean 40.6 + 85.3 words). With 16,496 tokens of KV only about 12 "
                        + "such requests fit at once (the paper's fit about 200), so both paper rates overload this replica by "
                        + "an order of magnitude (it serves roughly 1-2 requests/s): the queue, not the batch, sets the latency, "
                        + "and absolute latencies are not comparable with the paper's; the relative reduction is the figure to compare.",
                "Load-matched rates [R]: under FCFS in overload, latency grows by rate/capacity - 1 per second of arrivals, so "
                        + "the paper's benchmark slopes (1/2 at 50 req/s, 1/100 at 10 req/s) put its 50 req/s at about 1.5x its "
                        + "capacity and its 10 req/s at about 1x. Per time model we measure our capacity as MC-Benchmark's "
                        + "completion rate at 50 req/s and rerun at " + HIGH_LOAD + "x and " + LOW_LOAD + "x of it; the paper's "
                        + "50 req/s figures are set against the high one too.",
                "A100 model: our Vidur component model of Llama2-70B TP2 on A100 (the paper used Vidur's own predictor); "
                        + "M = 16,496 is the paper's 16,492 rounded up to whole 16-token blocks. Authors' model: their code's "
                        + "batch time (0.0027 * mean context + 0.52) * batch size + 44.6 + 0.378 * prompt tokens, ms, with a "
                        + "round per prompt and M = 16,492; our decode context includes the prompt where theirs counts output "
                        + "tokens only (about 3 ms more per decode at these prompt lengths). Predictions exact (oracle), as in "
                        + "the paper's main comparison. Slope: least-squares slope of E2E latency over arrival time.",
                "Paper figures: 32.11 vs 46.47 (units not stated in the sources read; seconds assumed) and slopes about 1/6 vs "
                        + "1/2 at 50 req/s, 1/800 vs 1/100 at 10 req/s (secondary sources; docs/mcsf-fidelity.md).");
        return new ExperimentResult("MC-SF vs MC-Benchmark on a conversation trace, Llama2-70B on 2xA100 (Jaillet et al.)",
                List.of("time model", "arrivals", "metric", "ours", "paper", "ours/paper"), rows, json, notes);
    }

    /** The four rates under one time model; adds its rows and returns its JSON figures. */
    private static Map<String, Object> runModel(final ExperimentContext ctx, final TimeModel tm, final int n,
                                                final Path lengths, final List<List<String>> rows) {
        final ModelProfile model = ModelCatalog.byName(tm.spec());
        final List<Double> rates = new ArrayList<>(List.of(50.0, 10.0));
        final Map<String, Object> json = new LinkedHashMap<>();
        final Map<String, Object> runs = new LinkedHashMap<>();
        for (int k = 0; k < rates.size(); k++) {
            final double rate = rates.get(k);
            final String spec = String.format(Locale.ROOT, "poisson:rate=%s,n=%d,prompt=empirical:%s,output=empirical:%s",
                    rate, n, lengths, lengths);
            final Workload generated = Workloads.generate(spec, WorkloadOptions.defaults(), ctx.seed());
            final Workload w = tm.promptRound() ? withPromptRound(generated) : generated;
            final Figures sf = run(w, "mcsf", model);
            final Figures bench = run(w, "mc-benchmark", model);
            ctx.progress().printf("mcsf-trace %s: rate %s done (mcsf %.2f s, mc-benchmark %.2f s)%n", tm.key(), rate,
                    sf.meanE2eS(), bench.meanE2eS());
            final double reduction = 1 - sf.meanE2eS() / bench.meanE2eS();
            final boolean paperRate = k < 2;
            if (k == 0) {
                // Saturated at 50 req/s: the FCFS benchmark's completion rate is the replica's capacity.
                final double capacity = bench.throughputRps();
                rates.add(round2(HIGH_LOAD * capacity));
                rates.add(round2(LOW_LOAD * capacity));
                json.put("capacity_req_per_s", capacity);
            }
            final String label = String.format(Locale.ROOT, "%s req/s%s", fmt(rate),
                    paperRate ? "" : k == 2 ? " (load-matched high)" : " (load-matched low)");
            final boolean high = k == 0 || k == 2;
            final String paperSf = high ? "32.11" : "-";
            final String paperBench = high ? "46.47" : "-";
            rows.add(List.of(tm.label(), label, "MC-SF mean E2E (s)", f(sf.meanE2eS()), paperSf,
                    high ? f(sf.meanE2eS() / 32.11) : "-"));
            rows.add(List.of(tm.label(), label, "MC-Benchmark mean E2E (s)", f(bench.meanE2eS()), paperBench,
                    high ? f(bench.meanE2eS() / 46.47) : "-"));
            rows.add(List.of(tm.label(), label, "reduction by MC-SF", pct(reduction), high ? "30.9%" : "-",
                    high ? f(reduction / 0.309) : "-"));
            rows.add(List.of(tm.label(), label, "slope E2E/arrival MC-SF | bench", f(sf.slope()) + " | " + f(bench.slope()),
                    high ? "0.167 | 0.5" : "0.00125 | 0.01", "-"));
            final String key = fmt(rate).replace('.', '_');
            final Map<String, Object> r = new LinkedHashMap<>();
            r.put("rate_per_s", rate);
            r.put("mcsf_mean_e2e_s", sf.meanE2eS());
            r.put("mc_benchmark_mean_e2e_s", bench.meanE2eS());
            r.put("mcsf_p99_e2e_s", sf.p99E2eS());
            r.put("mc_benchmark_p99_e2e_s", bench.p99E2eS());
            r.put("reduction", reduction);
            r.put("mcsf_slope", sf.slope());
            r.put("mc_benchmark_slope", bench.slope());
            r.put("preemptions", sf.preemptions() + bench.preemptions());
            r.put("mcsf_throughput_req_per_s", sf.throughputRps());
            r.put("mc_benchmark_throughput_req_per_s", bench.throughputRps());
            runs.put("rate_" + key, r);
            final String level = k == 0 ? "high" : k == 1 ? "low" : k == 2 ? "load_matched_high" : "load_matched_low";
            json.put("mcsf_mean_e2e_s_" + level, sf.meanE2eS());
            json.put("mc_benchmark_mean_e2e_s_" + level, bench.meanE2eS());
            json.put("reduction_" + level, reduction);
        }
        json.put("runs", runs);
        json.put("model", tm.spec());
        json.put("prompt_round", tm.promptRound());
        return json;
    }

    /** The workload with one more output token per request: the authors' round of its own for the prompt. */
    static Workload withPromptRound(final Workload w) {
        final List<WorkloadRequest> out = new ArrayList<>(w.requests().size());
        for (final WorkloadRequest r : w.requests()) {
            out.add(new WorkloadRequest(r.id(), r.arrivalUs(), r.promptTokens(), r.outputTokens() + 1));
        }
        return new Workload(w.name() + "+prompt-round", out);
    }

    private static Figures run(final Workload w, final String policy, final ModelProfile model) {
        final SimulationSetup setup = new SimulationSetup(w, PolicyConfig.parse(policy), model, LengthPredictor.oracle(), 1,
                "round-robin", 1);
        final RunResult r = Simulation.run(setup, ProgressListener.NONE).result();
        final List<RequestOutcome> done = r.outcomes().stream().filter(RequestOutcome::completed).toList();
        double sx = 0;
        double sy = 0;
        for (final RequestOutcome o : done) {
            sx += o.arrivalUs() / 1e6;
            sy += o.e2eUs() / 1e6;
        }
        final double mx = sx / done.size();
        final double my = sy / done.size();
        double sxy = 0;
        double sxx = 0;
        for (final RequestOutcome o : done) {
            final double dx = o.arrivalUs() / 1e6 - mx;
            sxy += dx * (o.e2eUs() / 1e6 - my);
            sxx += dx * dx;
        }
        return new Figures(my, sxx == 0 ? 0 : sxy / sxx, r.summary().e2eMs().p99() / 1e3, done.size(),
                r.summary().preemptions(), r.summary().throughputRequestsPerS());
    }

    private static String f(final double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static String fmt(final double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    private static double round2(final double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static String pct(final double v) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }
}

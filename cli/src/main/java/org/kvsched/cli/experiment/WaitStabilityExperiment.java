package org.kvsched.cli.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.kvsched.core.exec.LinearSurrogateModel;
import org.kvsched.core.exec.ModelCatalog;
import org.kvsched.core.exec.ModelProfile;
import org.kvsched.core.metrics.RequestOutcome;
import org.kvsched.core.model.LengthPredictor;
import org.kvsched.core.policy.PolicyConfig;
import org.kvsched.core.policy.wait.FluidModel;
import org.kvsched.core.policy.wait.LinearTime;
import org.kvsched.core.policy.wait.RequestType;
import org.kvsched.core.sim.ProgressListener;
import org.kvsched.core.sim.Simulation;
import org.kvsched.core.sim.SimulationSetup;
import org.kvsched.core.workload.Workload;
import org.kvsched.core.workload.WorkloadOptions;
import org.kvsched.core.workload.Workloads;

/**
 * {@code wait-stability}: the stability boundary and long-decode latency of WAIT against Sarathi and vLLM
 * (Ao, Luo, Simchi-Levi, Wang, arXiv 2504.11320, v4 Figures B and G; research/wait-nested-wait.md 6.2, 6.4).
 *
 * <p>Part 1, single type prompt 512 / output 20 on Llama-2-7B, 1xA100 ({@code llama2-7b-a100}), Poisson
 * arrivals: for each policy, the arrival rate at which it becomes unstable. <b>Operational definition of
 * "unstable"</b> (averaged over the seeds, either suffices): (a) the queue does not drain: the backlog
 * (arrived, not completed) seen by the arrivals of the last quarter exceeds that seen by the second quarter
 * by more than 2% of the arrivals in between (a stable queue's backlog is stationary; an overload by a factor
 * rho leaves a fraction 1 - 1/rho of them);
 * (b) latency grows with the trace: the mean end-to-end latency of the last quarter of the arrivals exceeds
 * 1.5 times that of the second quarter (stationary: ~1; linear growth from 0: ~2.3). (a) catches policies with
 * a high latency floor (big batches), (b) those that are barely over capacity. {@code unstable_rate} is the
 * smallest rate of the grid from which every larger rate is unstable; {@code last_stable_rate} the grid point
 * below it (the paper's lambda*, "largest rate where latency stays controlled").
 *
 * <p>Part 2, prompt 512 / output 1000 at lambda = 4.5 and 4.0: mean end-to-end latency over the middle 50% of
 * the arrivals (the paper's central window), on Llama-2-7B and, as a labelled what-if, on a GQA model with
 * Llama-3-8B's KV geometry (the authors' own logs say their figures used Vidur's Llama-3-8B profile).
 */
public final class WaitStabilityExperiment implements Experiment {

    static final List<String> POLICIES = List.of("wait", "sarathi", "vllm-v0");
    private static final Map<String, Double> PAPER_LAMBDA_STAR = Map.of("wait", 23.0, "sarathi", 22.0, "vllm-v0", 19.0);
    private static final Map<String, Double> PAPER_LATENCY_45 = Map.of("wait", 32.3, "sarathi", 41.7, "vllm-v0", 53.8);
    private static final Map<String, Double> PAPER_LATENCY_40 = Map.of("wait", 26.4, "sarathi", 30.2);
    static final double DRIFT_LIMIT = 1.5;
    static final double BACKLOG_LIMIT = 0.02;

    @Override
    public String name() {
        return "wait-stability";
    }

    @Override
    public String description() {
        return "WAIT vs Sarathi vs vLLM: unstable arrival rate (p512d20) and long-decode latency (p512d1000), arXiv 2504.11320";
    }

    /** Latency statistics of one run. */
    record RunStats(double mean, double middleMean, double drift, double backlogGrowth, long preemptions) {
    }

    static RunStats run(final String policy, final ModelProfile model, final double rate, final int n, final int output,
                        final long seed) {
        final Workload w = Workloads.generate(String.format(Locale.ROOT, "poisson:rate=%s,n=%d,prompt=fixed:512,output=fixed:%d",
                rate, n, output), WorkloadOptions.defaults(), seed);
        final Simulation.Outcome o = Simulation.run(new SimulationSetup(w, PolicyConfig.parse(policy), model,
                LengthPredictor.oracle(), 1, "round-robin", seed), ProgressListener.NONE);
        final List<RequestOutcome> outcomes = o.result().outcomes();
        final double[] sum = new double[4];
        final int[] count = new int[4];
        double all = 0;
        int done = 0;
        for (final RequestOutcome r : outcomes) {
            if (!r.completed()) {
                continue;
            }
            final int q = (int) Math.min(3, r.requestId() * 4 / n);
            final double e2e = r.e2eUs() / 1e6;
            sum[q] += e2e;
            count[q]++;
            all += e2e;
            done++;
        }
        final double q2 = sum[1] / Math.max(1, count[1]);
        final double q4 = sum[3] / Math.max(1, count[3]);
        // Backlog (arrived, not completed) seen by each arrival, averaged over the second and the last quarter.
        final long[] completions = outcomes.stream().filter(RequestOutcome::completed).mapToLong(RequestOutcome::completionUs).sorted().toArray();
        final double[] backlogSum = new double[4];
        final int[] backlogCount = new int[4];
        int c = 0;
        for (int i = 0; i < n; i++) {
            final long t = w.requests().get(i).arrivalUs();
            while (c < completions.length && completions[c] <= t) {
                c++;
            }
            final int q = (int) Math.min(3, (long) i * 4 / n);
            backlogSum[q] += (i + 1) - c;
            backlogCount[q]++;
        }
        final double growth = (backlogSum[3] / backlogCount[3] - backlogSum[1] / backlogCount[1]) / (n / 2.0);
        return new RunStats(all / Math.max(1, done), (sum[1] + sum[2]) / Math.max(1, count[1] + count[2]), q4 / q2, growth,
                o.result().summary().preemptions());
    }

    @Override
    public ExperimentResult run(final ExperimentContext ctx) {
        final boolean quick = ctx.quick();
        final ModelProfile llama = ModelCatalog.byName("llama2-7b-a100");
        final double[] rates = quick ? new double[] {20, 22, 24, 26, 28} : new double[] {16, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 30};
        final int n = quick ? 1200 : 8000;
        final int seeds = quick ? 1 : 3;
        final List<List<String>> rows = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        final Map<String, Object> json = new LinkedHashMap<>();
        final Map<String, Object> unstable = new LinkedHashMap<>();
        final Map<String, Object> lastStable = new LinkedHashMap<>();
        final Map<String, Object> curves = new LinkedHashMap<>();

        for (final String policy : POLICIES) {
            final boolean[] bad = new boolean[rates.length];
            final List<Object> curve = new ArrayList<>();
            for (int i = 0; i < rates.length; i++) {
                double drift = 0;
                double mean = 0;
                double backlog = 0;
                for (int s = 0; s < seeds; s++) {
                    final RunStats r = run(policy, llama, rates[i], n, 20, ctx.seed() + s);
                    drift += r.drift() / seeds;
                    mean += r.mean() / seeds;
                    backlog += r.backlogGrowth() / seeds;
                }
                bad[i] = drift > DRIFT_LIMIT || backlog > BACKLOG_LIMIT;
                ctx.progress().printf(Locale.ROOT, "wait-stability p512d20 %s lambda=%.0f: mean %.3f s, drift %.2f, backlog growth %.3f%s%n",
                        policy, rates[i], mean, drift, backlog, bad[i] ? " (unstable)" : "");
                final Map<String, Object> point = new LinkedHashMap<>();
                point.put("lambda", rates[i]);
                point.put("mean_latency_s", mean);
                point.put("drift", drift);
                point.put("backlog_growth", backlog);
                point.put("unstable", bad[i]);
                curve.add(point);
            }
            int first = rates.length;
            while (first > 0 && bad[first - 1]) {
                first--;
            }
            final Double unstableRate = first < rates.length ? rates[first] : null;
            final Double stableRate = first > 0 ? rates[first - 1] : null;
            unstable.put(policy, unstableRate);
            lastStable.put(policy, stableRate);
            curves.put(policy, curve);
            final double paper = PAPER_LAMBDA_STAR.get(policy);
            rows.add(List.of("p512d20 lambda* (last stable rate)", policy, stableRate == null ? "< grid" : fmt(stableRate),
                    fmt(paper), stableRate == null ? "-" : fmt(stableRate / paper)));
            rows.add(List.of("p512d20 unstable rate", policy, unstableRate == null ? "> grid" : fmt(unstableRate),
                    "~" + fmt(paper + 1), unstableRate == null ? "-" : fmt(unstableRate / (paper + 1))));
        }
        json.put("unstable_rate", unstable);
        json.put("last_stable_rate", lastStable);
        json.put("p512d20_curves", curves);
        json.put("drift_limit", DRIFT_LIMIT);
        json.put("backlog_limit", BACKLOG_LIMIT);
        json.put("requests_per_run", n);
        json.put("seeds", seeds);

        // Fluid limit of p512d20 on this model (any policy): d1 S = 1 or M* = C.
        final LinearTime time = LinearTime.of(llama.timeModel(), List.of(RequestType.of(512, 20, 22)), llama.kvCapacityTokens());
        final FluidModel fluid22 = FluidModel.solve(List.of(RequestType.of(512, 20, 22)), time, llama.kvCapacityTokens());
        final double fluidLimit = 22 * fluid22.stabilityMarginFactor();
        json.put("p512d20_fluid_limit_rate", fluidLimit);
        rows.add(List.of("p512d20 fluid limit (any policy)", "-", fmt(fluidLimit), "-", "-"));

        // Part 2: long decode.
        final int nLong = quick ? 500 : 5000;
        final Map<String, Object> longJson = new LinkedHashMap<>();
        final ModelProfile gqa = gqaWhatIf(llama);
        for (final ModelProfile model : List.of(llama, gqa)) {
            final Map<String, Object> byRate = new LinkedHashMap<>();
            for (final double rate : quick ? new double[] {4.5} : new double[] {4.0, 4.5}) {
                final Map<String, Object> byPolicy = new LinkedHashMap<>();
                for (final String policy : POLICIES) {
                    final RunStats r = run(policy, model, rate, nLong, 1000, ctx.seed());
                    ctx.progress().printf(Locale.ROOT, "wait-stability p512d1000 %s %s lambda=%.1f: middle-window mean %.2f s, drift %.2f, %d preemptions%n",
                            model.name(), policy, rate, r.middleMean(), r.drift(), r.preemptions());
                    final Map<String, Object> m = new LinkedHashMap<>();
                    m.put("mean_latency_s", r.middleMean());
                    m.put("mean_latency_all_s", r.mean());
                    m.put("drift", r.drift());
                    m.put("preemptions", r.preemptions());
                    byPolicy.put(policy, m);
                    final Double paper = rate == 4.5 ? PAPER_LATENCY_45.get(policy) : PAPER_LATENCY_40.get(policy);
                    rows.add(List.of(String.format(Locale.ROOT, "p512d1000 lambda=%.1f mean latency s (%s)", rate, model.name()), policy,
                            fmt(r.middleMean()), paper == null ? "-" : fmt(paper), paper == null ? "-" : fmt(r.middleMean() / paper)));
                }
                byRate.put(String.format(Locale.ROOT, "%.1f", rate), byPolicy);
            }
            final LinearTime t = LinearTime.of(model.timeModel(), List.of(RequestType.of(512, 1000, 4.5)), model.kvCapacityTokens());
            final FluidModel f = FluidModel.solve(List.of(RequestType.of(512, 1000, 4.5)), t, model.kvCapacityTokens());
            byRate.put("fluid_verdict_4.5", f.verdict());
            byRate.put("fluid_limit_rate", 4.5 * f.stabilityMarginFactor());
            longJson.put(model.name(), byRate);
            notes.add(String.format(Locale.ROOT, "p512d1000 on %s: fluid verdict at lambda=4.5: %s; fluid limit %.2f req/s.",
                    model.name(), f.verdict(), 4.5 * f.stabilityMarginFactor()));
        }
        json.put("long_decode", longJson);
        json.put("long_decode_requests", nLong);

        notes.add("Unstable = the mean backlog seen by the last quarter of arrivals exceeds that seen by the second quarter by more than "
                + BACKLOG_LIMIT + " of the arrivals in between (the queue does not drain), or the mean latency of the last quarter of arrivals exceeds " + DRIFT_LIMIT
                + " x that of the second quarter (latency grows with the trace), averaged over " + seeds + " seed(s) of " + n
                + " Poisson arrivals; the paper instead reads lambda* off latency and completion-rate curves (10 replications, 5,000-10,000 "
                + "requests). Near the boundary any finite-trace test has limited power: read the rates as +-1 req/s.");
        notes.add(String.format(Locale.ROOT, "The fluid model bounds every policy: on our Llama-2-7B model p512d20 leaves the service region (d1*S = 1) at %.1f req/s "
                + "(d0 = %.2f ms, d1 = %.5f ms/token, %s). WAIT gets close to it because its threshold grows with lambda: n = 1 per stage "
                + "admits one prompt per iteration (an iteration of one 512-token prefill + 19 decodes takes 42.9 ms here: 23.3 req/s), n = 2, 3, "
                + "8 amortise the fixed cost (24.3, 24.5, 24.9 req/s; 25.1 in the limit); Sarathi's 512-token budget, shared with the decodes, "
                + "admits less than one prompt per iteration, so it saturates first: the paper's order WAIT > Sarathi is reproduced, one "
                + "to two req/s higher in absolute terms (a different time model).",
                fluidLimit, time.d0Seconds() * 1e3, time.d1SecondsPerToken() * 1e3, time.how()));
        notes.add("vLLM differs from the paper (19 req/s there): our vllm-v0 (Vidur's vllm: prefill-only batches up to 4,096 padded tokens, cap 128) "
                + "batches up to 8 prompts per prefill, which on our closed-form Llama-2-7B model costs less per prompt than Sarathi's one-prompt "
                + "iterations, so it stays stable to about the same rate as WAIT, with a higher latency floor (decodes stall during prefills). The "
                + "paper's vLLM ran on Vidur's random-forest predictor over the Meta-Llama-3-8B profile (authors' provenance log), whose prefill "
                + "batches are priced differently; we have neither that profile nor its predictor.");
        notes.add("p512d1000: on Llama-2-7B (MHA, 0.5 MiB KV per token, C = 118,784 tokens) the fluid model says lambda = 4.5 is far outside the "
                + "stability region for ANY policy, so the latencies grow with the trace length and depend on N; the paper's 32.3 / 41.7 / 53.8 s "
                + "match a model with ~4x the KV tokens and ~4x cheaper attention per token, i.e. Llama-3-8B with GQA, which the authors' logs name "
                + "as the profile behind the published figures. Our what-if row (llama3-8b-like-whatif: the Llama-2-7B linear surrogate with "
                + "attention cost / 4 and KV x 4; labelled, not a Vidur profile) shows the regime the paper measured: latencies of the paper's "
                + "magnitude and its order WAIT < Sarathi < vLLM at 4.5, but WAIT and Sarathi within a few percent (paper: 23%). The paper "
                + "attributes WAIT's gain there to evictions (Sarathi restarts 2.88% of requests at 4.0, WAIT none); in the what-if nobody is "
                + "evicted (KV x4 leaves M*/C ~ 0.25), so both admit as fast as requests come. On Llama-2-7B, where memory binds, the eviction "
                + "story shows: WAIT evicts nothing while Sarathi and vLLM restart 1,600-1,900 requests, and WAIT's latency is 10-12% lower.");
        notes.add("WAIT here: fluid thresholds with 5% slack, whole-prompt prefill, residents always decode (the v4 simulator's rule); the paper's "
                + "simulations chunk WAIT's prefill (256 tokens) and tune a total cap tl on a grid per lambda, which we do not.");
        return new ExperimentResult("WAIT vs Sarathi vs vLLM on Llama-2-7B / 1xA100 (arXiv 2504.11320 Figures B and G)",
                List.of("quantity", "policy", "ours", "paper", "ours/paper"), rows, json, notes);
    }

    /**
     * A labelled what-if deployment: the Llama-2-7B linear surrogate with the decode-attention cost per context
     * token divided by 4 and 4x the KV tokens (Llama-3-8B has 8 KV heads instead of 32: 128 KiB per token).
     */
    static ModelProfile gqaWhatIf(final ModelProfile llama) {
        final LinearSurrogateModel base = LinearSurrogateModel.LLAMA2_7B_A100_TP1;
        final LinearSurrogateModel m = new LinearSurrogateModel("Llama-3-8B-like what-if", base.a(), base.b(), base.c(), base.d() / 4);
        final Map<String, String> params = new LinkedHashMap<>();
        params.put(ModelProfile.KV_KEY, Integer.toString(llama.kvCapacityTokens() * 4));
        return new ModelProfile("llama3-8b-like-whatif", "what-if: Llama-2-7B surrogate, attention/4, KV x4 (GQA)",
                llama.kvCapacityTokens() * 4, llama.blockSize(), llama.maxContextTokens(), m, params);
    }

    static String fmt(final double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}

package org.kvsched.cli.experiment.replay;

import java.io.IOException;
import java.io.UncheckedIOException;
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
import org.kvsched.core.metrics.Stats;
import org.kvsched.core.metrics.Summary;
import org.kvsched.core.model.LengthPredictor;
import org.kvsched.core.policy.PolicyConfig;
import org.kvsched.core.policy.PolicyFactory;
import org.kvsched.core.policy.PolicyKind;
import org.kvsched.core.sim.ProgressListener;
import org.kvsched.core.sim.Simulation;
import org.kvsched.core.sim.SimulationSetup;
import org.kvsched.core.workload.Workload;
import org.kvsched.core.workload.WorkloadOptions;
import org.kvsched.core.workload.Workloads;

/**
 * {@code azure-replay}: the Azure LLM inference traces of 2023 (conversation and code, real
 * arrival times) replayed on Llama-2-7B on one A100 and Llama-2-70B with TP4, through every registered online
 * policy (default parameters, exact length predictions for those that use them), at the trace's rate and at
 * higher rate scales: TTFT and end-to-end latency (mean, p50, p99), throughput, preemptions, KV utilisation.
 * No paper publishes these figures; the experiment is a comparison across our policies.
 */
public final class AzureReplayExperiment implements Experiment {

    static final List<String> TRACES = List.of("data/traces/AzureLLMInferenceTrace_conv.csv",
            "data/traces/AzureLLMInferenceTrace_code.csv");
    static final List<String> MODELS = List.of("llama2-7b-a100", "llama2-70b-a100-tp4");
    /** Requests kept from each trace in quick mode. */
    static final int QUICK_REQUESTS = 250;

    private final List<String> policies;
    private final int quickRequests;

    /** The experiment as the command line runs it: every registered online policy. */
    public AzureReplayExperiment() {
        this(onlinePolicies(), QUICK_REQUESTS);
    }

    /**
     * A narrower experiment for tests: the same traces, models and rates with fewer policies and requests.
     *
     * @param policies      policy specs to replay, in table order
     * @param quickRequests requests kept from each trace in quick mode, &gt;= 1
     */
    AzureReplayExperiment(final List<String> policies, final int quickRequests) {
        this.policies = List.copyOf(policies);
        this.quickRequests = quickRequests;
    }

    /** Every registered online policy in registry order (an offline one needs the whole workload in advance). */
    static List<String> onlinePolicies() {
        final List<String> list = new ArrayList<>();
        for (final PolicyFactory k : PolicyKind.all()) {
            if (!k.offline()) {
                list.add(k.name());
            }
        }
        return List.copyOf(list);
    }

    @Override
    public String name() {
        return "azure-replay";
    }

    @Override
    public String description() {
        return "Azure 2023 conv and code traces, Llama-2-7B/A100 and 70B/TP4, every online policy at 1x and higher rates";
    }

    @Override
    public ExperimentResult run(final ExperimentContext ctx) {
        final int maxRequests = ctx.quick() ? quickRequests : 0;
        final double[] scales = ctx.quick() ? new double[] {1, 4} : new double[] {1, 2, 4};
        final List<List<String>> rows = new ArrayList<>();
        final List<Object> runs = new ArrayList<>();
        for (final String trace : TRACES) {
            final Path file = ctx.sharedFile(trace);
            final String traceName = trace.contains("code") ? "code" : "conv";
            for (final String modelName : MODELS) {
                final ModelProfile model = ModelCatalog.byName(modelName);
                for (final double scale : scales) {
                    final Workload w = read(file, WorkloadOptions.defaults().withRateScale(scale).withMaxRequests(maxRequests));
                    for (final String policy : policies) {
                        final SimulationSetup setup = new SimulationSetup(w, PolicyConfig.parse(policy), model,
                                LengthPredictor.oracle(), 1, "round-robin", ctx.seed());
                        final Summary s = Simulation.run(setup, ProgressListener.NONE).result().summary();
                        rows.add(List.of(traceName, modelName, fmt(scale) + "x", policy, triple(s.ttftMs()), triple(s.e2eMs()),
                                String.format(Locale.ROOT, "%.0f", s.throughputTokensPerS()), Long.toString(s.preemptions()),
                                String.format(Locale.ROOT, "%.1f%%", 100 * s.kvUtilMean()),
                                s.completed() + "/" + s.requests()));
                        final Map<String, Object> r = new LinkedHashMap<>();
                        r.put("trace", traceName);
                        r.put("model", modelName);
                        r.put("rate_scale", scale);
                        r.put("policy", policy);
                        r.put("requests", s.requests());
                        r.put("completed", s.completed());
                        r.put("ttft_s", stats(s.ttftMs()));
                        r.put("e2e_s", stats(s.e2eMs()));
                        r.put("throughput_tokens_per_s", s.throughputTokensPerS());
                        r.put("throughput_requests_per_s", s.throughputRequestsPerS());
                        r.put("preemptions", s.preemptions());
                        r.put("kv_util_mean", s.kvUtilMean());
                        runs.add(r);
                    }
                    ctx.progress().printf("azure-replay: %s %s x%s done%n", traceName, modelName, fmt(scale));
                }
            }
        }
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("runs", runs);
        json.put("policies", policies);
        json.put("max_requests", maxRequests);
        final List<String> notes = List.of(
                "Traces: the Azure 2023 files with their real arrival times (rate scale s divides every arrival time by s), "
                        + "prompt + output capped at 4,096 tokens (Llama-2 context); quick mode keeps the first " + quickRequests
                        + " requests. One replica per run.",
                "Every registered online policy with its default parameters; hindsight-opt is offline (needs the whole "
                        + "workload and the unit time model) and is left out. Length-aware policies get exact predictions.",
                "No published figures exist for this replay: the table compares our policies with each "
                        + "other. TTFT and E2E in seconds as mean / p50 / p99; throughput in output tokens per second of "
                        + "makespan; KV utilisation time-weighted over the makespan.");
        return new ExperimentResult("Azure 2023 trace replay, every online policy",
                List.of("trace", "model", "rate", "policy", "TTFT s mean/p50/p99", "E2E s mean/p50/p99", "tok/s", "preempt",
                        "KV util", "done"), rows, json, notes);
    }

    private static Workload read(final Path file, final WorkloadOptions options) {
        try {
            return Workloads.readTrace(file, options);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, Object> stats(final Stats ms) {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("mean", ms.mean() / 1e3);
        m.put("p50", ms.p50() / 1e3);
        m.put("p99", ms.p99() / 1e3);
        return m;
    }

    private static String triple(final Stats ms) {
        return String.format(Locale.ROOT, "%.2f / %.2f / %.2f", ms.mean() / 1e3, ms.p50() / 1e3, ms.p99() / 1e3);
    }

    private static String fmt(final double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}

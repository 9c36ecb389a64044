package org.kvsched.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.kvsched.core.exec.ModelProfile;
import org.kvsched.core.policy.wait.FluidModel;
import org.kvsched.core.policy.wait.LinearTime;
import org.kvsched.core.policy.wait.RequestType;
import org.kvsched.core.policy.wait.TypeMix;
import org.kvsched.core.policy.wait.WaitThresholds;
import org.kvsched.reports.ReportJson;
import org.kvsched.core.workload.Workload;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code kvsched fluid}: "is this load stable on this GPU?" The fluid model of the WAIT paper (arXiv
 * 2504.11320, section 2) for the workload's type mix and the model's iteration time: per type and in total
 * lambda, w_j, n_j*, M*, Delta-T*, the two stability conditions, and a one-line verdict.
 */
@Command(name = "fluid", mixinStandardHelpOptions = true,
        description = "Fluid model of the WAIT paper: per-type equilibrium, stability conditions d1*S < 1 and M* <= C, and a verdict.")
final class FluidCommand implements Callable<Integer> {

    @Mixin
    WorkloadArgs workload;

    @Mixin
    DeploymentArgs deployment;

    @Option(names = "--max-types", paramLabel = "N", defaultValue = "8",
            description = "Distinct (prompt, output) pairs if at most N, else N output-length buckets (default: ${DEFAULT-VALUE}).")
    int maxTypes;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the fluid quantities as JSON.")
    Path json;

    @Override
    public Integer call() {
        if (maxTypes < 1) {
            throw new IllegalArgumentException("--max-types must be >= 1, got " + maxTypes);
        }
        final ModelProfile model = deployment.profile();
        final Workload w = workload.load(workload.rateScale, deployment.seed);
        if (w.isEmpty()) {
            throw new IllegalArgumentException("the workload has no requests");
        }
        final TypeMix mix = TypeMix.fromWorkload(w, maxTypes);
        if (mix.allAtOnce()) {
            throw new IllegalArgumentException("every request arrives at the same time: there is no arrival rate, so no fluid equilibrium");
        }
        final LinearTime time = LinearTime.of(model.timeModel(), mix.types(), model.kvCapacityTokens());
        final FluidModel f = FluidModel.solve(mix.types(), time, model.kvCapacityTokens());
        final WaitThresholds thresholds = WaitThresholds.compute(mix, time, model.kvCapacityTokens(), 0.05);

        System.out.printf(Locale.ROOT, "kvsched fluid: %s, %,d requests over %.1f s (lambda = %.3f req/s), model %s (KV C = %,d tokens)%n",
                w.name(), w.size(), w.durationUs() / 1e6, f.totalRate(), model.name(), model.kvCapacityTokens());
        System.out.printf(Locale.ROOT, "iteration time: d0 = %.3f ms, d1 = %.6f ms per KV token (%s)%n",
                time.d0Seconds() * 1e3, time.d1SecondsPerToken() * 1e3, time.how());
        System.out.println("types: " + (mix.exact() ? "distinct (prompt, output) pairs" : mix.size() + " output-length buckets (mean prompt, longest output)"));
        final List<List<String>> rows = new ArrayList<>();
        for (int j = 0; j < mix.size(); j++) {
            final FluidModel.TypeEquilibrium e = f.perType().get(j);
            final RequestType t = e.type();
            rows.add(List.of(t.label(), fmt(t.ratePerSecond(), 3), fmt(t.kvMass(), 0), fmt(e.perStage(), 3), fmt(e.memoryTokens(), 0),
                    thresholds.group().get(j) + (thresholds.spacing().get(j) > 1 ? " every " + thresholds.spacing().get(j) + " it" : "")));
        }
        rows.add(List.of("total", fmt(f.totalRate(), 3), "S = " + fmt(f.offeredKvRate(), 0) + "/s", fmt(sumPerStage(f), 3),
                fmt(f.memoryTokens(), 0), ""));
        TextTable.print(System.out, List.of("type (prompt x output)", "lambda req/s", "w_j token-it", "n_j* per stage", "M_j* tokens",
                "WAIT admits"), rows);
        System.out.printf(Locale.ROOT, "Delta-T* = %s ms (equilibrium iteration), throughput* = %.1f output tokens/s%n",
                fmt(f.deltaTSeconds() * 1e3, 2), f.outputTokensPerSecond());
        System.out.printf(Locale.ROOT, "service condition d1*S < 1:  d1*S = %.4f  -> %s%n", f.load(), f.serviceStable() ? "holds" : "FAILS");
        System.out.printf(Locale.ROOT, "memory condition  M* <= C:   M* = %s tokens, C = %,d tokens -> %s%n", fmt(f.memoryTokens(), 0),
                model.kvCapacityTokens(), f.memoryStable() ? "holds" : "FAILS");
        System.out.printf(Locale.ROOT, "fluid limit: the arrival rates can be scaled by x%.3f before a condition fails%n", f.stabilityMarginFactor());
        System.out.println("verdict: " + f.verdict());

        if (json != null) {
            final Map<String, Object> root = new LinkedHashMap<>();
            root.put("workload", w.name());
            root.put("model", model.name());
            root.put("capacity_tokens", model.kvCapacityTokens());
            root.put("d0_ms", time.d0Seconds() * 1e3);
            root.put("d1_ms_per_token", time.d1SecondsPerToken() * 1e3);
            root.put("time_model_fit", time.how());
            final List<Object> types = new ArrayList<>();
            for (int j = 0; j < mix.size(); j++) {
                final FluidModel.TypeEquilibrium e = f.perType().get(j);
                final Map<String, Object> t = new LinkedHashMap<>();
                t.put("prompt", e.type().promptTokens());
                t.put("output", e.type().outputTokens());
                t.put("lambda", e.type().ratePerSecond());
                t.put("w", e.type().kvMass());
                t.put("n_star", finite(e.perStage()));
                t.put("m_star", finite(e.memoryTokens()));
                t.put("wait_group", thresholds.group().get(j));
                t.put("wait_spacing", thresholds.spacing().get(j));
                types.add(t);
            }
            root.put("types", types);
            root.put("lambda", f.totalRate());
            root.put("s", f.offeredKvRate());
            root.put("d1_s", f.load());
            root.put("delta_t_star_s", finite(f.deltaTSeconds()));
            root.put("m_star", finite(f.memoryTokens()));
            root.put("service_stable", f.serviceStable());
            root.put("memory_stable", f.memoryStable());
            root.put("stable", f.stable());
            root.put("margin_factor", finite(f.stabilityMarginFactor()));
            root.put("verdict", f.verdict());
            RunOutputs.writeJson(json, ReportJson.write(root));
        }
        return 0;
    }

    private static double sumPerStage(final FluidModel f) {
        double sum = 0;
        for (final FluidModel.TypeEquilibrium e : f.perType()) {
            sum += e.perStage();
        }
        return sum;
    }

    /** JSON has no infinity: null stands for "infinite" (unstable). */
    private static Object finite(final double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static String fmt(final double v, final int decimals) {
        if (!Double.isFinite(v)) {
            return "inf";
        }
        return String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }
}

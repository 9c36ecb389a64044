package org.kvsched.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.kvsched.core.exec.ModelProfile;
import org.kvsched.core.metrics.RunResult;
import org.kvsched.core.policy.PolicyConfig;
import org.kvsched.core.policy.PolicyContext;
import org.kvsched.core.policy.PolicyKind;
import org.kvsched.core.sim.Simulation;
import org.kvsched.core.sim.SimulationSetup;
import org.kvsched.core.workload.Workload;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kvsched compare}: several policies (and rate scales) side by side on the same workload. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Run several policies over the same workload (optionally at several rate scales), in parallel, and print one table.")
final class CompareCommand implements Callable<Integer> {

    @Mixin
    WorkloadArgs workload;

    @Mixin
    DeploymentArgs deployment;

    @Option(names = "--policies", paramLabel = "A,B,C", required = true,
            description = "Comma-separated policy specs; parameters follow a colon (e.g. fcfs-vllm,sarathi:chunk-size=1024,vllm-v0).")
    String policies;

    @Option(names = "--rate-scales", paramLabel = "X,Y", defaultValue = "",
            description = "Comma-separated rate scales to sweep (default: the --rate-scale value).")
    String rateScales;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0", description = "Parallel runs (0 = number of cores).")
    int threads;

    @Option(names = "--json", paramLabel = "FILE", description = "Write every run's summary as JSON ({\"runs\": [...]}).")
    Path json;

    @Option(names = "--report", paramLabel = "DIR", description = "Write an HTML report: latency CDFs, latency vs rate scale, KV usage over time.")
    Path report;

    @Override
    public Integer call() throws InterruptedException {
        deployment.validate();
        final ModelProfile model = deployment.profile();
        final List<Double> scales = new ArrayList<>();
        if (rateScales.isBlank()) {
            scales.add(workload.rateScale);
        } else {
            for (final String s : rateScales.split(",")) {
                try {
                    scales.add(Double.parseDouble(s.trim()));
                } catch (final NumberFormatException e) {
                    throw new IllegalArgumentException("--rate-scales: '" + s.trim() + "' is not a number", e);
                }
            }
        }
        final Map<Double, Workload> workloads = new LinkedHashMap<>();
        for (final double scale : scales) {
            workloads.put(scale, workload.load(scale, deployment.seed));
        }
        final List<PolicyConfig> configs = new ArrayList<>();
        for (final String spec : splitPolicySpecs(policies)) {
            final PolicyConfig config = PolicyConfig.parse(spec);
            // Fail at start, with one line, on any bad name or parameter (some policies derive theirs from the workload).
            PolicyKind.create(config, new PolicyContext(model.timeModel(), model.kvCapacityTokens(), model.blockSize(),
                    deployment.seed, workloads.values().iterator().next()));
            configs.add(config);
        }
        final int nThreads = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        final ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(nThreads, configs.size() * scales.size())));
        final List<Future<RunResult>> futures = new ArrayList<>();
        final long start = System.nanoTime();
        try {
            for (final double scale : scales) {
                for (final PolicyConfig config : configs) {
                    final SimulationSetup setup = new SimulationSetup(workloads.get(scale), config, model,
                            deployment.lengthPredictor(), deployment.replicas, deployment.routing, deployment.seed);
                    futures.add(pool.submit(() -> runOne(setup, scale)));
                }
            }
            final List<RunResult> results = new ArrayList<>();
            for (final Future<RunResult> f : futures) {
                results.add(f.get());
            }
            final double wall = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "kvsched compare: %d policies x %d rate scale(s) on %s, model %s (KV %,d tokens/replica), %d replica(s), %.2f s wall%n",
                    configs.size(), scales.size(), workload.describe(), model.name(), model.kvCapacityTokens(), deployment.replicas, wall);
            SummaryTable.print(System.out, results);
            if (json != null) {
                final Map<String, Object> header = new LinkedHashMap<>();
                header.put("workload", workload.describe());
                header.put("model", model.name());
                header.put("replicas", deployment.replicas);
                header.put("wall_s", wall);
                RunOutputs.writeJson(json, RunOutputs.runsJson(results, header));
            }
            if (report != null) {
                RunOutputs.writeReport(report, "kvsched compare on " + workload.describe() + " (" + model.name() + ")", results);
            }
            return 0;
        } catch (final ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private static RunResult runOne(final SimulationSetup setup, final double scale) {
        final long t0 = System.nanoTime();
        final Simulation.Outcome o = Simulation.run(setup,
                new ProgressReporter(setup.policy().toSpec() + " x" + scale, System.err));
        final RunResult r = o.result();
        return new RunResult(r.label(), r.model(), scale, r.summary(), r.outcomes(), r.kvSamples(), (System.nanoTime() - t0) / 1e9);
    }

    /**
     * Splits {@code a,b:k=v,k2=v2,c} into policy specs: a fragment that is a bare {@code key=value}
     * belongs to the spec before it.
     */
    static List<String> splitPolicySpecs(final String text) {
        final List<String> specs = new ArrayList<>();
        for (final String part : text.split(",")) {
            final String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            final boolean continuation = p.contains("=") && !p.contains(":") && !specs.isEmpty();
            if (continuation) {
                specs.set(specs.size() - 1, specs.get(specs.size() - 1) + "," + p);
            } else {
                specs.add(p);
            }
        }
        if (specs.isEmpty()) {
            throw new IllegalArgumentException("--policies: no policy given; valid: " + PolicyKind.names());
        }
        return specs;
    }
}

package org.kvsched.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.kvsched.core.exec.ModelProfile;
import org.kvsched.core.metrics.RunResult;
import org.kvsched.core.policy.PolicyConfig;
import org.kvsched.core.sim.Simulation;
import org.kvsched.core.sim.SimulationSetup;
import org.kvsched.core.workload.Workload;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kvsched simulate}: one policy over one workload in the in-memory engine. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Run one policy over a trace or generated workload in the in-memory engine and print the summary.")
final class SimulateCommand implements Callable<Integer> {

    @Mixin
    WorkloadArgs workload;

    @Mixin
    DeploymentArgs deployment;

    @Option(names = "--policy", paramLabel = "SPEC", defaultValue = "fcfs-vllm",
            description = "Policy name, optionally with parameters (e.g. sarathi:chunk-size=1024); see 'kvsched policies' (default: ${DEFAULT-VALUE}).")
    String policy;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the summary as JSON.")
    Path json;

    @Option(names = "--report", paramLabel = "DIR", description = "Write an HTML report with charts (plus JSON and per-request CSV).")
    Path report;

    @Override
    public Integer call() {
        deployment.validate();
        final ModelProfile model = deployment.profile();
        final PolicyConfig config = PolicyConfig.parse(policy);
        final Workload w = workload.load(workload.rateScale, deployment.seed);
        final SimulationSetup setup = new SimulationSetup(w, config, model, deployment.lengthPredictor(),
                deployment.replicas, deployment.routing, deployment.seed);
        final long start = System.nanoTime();
        final Simulation.Outcome outcome = Simulation.run(setup, new ProgressReporter("simulate " + config.toSpec(), System.err));
        final double wall = (System.nanoTime() - start) / 1e9;
        final RunResult r = outcome.result();
        final RunResult result = new RunResult(r.label(), r.model(), workload.rateScale, r.summary(), r.outcomes(), r.kvSamples(), wall);

        System.out.printf(Locale.ROOT, "kvsched simulate: %s, %d requests (%s), model %s (KV %,d tokens/replica), %d replica(s), predictor %s%n",
                config.toSpec(), w.requests().size(), w.name(), model.name(), model.kvCapacityTokens(), deployment.replicas,
                setup.predictor().spec());
        SummaryTable.print(System.out, List.of(result));
        System.out.printf(Locale.ROOT, "engine: %,d iterations, %,d plans in %.3f s wall = %,.0f iterations/s, %,.0f plans/s%s%n",
                outcome.stats().iterations(), outcome.stats().plans(), wall, outcome.stats().iterations() / wall,
                outcome.stats().plans() / wall,
                outcome.stats().stalledRejected() > 0 ? "; " + outcome.stats().stalledRejected() + " requests stalled by the policy" : "");
        if (json != null) {
            final Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("workload", w.name());
            extra.put("predictor", setup.predictor().spec());
            extra.put("stalled_rejected", outcome.stats().stalledRejected());
            RunOutputs.writeJson(json, org.kvsched.reports.ReportJson.write(RunOutputs.runObject(result, extra)));
        }
        if (report != null) {
            RunOutputs.writeReport(report, "kvsched simulate: " + config.toSpec() + " on " + w.name(), List.of(result));
        }
        return 0;
    }
}

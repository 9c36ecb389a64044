package org.kvsched.cli;

import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.kvsched.core.exec.ModelProfile;
import org.kvsched.core.metrics.MetricsCollector;
import org.kvsched.core.metrics.RunResult;
import org.kvsched.core.model.RequestEvent;
import org.kvsched.core.policy.PolicyConfig;
import org.kvsched.core.sim.Simulation;
import org.kvsched.core.sim.SimulationSetup;
import org.kvsched.core.workload.Workload;
import org.kvsched.worker.vllm.DirectLoad;
import org.kvsched.worker.vllm.VllmSettings;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code kvsched vllm-direct}: the workload sent straight to a vLLM server (or vllm-sim) at trace time / speed,
 * with no scheduler in front ({@link DirectLoad}); the same summary table as {@code simulate} and {@code replay},
 * in scheduler time. Beside {@code replay --live --worker vllm} on the same workload it separates what kvsched
 * adds from what the server and the machine give.
 */
@Command(name = "vllm-direct", mixinStandardHelpOptions = true,
        description = "Send the workload straight to a vLLM server (or vllm-sim) at trace time / --speed, without kvsched: "
                + "the baseline that 'replay --live --worker vllm' is measured against. Prints the summary in scheduler time.")
final class VllmDirectCommand implements Callable<Integer> {

    @Mixin
    WorkloadArgs workload;

    @Mixin
    DeploymentArgs deployment;

    @Option(names = "--vllm-url", paramLabel = "URL", required = true,
            description = "Base URL of the server, e.g. http://127.0.0.1:8000 (vllm-sim must run at --speed).")
    String vllmUrl;

    @Option(names = "--vllm-model", paramLabel = "NAME", description = "Served model name to send (default: the first one the server lists).")
    String vllmModel;

    @Option(names = "--speed", paramLabel = "X", defaultValue = "1",
            description = "Send at trace time / X; times are reported multiplied by X (default: ${DEFAULT-VALUE}).")
    double speed;

    @Option(names = "--timeout-s", paramLabel = "S", defaultValue = "600",
            description = "A request the server sends nothing for this long ends with reason error (default: ${DEFAULT-VALUE}).")
    double timeoutS;

    @Option(names = "--connect-timeout-s", paramLabel = "S", defaultValue = "30",
            description = "How long to retry a server that refuses connections at start (default: ${DEFAULT-VALUE}).")
    double connectTimeoutS;

    @Option(names = "--verify", description = "Also run the in-memory engine with --reference-policy and print the means side by side.")
    boolean verify;

    @Option(names = "--reference-policy", paramLabel = "SPEC", defaultValue = "fcfs-vllm:max-num-batched-tokens=2048",
            description = "What the server runs, for --verify (default: ${DEFAULT-VALUE}, what vllm-sim runs inside).")
    String referencePolicy;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the summary as JSON.")
    Path json;

    @Override
    public Integer call() throws Exception {
        deployment.validate();
        if (deployment.replicas != 1) {
            throw new IllegalArgumentException("--replicas: vllm-direct sends to one server; got " + deployment.replicas);
        }
        if (!(speed > 0) || Double.isInfinite(speed)) {
            throw new IllegalArgumentException("--speed must be > 0, got " + speed);
        }
        if (!(timeoutS > 0) || !(connectTimeoutS >= 0)) {
            throw new IllegalArgumentException("--timeout-s must be > 0 and --connect-timeout-s >= 0, got " + timeoutS + " and " + connectTimeoutS);
        }
        final PolicyConfig reference = PolicyConfig.parse(referencePolicy);
        final ModelProfile model = deployment.profile();
        final Workload w = workload.load(workload.rateScale, deployment.seed);
        final URI url;
        try {
            url = URI.create(vllmUrl.replaceAll("/+$", ""));
        } catch (final IllegalArgumentException e) {
            throw new IllegalArgumentException("--vllm-url: bad URL '" + vllmUrl + "': " + e.getMessage(), e);
        }
        final VllmSettings settings = new VllmSettings(List.of(url), vllmModel == null ? "" : vllmModel, true,
                Math.round(timeoutS * 1000), Math.round(connectTimeoutS * 1000), 5L, 0L, model.kvCapacityTokens(), model.blockSize(), 0L, speed);
        System.out.printf(Locale.ROOT, "kvsched vllm-direct: %d requests (%s) straight to %s at speed %s, no scheduler in front%n",
                w.size(), w.name(), url, speed);
        final long start = System.nanoTime();
        final List<RequestEvent> events;
        try {
            events = DirectLoad.run(settings, w.requests(), System.err);
        } catch (final IllegalArgumentException e) {
            // The adapter's messages name its configuration keys; here they are options.
            throw new IllegalArgumentException(e.getMessage().replace("config: key 'vllm.url'", "--vllm-url")
                    .replace("config: key 'vllm.model'", "--vllm-model"), e);
        }
        final double wall = (System.nanoTime() - start) / 1e9;
        final MetricsCollector metrics = new MetricsCollector();
        events.forEach(metrics::onRequestEvent);
        final RunResult result = new RunResult("direct", model.name(), workload.rateScale, metrics.summary(1, model.kvCapacityTokens()),
                metrics.outcomes(), List.of(), wall);
        SummaryTable.print(System.out, List.of(result));
        final long errors = result.outcomes().stream().filter(o -> o.finishReason().startsWith("error")).count();
        System.out.printf(Locale.ROOT, "direct: %d of %d requests ended with an error%s%n", errors, w.size(),
                errors == 0 ? "" : " (first: " + result.outcomes().stream().map(o -> o.finishReason())
                        .filter(f -> f.startsWith("error")).findFirst().orElse("") + ")");
        if (verify) {
            final Simulation.Outcome sim = Simulation.run(new SimulationSetup(w, reference, model, deployment.lengthPredictor(), 1,
                    deployment.routing, deployment.seed), (d, t, v) -> { });
            SummaryTable.printMeansAgainstEngine(System.out, "direct", reference.toSpec(), result.summary(), sim.result().summary());
        }
        if (json != null) {
            final Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("workload", w.name());
            extra.put("speed", speed);
            extra.put("errors", errors);
            RunOutputs.writeJson(json, org.kvsched.reports.ReportJson.write(RunOutputs.runObject(result, extra)));
        }
        return errors == 0 ? 0 : 1;
    }
}

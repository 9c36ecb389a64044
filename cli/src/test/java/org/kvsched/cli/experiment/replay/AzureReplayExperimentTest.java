package org.kvsched.cli.experiment.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.kvsched.cli.experiment.ExperimentContext;
import org.kvsched.cli.experiment.ExperimentResult;
import org.kvsched.cli.experiment.Experiments;
import org.kvsched.core.exec.ModelCatalog;
import org.kvsched.core.metrics.Summary;
import org.kvsched.core.model.LengthPredictor;
import org.kvsched.core.policy.PolicyConfig;
import org.kvsched.core.policy.PolicyFactory;
import org.kvsched.core.policy.PolicyKind;
import org.kvsched.core.sim.ProgressListener;
import org.kvsched.core.sim.Simulation;
import org.kvsched.core.sim.SimulationSetup;
import org.kvsched.core.testing.SharedData;
import org.kvsched.core.workload.WorkloadOptions;
import org.kvsched.core.workload.Workloads;

/**
 * {@code azure-replay}: which policies it replays, and that each row reports the figures of the run it names.
 * The experiment is run narrowed (two policies, 40 requests per trace) over its full grid of traces, models and
 * rates: what each policy does on a loaded replica is the policy contract suite's business (PolicyContractTest,
 * every online policy), not this test's.
 */
class AzureReplayExperimentTest {

    private static final List<String> POLICIES = List.of("fcfs-vllm", "mcsf");
    private static final int REQUESTS = 40;

    @Test
    void replaysEveryOnlinePolicyAndNoOfflineOne() {
        final List<String> online = AzureReplayExperiment.onlinePolicies();
        for (final PolicyFactory k : PolicyKind.all()) {
            assertEquals(!k.offline(), online.contains(k.name()), k.name());
        }
        assertFalse(online.contains("hindsight-opt"));
        assertEquals(online.size(), online.stream().distinct().count(), "each policy once: " + online);
        // The command line's azure-replay is this experiment with that list.
        assertTrue(Experiments.byName("azure-replay") instanceof AzureReplayExperiment);
    }

    @Test
    @SuppressWarnings("unchecked")
    void eachRowReportsTheFiguresOfTheRunItNames() throws Exception {
        final Path conv = SharedData.require(AzureReplayExperiment.TRACES.get(0));
        SharedData.require(AzureReplayExperiment.TRACES.get(1));
        final Path shared = conv.getParent().getParent().getParent();
        final ExperimentContext ctx = new ExperimentContext(true, 1, shared,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        final ExperimentResult result = new AzureReplayExperiment(POLICIES, REQUESTS).run(ctx);
        final List<Object> runs = (List<Object>) result.json().get("runs");
        assertEquals(POLICIES, result.json().get("policies"));
        assertEquals(REQUESTS, ((Number) result.json().get("max_requests")).intValue());
        // 2 traces x 2 models x 2 rate scales (quick) x the policies, one table row per run.
        assertEquals(8 * POLICIES.size(), runs.size());
        assertEquals(runs.size(), result.rows().size());
        final double[] scalesSeen = runs.stream().mapToDouble(o -> num((Map<String, Object>) o, "rate_scale")).distinct().sorted()
                .toArray();
        assertEquals("[1.0, 4.0]", Arrays.toString(scalesSeen));
        for (final Object o : runs) {
            final Map<String, Object> run = (Map<String, Object>) o;
            // The figures are those of a simulation of exactly the trace, model, rate and policy the row names.
            final String trace = AzureReplayExperiment.TRACES.get(run.get("trace").equals("conv") ? 0 : 1);
            final Summary s = Simulation.run(new SimulationSetup(
                    Workloads.readTrace(shared.resolve(trace), WorkloadOptions.defaults().withRateScale(num(run, "rate_scale"))
                            .withMaxRequests(REQUESTS)),
                    PolicyConfig.parse((String) run.get("policy")), ModelCatalog.byName((String) run.get("model")),
                    LengthPredictor.oracle(), 1, "round-robin", ctx.seed()), ProgressListener.NONE).result().summary();
            assertEquals(REQUESTS, num(run, "requests"), run.toString());
            assertEquals(s.completed(), num(run, "completed"), run.toString());
            assertEquals(num(run, "requests"), num(run, "completed"), "every request completes: " + run);
            final Map<String, Object> e2e = (Map<String, Object>) run.get("e2e_s");
            final Map<String, Object> ttft = (Map<String, Object>) run.get("ttft_s");
            assertEquals(s.e2eMs().mean() / 1e3, num(e2e, "mean"), 1e-12, run.toString());
            assertEquals(s.e2eMs().p99() / 1e3, num(e2e, "p99"), 1e-12, run.toString());
            assertEquals(s.ttftMs().p50() / 1e3, num(ttft, "p50"), 1e-12, run.toString());
            assertEquals(s.throughputTokensPerS(), num(run, "throughput_tokens_per_s"), 1e-9, run.toString());
            assertEquals(s.preemptions(), num(run, "preemptions"), run.toString());
            assertEquals(s.kvUtilMean(), num(run, "kv_util_mean"), 1e-12, run.toString());
            assertTrue(num(e2e, "p99") >= num(e2e, "p50") && num(e2e, "mean") >= num(ttft, "mean"), run.toString());
            assertTrue(num(run, "kv_util_mean") > 0 && num(run, "kv_util_mean") <= 1, run.toString());
            assertTrue(num(run, "throughput_tokens_per_s") > 0, run.toString());
        }
    }

    private static double num(final Map<String, Object> m, final String key) {
        assertTrue(m.containsKey(key), "missing key " + key + " in " + m.keySet());
        return ((Number) m.get(key)).doubleValue();
    }
}

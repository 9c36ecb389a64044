package org.kvsched.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kvsched.core.testing.SharedData;

/** The MC-SF experiments in quick mode through the command line: computed figures and the relations between them. */
class McsfExperimentsTest {

    private static double num(final Map<String, Object> m, final String key) {
        assertTrue(m.containsKey(key), "missing key " + key + " in " + m.keySet());
        return ((Number) m.get(key)).doubleValue();
    }

    @Test
    @SuppressWarnings("unchecked")
    void mcsfSyntheticQuick(@TempDir final Path dir) throws Exception {
        final Path json = dir.resolve("syn.json");
        final CliRunner.Result r = CliRunner.run("experiment", "mcsf-synthetic", "--quick", "--json", json.toString());
        assertEquals(0, r.exitCode(), r.err());
        final Map<String, Object> m = TestJson.parseObject(Files.readString(json));
        for (final String model : new String[] {"t0", "poisson"}) {
            final double mean = num(m, "mean_ratio_" + model);
            final double worst = num(m, "worst_ratio_" + model);
            // MC-SF is a feasible schedule, so it is never better than the best one found (which includes it).
            assertTrue(mean >= 1.0 && worst >= mean && worst < 2.0, model + ": mean " + mean + ", worst " + worst);
            // The certified bound is below every feasible schedule, so the ratio to it is at least the ratio to best.
            assertTrue(num(m, "mean_ratio_to_bound_" + model) >= mean);
            // Each search stage keeps the best of the previous one: the ratio never falls.
            final java.util.List<Object> stages = (java.util.List<Object>) m.get("stage_mean_ratios_" + model);
            assertEquals(3, stages.size());
            for (int k = 1; k < 3; k++) {
                assertTrue(((Number) stages.get(k)).doubleValue() >= ((Number) stages.get(k - 1)).doubleValue());
            }
            assertEquals(mean, ((Number) stages.get(2)).doubleValue(), 1e-12);
            // Proven optima on the small instances: MC-SF is never below them.
            final double small = num(m, "small_mean_ratio_" + model);
            assertTrue(small >= 1.0 && num(m, "small_worst_ratio_" + model) >= small);
            assertTrue(num(m, "small_mcsf_optimal_" + model) <= num(m, "small_instances_" + model));
        }
        assertEquals(0.0, num(m, "mechanism_vs_offline_mcsf_mismatches"));
        assertEquals(0.0, num(m, "best_schedule_replay_failures"));
        assertTrue(num(m, "small_search_finds_optimum") <= num(m, "small_instances"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void mcsfTraceQuick(@TempDir final Path dir) throws Exception {
        final Path lengths = SharedData.require("data/traces/AzureLLMInferenceTrace_conv.csv");
        final Path shared = lengths.getParent().getParent().getParent();
        final Path json = dir.resolve("trace.json");
        final CliRunner.Result r = CliRunner.run("experiment", "mcsf-trace", "--quick", "--shared", shared.toString(),
                "--json", json.toString());
        assertEquals(0, r.exitCode(), r.err());
        final Map<String, Object> top = TestJson.parseObject(Files.readString(json));
        for (final String model : new String[] {"a100", "authors"}) {
            @SuppressWarnings("unchecked")
            final Map<String, Object> m = (Map<String, Object>) top.get(model);
            for (final String level : new String[] {"high", "low"}) {
                final double sf = num(m, "mcsf_mean_e2e_s_" + level);
                final double bench = num(m, "mc_benchmark_mean_e2e_s_" + level);
                assertTrue(sf > 0 && bench > 0);
                // Shortest-first cannot lose on mean latency to FCFS with the same admission test on an overloaded replica.
                assertTrue(sf < bench, model + " " + level + ": mcsf " + sf + " vs mc-benchmark " + bench);
                assertEquals(1 - sf / bench, num(m, "reduction_" + level), 1e-9);
            }
        }
        // The A100 figures are also at the top level, as before.
        assertEquals(num(top, "mcsf_mean_e2e_s_high"), num((Map<String, Object>) top.get("a100"), "mcsf_mean_e2e_s_high"));
        // The authors' model is slower per round (44.6 ms fixed) and adds a round per request: higher latency.
        assertTrue(num((Map<String, Object>) top.get("authors"), "mcsf_mean_e2e_s_high")
                > num((Map<String, Object>) top.get("a100"), "mcsf_mean_e2e_s_high"));
    }
}

package org.kvsched.cli.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.kvsched.cli.TestJson;
import org.kvsched.reports.ReportJson;

/** Runs the quick versions of wait-stability and gsa-offline and checks their JSON keys and values. */
class WaitAndGsaExperimentsTest {

    private static Map<String, Object> quick(final String name) {
        final ExperimentContext ctx = new ExperimentContext(true, 1, Path.of("../shared"),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        final long start = System.nanoTime();
        final ExperimentResult r = Experiments.byName(name).run(ctx);
        assertTrue((System.nanoTime() - start) / 1e9 < 60, name + " --quick must finish in under a minute");
        assertTrue(!r.rows().isEmpty() && !r.notes().isEmpty());
        // Through the JSON writer and back, as --json does.
        return TestJson.parseObject(ReportJson.write(r.json()));
    }

    @Test
    @SuppressWarnings("unchecked")
    void waitStabilityReportsAnUnstableRatePerPolicy() {
        final Map<String, Object> m = quick("wait-stability");
        final Map<String, Object> unstable = (Map<String, Object>) m.get("unstable_rate");
        for (final String p : new String[] {"wait", "sarathi", "vllm-v0"}) {
            assertTrue(unstable.containsKey(p), p);
            final Object v = unstable.get(p);
            assertNotNull(v, p + " never became unstable on the quick grid");
            assertTrue(((Number) v).doubleValue() >= 20 && ((Number) v).doubleValue() <= 28, p + ": " + v);
        }
        // WAIT is at least as stable as Sarathi, and no policy beats the fluid limit by more than a grid step.
        assertTrue(((Number) unstable.get("wait")).doubleValue() >= ((Number) unstable.get("sarathi")).doubleValue());
        final double fluid = ((Number) m.get("p512d20_fluid_limit_rate")).doubleValue();
        assertTrue(fluid > 22 && fluid < 28, "fluid limit " + fluid);
        assertEquals("llama3-8b-a100", m.get("model"));
        // Both models have a boundary per policy.
        final Map<String, Object> byModel = (Map<String, Object>) m.get("p512d20_by_model");
        final Map<String, Object> llama2 = (Map<String, Object>) byModel.get("llama2-7b-a100");
        assertTrue(((Map<String, Object>) llama2.get("unstable_rate")).get("wait") != null);
        // p512d1000: GQA's 4x smaller KV per token lets Llama-3-8B serve about twice the rate Llama-2-7B can.
        final Map<String, Object> longDecode = (Map<String, Object>) m.get("long_decode");
        final double l3Limit = ((Number) ((Map<String, Object>) longDecode.get("llama3-8b-a100")).get("fluid_limit_rate")).doubleValue();
        final double l2Limit = ((Number) ((Map<String, Object>) longDecode.get("llama2-7b-a100")).get("fluid_limit_rate")).doubleValue();
        assertTrue(l3Limit > 1.5 * l2Limit, l3Limit + " vs " + l2Limit);
        final Map<String, Object> l3 = (Map<String, Object>) ((Map<String, Object>) longDecode.get("llama3-8b-a100")).get("4.5");
        final double waitLatency = ((Number) ((Map<String, Object>) l3.get("wait")).get("mean_latency_s")).doubleValue();
        assertTrue(waitLatency > 5 && waitLatency < 200, "p512d1000 latency " + waitLatency);
    }

    @Test
    @SuppressWarnings("unchecked")
    void gsaOfflineNeverExceedsMemoryAndBeatsFcfsAtScale() {
        final Map<String, Object> m = quick("gsa-offline");
        assertEquals(0, ((Number) m.get("max_kv_over_capacity")).intValue());
        final Map<String, Object> totals = (Map<String, Object>) m.get("total_completion");
        for (final String p : new String[] {"gsa", "gsa:beta=1", "gba", "gba-d", "fcfs-restart"}) {
            assertTrue(((Number) totals.get(p)).doubleValue() > 0, p);
        }
        // Summed over the quick instances (n = 100 and 1000), GSA beats FCFS-with-restart and GBA-D beats GBA.
        assertTrue(((Number) totals.get("gsa")).doubleValue() < ((Number) totals.get("fcfs-restart")).doubleValue(), totals.toString());
        assertTrue(((Number) totals.get("gba-d")).doubleValue() <= ((Number) totals.get("gba")).doubleValue(), totals.toString());
        // The two-point instance reproduces our earlier independent simulation of the construction exactly.
        final Map<String, Object> tp = (Map<String, Object>) m.get("two_point");
        assertEquals(22_262, ((Number) tp.get("gsa:beta=1")).doubleValue(), 0.5);
        assertEquals(13_448, ((Number) tp.get("gba")).doubleValue(), 0.5);
    }
}

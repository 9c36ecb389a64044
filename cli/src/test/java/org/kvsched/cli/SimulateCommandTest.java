package org.kvsched.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kvsched.core.testing.SharedData;

class SimulateCommandTest {

    private static final List<String> REQUIRED_KEYS = List.of("requests", "completed", "rejected", "preemptions",
            "throughput_tokens_per_s", "ttft_ms", "e2e_ms", "tpot_ms", "kv_util_mean", "kv_peak_tokens", "kv_capacity_tokens",
            "makespan_s", "wall_s", "iterations", "plans");

    @Test
    void defaultWorkloadWritesEveryRequiredJsonKey(@TempDir final Path dir) throws Exception {
        final Path json = dir.resolve("out.json");
        final CliRunner.Result r = CliRunner.run("simulate", "--requests", "300", "--json", json.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("fcfs-vllm"), r.out());
        final Map<String, Object> m = TestJson.parseObject(Files.readString(json));
        for (final String key : REQUIRED_KEYS) {
            assertTrue(m.containsKey(key), "missing key " + key + " in " + m.keySet());
        }
        assertEquals(300.0, ((Number) m.get("requests")).doubleValue());
        assertEquals(300.0, ((Number) m.get("completed")).doubleValue());
        for (final String stats : List.of("ttft_ms", "e2e_ms", "tpot_ms")) {
            @SuppressWarnings("unchecked")
            final Map<String, Object> s = (Map<String, Object>) m.get(stats);
            for (final String k : List.of("mean", "p50", "p90", "p99")) {
                assertTrue(s.containsKey(k), stats + " lacks " + k);
            }
            assertTrue(((Number) s.get("p99")).doubleValue() >= ((Number) s.get("p50")).doubleValue());
        }
        assertEquals(118_784.0, ((Number) m.get("kv_capacity_tokens")).doubleValue());
        assertTrue(((Number) m.get("plans")).doubleValue() <= ((Number) m.get("iterations")).doubleValue());
    }

    @Test
    void realTraceWithReportWritesAnHtmlPage(@TempDir final Path dir) throws Exception {
        final Path trace = SharedData.require("data/traces/splitwise_conv.csv");
        final CliRunner.Result r = CliRunner.run("simulate", "--trace", trace.toString(), "--requests", "500",
                "--policy", "sarathi", "--replicas", "2", "--report", dir.resolve("rep").toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(Files.readString(dir.resolve("rep/index.html")).contains("<svg"));
        assertTrue(r.out().contains("500/500"), r.out());
    }

    @Test
    void unknownPolicyFailsWithOneLineListingTheValidOnes() {
        final CliRunner.Result r = CliRunner.run("simulate", "--policy", "nope", "--requests", "10");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("unknown 'nope'") && r.err().contains("fcfs-vllm"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void badPolicyParameterNamesTheKey() {
        final CliRunner.Result r = CliRunner.run("simulate", "--policy", "sarathi:chunk=5", "--requests", "10");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("policy.sarathi.chunk") && r.err().contains("chunk-size"), r.err());
    }

    @Test
    void malformedTraceRowNamesFileAndLine(@TempDir final Path dir) throws Exception {
        final Path trace = dir.resolve("bad.csv");
        Files.writeString(trace, "arrived_at,num_prefill_tokens,num_decode_tokens\n0.0,10,5\n0.5,abc,5\n");
        final CliRunner.Result r = CliRunner.run("simulate", "--trace", trace.toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("bad.csv:3"), r.err());
    }

    @Test
    void missingTraceFileIsAClearError() {
        final CliRunner.Result r = CliRunner.run("simulate", "--trace", "/nonexistent/trace.csv");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("/nonexistent/trace.csv"), r.err());
    }
}

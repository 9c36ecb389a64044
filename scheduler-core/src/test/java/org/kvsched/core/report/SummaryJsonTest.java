package org.kvsched.core.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.kvsched.core.metrics.RunResult;
import org.kvsched.core.metrics.Stats;
import org.kvsched.core.metrics.Summary;

/** The summary JSON contract: key names and order, values, extra fields. */
class SummaryJsonTest {

    static final List<String> SUMMARY_KEYS = List.of("requests", "completed", "rejected", "preemptions",
            "throughput_tokens_per_s", "throughput_requests_per_s", "output_tokens", "ttft_ms", "e2e_ms", "tpot_ms",
            "normalized_latency_ms", "scheduling_delay_ms", "kv_util_mean", "kv_peak_tokens", "kv_capacity_tokens",
            "makespan_s", "iterations", "plans", "replicas");

    static Summary summary() {
        return new Summary(10, 8, 2, 3, 1200, 150.5, 1.0, new Stats(8, 12.5, 10, 20, 30, 31),
                new Stats(8, 1500, 1400, 2000, 2500, 2600), new Stats(8, 25.25, 25, 26, 27, 28), Stats.EMPTY,
                new Stats(8, 1.0, 0.5, 2, 3, Double.POSITIVE_INFINITY), 0.625, 4096, 32768, 8.0, 500, 120, 2);
    }

    @Test
    void writesEveryKeyInOrderThenWallThenExtras() {
        final Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("policy", "fcfs");
        extra.put("wall_s", 0.75);
        extra.put("kafka_round_trips", 42);
        extra.put("params", Map.of("alpha", 0.2));
        final Map<String, Object> m = JsonReader.parseObject(SummaryJson.toJson(summary(), extra));
        final List<String> expected = new ArrayList<>(SUMMARY_KEYS);
        expected.addAll(List.of("wall_s", "policy", "kafka_round_trips", "params"));
        assertEquals(expected, new ArrayList<>(m.keySet()));
        assertEquals(10.0, m.get("requests"));
        assertEquals(150.5, m.get("throughput_tokens_per_s"));
        assertEquals(1200.0, m.get("output_tokens"));
        assertEquals(Map.of("count", 8.0, "mean", 12.5, "p50", 10.0, "p90", 20.0, "p99", 30.0, "max", 31.0), m.get("ttft_ms"));
        assertEquals(0.0, ((Map<?, ?>) m.get("normalized_latency_ms")).get("count"));
        assertNull(((Map<?, ?>) m.get("scheduling_delay_ms")).get("max"), "infinity is written as null");
        assertEquals(0.625, m.get("kv_util_mean"));
        assertEquals(32768.0, m.get("kv_capacity_tokens"));
        assertEquals(2.0, m.get("replicas"));
        assertEquals(0.75, m.get("wall_s"));
        assertEquals("fcfs", m.get("policy"));
        assertEquals(Map.of("alpha", 0.2), m.get("params"));
    }

    @Test
    void integersHaveNoFractionAndWallDefaultsToZero() {
        final String json = SummaryJson.toJson(summary(), Map.of());
        assertFalse(json.contains("\"requests\": 10.0"), json);
        assertEquals(0.0, JsonReader.parseObject(json).get("wall_s"));
        assertEquals(SUMMARY_KEYS.size() + 1, JsonReader.parseObject(json).size());
    }

    @Test
    void extraMustNotReplaceASummaryField() {
        assertThrows(IllegalArgumentException.class, () -> SummaryJson.toJson(summary(), Map.of("completed", 1)));
    }

    @Test
    void runMapHasConfigurationSummaryAndWall() {
        final RunResult r = new RunResult("lru", "llama", 0.5, summary(), List.of(), List.of(), 2.5);
        final Map<String, Object> m = SummaryJson.toMap(r);
        final List<String> expected = new ArrayList<>(List.of("label", "model", "rate_scale"));
        expected.addAll(SUMMARY_KEYS);
        expected.add("wall_s");
        assertEquals(expected, new ArrayList<>(m.keySet()));
        assertEquals(2.5, m.get("wall_s"));
    }

    @Test
    void summaryFromTheCollectorRoundTrips() {
        final RunResult r = ReportFixtures.run("a", "m", 1.0, 200, 1, 1, 3);
        final Map<String, Object> m = JsonReader.parseObject(SummaryJson.toJson(r.summary(), Map.of("wall_s", r.wallSeconds())));
        assertEquals((double) r.summary().completed(), m.get("completed"));
        assertEquals((double) r.summary().rejected(), m.get("rejected"));
        assertEquals(r.summary().e2eMs().p99(), (Double) ((Map<?, ?>) m.get("e2e_ms")).get("p99"), 0.0);
        assertEquals(r.summary().kvUtilMean(), (Double) m.get("kv_util_mean"), 0.0);
    }
}

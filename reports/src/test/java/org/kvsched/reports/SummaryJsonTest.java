package org.kvsched.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.kvsched.core.metrics.RunResult;
import org.kvsched.core.metrics.Stats;
import org.kvsched.core.metrics.Summary;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

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
        final JsonNode m = parse(SummaryJson.toJson(summary(), extra));
        final List<String> expected = new ArrayList<>(SUMMARY_KEYS);
        expected.addAll(List.of("wall_s", "policy", "kafka_round_trips", "params"));
        assertEquals(expected, fieldNames(m));
        assertEquals(10, m.get("requests").asLong());
        assertEquals(150.5, m.get("throughput_tokens_per_s").asDouble());
        assertEquals(1200, m.get("output_tokens").asLong());
        final JsonNode ttft = m.get("ttft_ms");
        assertEquals(List.of("count", "mean", "p50", "p90", "p99", "max"), fieldNames(ttft));
        assertEquals(List.of(8.0, 12.5, 10.0, 20.0, 30.0, 31.0), List.of(ttft.get("count").asDouble(), ttft.get("mean").asDouble(),
                ttft.get("p50").asDouble(), ttft.get("p90").asDouble(), ttft.get("p99").asDouble(), ttft.get("max").asDouble()));
        assertEquals(0, m.get("normalized_latency_ms").get("count").asLong());
        assertTrue(m.get("scheduling_delay_ms").get("max").isNull(), "infinity is written as null");
        assertEquals(0.625, m.get("kv_util_mean").asDouble());
        assertEquals(32768, m.get("kv_capacity_tokens").asLong());
        assertEquals(2, m.get("replicas").asLong());
        assertEquals(0.75, m.get("wall_s").asDouble());
        assertEquals("fcfs", m.get("policy").asText());
        assertEquals(0.2, m.get("params").get("alpha").asDouble());
    }

    @Test
    void integersHaveNoFractionAndWallDefaultsToZero() {
        final String json = SummaryJson.toJson(summary(), Map.of());
        assertFalse(json.contains("\"requests\": 10.0"), json);
        assertTrue(json.contains("\"requests\": 10,"), json);
        assertTrue(json.contains("\"makespan_s\": 8,"), "an integral double is written without a fraction: " + json);
        assertEquals(0, parse(json).get("wall_s").asDouble());
        assertEquals(SUMMARY_KEYS.size() + 1, parse(json).size());
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
        final JsonNode m = parse(SummaryJson.toJson(r.summary(), Map.of("wall_s", r.wallSeconds())));
        assertEquals(r.summary().completed(), m.get("completed").asLong());
        assertEquals(r.summary().rejected(), m.get("rejected").asLong());
        assertEquals(r.summary().e2eMs().p99(), m.get("e2e_ms").get("p99").asDouble(), 0.0);
        assertEquals(r.summary().kvUtilMean(), m.get("kv_util_mean").asDouble(), 0.0);
    }

    private static JsonNode parse(final String json) {
        try {
            return new ObjectMapper().readTree(json);
        } catch (final JsonProcessingException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    private static List<String> fieldNames(final JsonNode object) {
        final List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}

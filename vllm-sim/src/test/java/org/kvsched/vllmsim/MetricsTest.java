package org.kvsched.vllmsim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.kvsched.core.engine.FinishReason;
import org.kvsched.core.exec.ModelCatalog;
import org.kvsched.core.workload.EosModel;

/**
 * {@code /metrics} against vLLM's names, types and labels (docs/vllm-sim.md, "Metrics"), the values it reports
 * after known traffic, and preemptions under a small KV cache.
 */
class MetricsTest {

    private static final String MODEL = "llama2-7b-a100";

    @Test
    void vllmNamesTypesAndLabels() throws Exception {
        try (SimHarness sim = new SimHarness(SimHarness.settings(MODEL, 1000, "fixed:5"))) {
            final SimHarness.Scrape s = sim.scrape();
            assertTrue(s.contentType().startsWith("text/plain; version=0.0.4"), s.contentType());
            final Map<String, String> expected = Map.of(
                    "vllm:num_requests_running", "gauge",
                    "vllm:num_requests_waiting", "gauge",
                    "vllm:kv_cache_usage_perc", "gauge",
                    "vllm:num_preemptions_total", "counter",
                    "vllm:prompt_tokens_total", "counter",
                    "vllm:generation_tokens_total", "counter",
                    "vllm:time_to_first_token_seconds", "histogram",
                    "vllm:e2e_request_latency_seconds", "histogram");
            expected.forEach((name, type) -> assertEquals(type, s.types().get(name), name));
            assertFalse(s.types().containsKey("vllm:gpu_cache_usage_perc"), "the v0.12-era name only, no deprecated alias");
            for (final String counter : List.of("vllm:num_preemptions_total", "vllm:prompt_tokens_total",
                    "vllm:generation_tokens_total")) {
                assertEquals(0.0, s.value(counter), counter + " is exposed at 0 before any request");
            }
            for (final String histogram : List.of("vllm:time_to_first_token_seconds", "vllm:e2e_request_latency_seconds")) {
                assertTrue(s.samples().containsKey(histogram + "_bucket{engine=\"0\",model_name=\"" + MODEL + "\",le=\"+Inf\"}"));
                assertEquals(0.0, s.value(histogram + "_count"));
                assertEquals(0.0, s.value(histogram + "_sum"));
            }
            for (final String sample : s.samples().keySet()) {
                assertTrue(sample.contains("model_name=\"" + MODEL + "\""), "every sample carries model_name: " + sample);
            }
            assertEquals(SimMetrics.TTFT_BUCKETS.length + 1, s.samples().keySet().stream()
                    .filter(k -> k.startsWith("vllm:time_to_first_token_seconds_bucket")).count(), "vLLM's TTFT buckets and +Inf");
        }
    }

    @Test
    void countsAfterKnownTraffic() throws Exception {
        try (SimHarness sim = new SimHarness(SimHarness.settings(MODEL, 1000, "fixed:5"))) {
            final int[] prompts = {10, 20, 30};
            final int[] outputs = {5, 6, 7};
            for (int i = 0; i < prompts.length; i++) {
                assertEquals(200, sim.post("{\"prompt\":" + ids(prompts[i]) + ",\"max_tokens\":" + outputs[i]
                        + ",\"ignore_eos\":true}").statusCode());
            }
            final SimHarness.Scrape s = sim.scrape();
            assertEquals(60, s.value("vllm:prompt_tokens_total"));
            assertEquals(18, s.value("vllm:generation_tokens_total"));
            assertEquals(3, s.value("vllm:time_to_first_token_seconds_count"));
            assertEquals(3, s.value("vllm:e2e_request_latency_seconds_count"));
            assertTrue(s.value("vllm:e2e_request_latency_seconds_sum") >= s.value("vllm:time_to_first_token_seconds_sum"));
            assertEquals(3, s.value("vllm:request_success_total"), "all three finished with reason length");
            assertEquals(0, s.value("vllm:num_requests_running"));
            assertEquals(0, s.value("vllm:num_requests_waiting"));
            assertEquals(0, s.value("vllm:kv_cache_usage_perc"));
        }
    }

    @Test
    void aSmallKvCachePreemptsAndEveryStreamStillGetsEachTokenOnce() throws Exception {
        // 512 KV tokens (32 blocks): four requests of up to 399 tokens each cannot all stay resident.
        final VllmSimSettings settings = VllmSimSettings.defaults(ModelCatalog.configured(MODEL, 512, "test"))
                .withSpeed(200).withEos(EosModel.parse("fixed:5", 1));
        assertEquals(512, settings.maxModelLen(), "max_model_len shrinks to the KV capacity");
        try (SimHarness sim = new SimHarness(settings)) {
            final List<CompletableFuture<HttpResponse<String>>> streams = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                streams.add(sim.http.sendAsync(sim.completion("{\"prompt\":" + ids(100) + ",\"max_tokens\":300,"
                        + "\"ignore_eos\":true,\"stream\":true,\"stream_options\":{\"include_usage\":true}}"),
                        HttpResponse.BodyHandlers.ofString()));
            }
            for (final CompletableFuture<HttpResponse<String>> f : streams) {
                final List<String> events = SimHarness.events(f.get(60, TimeUnit.SECONDS).body());
                final StringBuilder text = new StringBuilder();
                int tokens = 0;
                for (final String e : events.subList(0, events.size() - 2)) {
                    text.append(SimHarness.parse(e).get("choices").get(0).get("text").asText());
                    tokens++;
                }
                assertEquals(300, tokens, "one chunk per token, none repeated after a preemption");
                assertEquals(VllmSimServer.text(300, FinishReason.LENGTH), text.toString());
                final JsonNode usage = SimHarness.parse(events.get(events.size() - 2)).get("usage");
                assertEquals(300, usage.get("completion_tokens").asInt());
            }
            final SimHarness.Scrape s = sim.scrape();
            assertTrue(s.value("vllm:num_preemptions_total") > 0, "the cache was too small for all four");
            assertEquals(0, s.value("vllm:kv_cache_usage_perc"));
            assertEquals(1200, s.value("vllm:generation_tokens_total"));
        }
    }

    static String ids(final int n) {
        final StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ",").append(i + 1);
        }
        return sb.append(']').toString();
    }
}

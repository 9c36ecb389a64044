package org.kvsched.vllmsim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The completions API against the formats vLLM uses (docs/vllm-sim.md, "API"): SSE framing, the usage chunk,
 * {@code [DONE]}, text and token-id prompts, the non-streaming body, {@code min_tokens} and {@code ignore_eos},
 * vLLM's error bodies, and the other routes. Every emulated EOS comes after exactly 5 tokens here
 * ({@code --eos fixed:5}), so expected lengths are exact. The server runs at speed 1000: times do not matter.
 */
class CompletionApiTest {

    private static final int EOS_AT = 5;
    private static SimHarness sim;

    @BeforeAll
    static void start() {
        sim = new SimHarness(SimHarness.settings("llama2-7b-a100", 1000, "fixed:" + EOS_AT));
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    /** Every event of a streamed completion, checked for vLLM's chunk shape; returns the parsed chunks before [DONE]. */
    private static List<JsonNode> streamed(final String body) throws Exception {
        final HttpResponse<String> r = sim.post(body);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        final List<String> events = SimHarness.events(r.body());
        assertEquals("[DONE]", events.get(events.size() - 1), "the stream ends with data: [DONE]");
        final Set<String> ids = new HashSet<>();
        final List<JsonNode> chunks = events.subList(0, events.size() - 1).stream().map(SimHarness::parse).toList();
        for (final JsonNode c : chunks) {
            ids.add(c.get("id").asText());
            assertEquals("text_completion", c.get("object").asText());
            assertEquals("llama2-7b-a100", c.get("model").asText());
            assertTrue(c.get("created").isIntegralNumber());
        }
        assertEquals(1, ids.size(), "every chunk of a request carries the same id");
        assertTrue(ids.iterator().next().startsWith("cmpl-"));
        return chunks;
    }

    /** The token chunks (those with a choice), each checked for the choice's fields. */
    private static List<JsonNode> tokenChunks(final List<JsonNode> chunks) {
        final List<JsonNode> tokens = chunks.stream().filter(c -> c.get("choices").size() > 0).toList();
        for (int i = 0; i < tokens.size(); i++) {
            final JsonNode choice = tokens.get(i).get("choices").get(0);
            assertEquals(1, tokens.get(i).get("choices").size());
            assertEquals(0, choice.get("index").asInt());
            assertTrue(choice.get("text").isTextual());
            assertTrue(choice.has("logprobs") && choice.get("logprobs").isNull(), "logprobs: null is present");
            assertTrue(choice.has("stop_reason") && choice.get("stop_reason").isNull());
            assertTrue(choice.has("finish_reason"));
            assertEquals(i == tokens.size() - 1, !choice.get("finish_reason").isNull(),
                    "only the last chunk of a choice carries finish_reason");
            assertFalse(tokens.get(i).has("usage"), "no usage on token chunks without continuous_usage_stats");
        }
        return tokens;
    }

    @Test
    void streamingTextPromptWithUsageChunk() throws Exception {
        final String prompt = "The quick brown fox jumps over the lazy dog"; // 43 characters: 11 tokens at 4 per token
        final List<JsonNode> chunks = streamed("{\"model\":\"llama2-7b-a100\",\"prompt\":\"" + prompt + "\","
                + "\"max_tokens\":12,\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
        final List<JsonNode> tokens = tokenChunks(chunks);
        assertEquals(EOS_AT, tokens.size(), "one chunk per token");
        assertEquals("stop", tokens.get(tokens.size() - 1).get("choices").get(0).get("finish_reason").asText(),
                "an EOS before max_tokens finishes with stop");
        final JsonNode usageChunk = chunks.get(chunks.size() - 1);
        assertEquals(0, usageChunk.get("choices").size(), "the usage chunk has choices: []");
        final JsonNode usage = usageChunk.get("usage");
        assertEquals(PromptTokens.count(prompt), usage.get("prompt_tokens").asInt());
        assertEquals(11, usage.get("prompt_tokens").asInt());
        assertEquals(EOS_AT, usage.get("completion_tokens").asInt());
        assertEquals(11 + EOS_AT, usage.get("total_tokens").asInt());
        assertEquals(tokens.size() + 1, chunks.size(), "the usage chunk comes once, last before [DONE]");
    }

    @Test
    void streamingTokenIdPromptWithoutUsage() throws Exception {
        final List<JsonNode> chunks = streamed("{\"prompt\":[1,2,3,4,5,6,7],\"max_tokens\":9,\"ignore_eos\":true,\"stream\":true}");
        final List<JsonNode> tokens = tokenChunks(chunks);
        assertEquals(9, tokens.size(), "ignore_eos generates exactly max_tokens");
        assertEquals(tokens.size(), chunks.size(), "no usage chunk unless stream_options.include_usage");
        assertEquals("length", tokens.get(8).get("choices").get(0).get("finish_reason").asText());
        final StringBuilder text = new StringBuilder();
        tokens.forEach(t -> text.append(t.get("choices").get(0).get("text").asText()));
        assertEquals(VllmSimServer.text(9, org.kvsched.core.engine.FinishReason.LENGTH), text.toString());
    }

    @Test
    void continuousUsageStatsOnEveryChunk() throws Exception {
        final List<JsonNode> chunks = streamed("{\"prompt\":[9,9,9,9],\"max_tokens\":3,\"ignore_eos\":true,\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true,\"continuous_usage_stats\":true}}");
        for (int i = 0; i < 3; i++) {
            final JsonNode usage = chunks.get(i).get("usage");
            assertEquals(4, usage.get("prompt_tokens").asInt());
            assertEquals(i + 1, usage.get("completion_tokens").asInt());
        }
        assertEquals(3, chunks.get(3).get("usage").get("completion_tokens").asInt());
    }

    @Test
    void aStreamIntervalSendsTheFirstTokenAtOnceThenEveryNthAndTheFinish() throws Exception {
        try (SimHarness coarse = new SimHarness(SimHarness.settings("llama2-7b-a100", 1000, "fixed:" + EOS_AT).withStreamInterval(4))) {
            final HttpResponse<String> r = coarse.post("{\"prompt\":[9,9,9,9],\"max_tokens\":10,\"ignore_eos\":true,\"stream\":true,"
                    + "\"stream_options\":{\"include_usage\":true,\"continuous_usage_stats\":true}}");
            final List<String> events = SimHarness.events(r.body());
            assertEquals("[DONE]", events.get(events.size() - 1));
            final List<JsonNode> tokens = events.subList(0, events.size() - 1).stream().map(SimHarness::parse)
                    .filter(c -> c.get("choices").size() > 0).toList();
            // Tokens 1 | 2-5 | 6-9 | 10 (the finish): as vLLM's --stream-interval 4 groups them.
            assertEquals(List.of(1, 5, 9, 10), tokens.stream().map(c -> c.get("usage").get("completion_tokens").asInt()).toList());
            final StringBuilder text = new StringBuilder();
            tokens.forEach(t -> text.append(t.get("choices").get(0).get("text").asText()));
            assertEquals(VllmSimServer.text(10, org.kvsched.core.engine.FinishReason.LENGTH), text.toString(), "no token lost or repeated");
            assertEquals("length", tokens.get(3).get("choices").get(0).get("finish_reason").asText());
        }
    }

    @Test
    void nonStreamingBody() throws Exception {
        final HttpResponse<String> r = sim.post("{\"prompt\":[5,6,7,8,9],\"max_tokens\":4,\"ignore_eos\":true}");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        final JsonNode body = SimHarness.parse(r.body());
        assertEquals("text_completion", body.get("object").asText());
        assertTrue(body.get("id").asText().startsWith("cmpl-"));
        final JsonNode choice = body.get("choices").get(0);
        assertEquals("length", choice.get("finish_reason").asText());
        assertEquals(VllmSimServer.text(4, org.kvsched.core.engine.FinishReason.LENGTH), choice.get("text").asText());
        assertTrue(choice.get("logprobs").isNull());
        assertEquals(5, body.get("usage").get("prompt_tokens").asInt());
        assertEquals(4, body.get("usage").get("completion_tokens").asInt());
        assertEquals(9, body.get("usage").get("total_tokens").asInt());
    }

    @Test
    void maxTokensDefaultsTo16AndCapsTheEmulatedEos() throws Exception {
        final JsonNode noCap = SimHarness.parse(sim.post("{\"prompt\":\"hi\",\"ignore_eos\":true}").body());
        assertEquals(CompletionParams.DEFAULT_MAX_TOKENS, noCap.get("usage").get("completion_tokens").asInt());
        final JsonNode capped = SimHarness.parse(sim.post("{\"prompt\":\"hi\",\"max_tokens\":3}").body());
        assertEquals(3, capped.get("usage").get("completion_tokens").asInt(), "an EOS after the cap is cut by the cap");
        assertEquals("length", capped.get("choices").get(0).get("finish_reason").asText());
    }

    @Test
    void minTokensHoldsOffTheEmulatedEos() throws Exception {
        final JsonNode early = SimHarness.parse(sim.post("{\"prompt\":\"hi\",\"max_tokens\":20}").body());
        assertEquals(EOS_AT, early.get("usage").get("completion_tokens").asInt());
        final JsonNode held = SimHarness.parse(sim.post("{\"prompt\":\"hi\",\"max_tokens\":20,\"min_tokens\":12}").body());
        assertEquals(12, held.get("usage").get("completion_tokens").asInt());
        assertEquals("stop", held.get("choices").get(0).get("finish_reason").asText());
        final JsonNode ignored = SimHarness.parse(sim.post("{\"prompt\":\"hi\",\"max_tokens\":20,\"min_tokens\":20,"
                + "\"ignore_eos\":false}").body());
        assertEquals(20, ignored.get("usage").get("completion_tokens").asInt());
        assertEquals("length", ignored.get("choices").get(0).get("finish_reason").asText());
    }

    /** vLLM's error object: {"error": {"message", "type", "param", "code"}}. */
    private static JsonNode error(final HttpResponse<String> r, final int status, final String type) {
        assertEquals(status, r.statusCode(), r.body());
        final JsonNode error = SimHarness.parse(r.body()).get("error");
        assertTrue(error.get("message").isTextual() && !error.get("message").asText().isEmpty());
        assertEquals(type, error.get("type").asText());
        assertEquals(status, error.get("code").asInt());
        assertTrue(error.has("param"));
        return error;
    }

    @Test
    void badRequestsGetVllmErrorBodies() throws Exception {
        assertEquals("stream_options", error(sim.post("{\"prompt\":\"hi\",\"stream_options\":{\"include_usage\":true}}"),
                400, "BadRequestError").get("param").asText());
        // 4,090 prompt tokens + 16 > max_model_len 4096.
        error(sim.post("{\"prompt\":" + ids(4090) + "}"), 400, "BadRequestError");
        error(sim.post("{\"prompt\":\"hi\",\"max_tokens\":0}"), 400, "BadRequestError");
        error(sim.post("{\"prompt\":\"hi\",\"max_tokens\":4,\"min_tokens\":5}"), 400, "BadRequestError");
        error(sim.post("{\"prompt\":\"\"}"), 400, "BadRequestError");
        error(sim.post("{\"prompt\":[1,-2]}"), 400, "BadRequestError");
        error(sim.post("{\"prompt\":[\"a\",\"b\"]}"), 400, "BadRequestError");
        error(sim.post("{\"prompt\":\"hi\",\"n\":2}"), 400, "BadRequestError");
        error(sim.post("{\"prompt\":\"hi\""), 400, "BadRequestError");
        error(sim.post("{\"model\":\"gpt-4\",\"prompt\":\"hi\"}"), 404, "NotFoundError");
        // The prompt fits exactly: 4,080 + 16 = 4,096.
        assertEquals(200, sim.post("{\"prompt\":" + ids(4080) + ",\"max_tokens\":16,\"ignore_eos\":true}").statusCode());
    }

    @Test
    void aPromptListOfOneIsThatPrompt() throws Exception {
        final JsonNode text = SimHarness.parse(sim.post("{\"prompt\":[\"abcdefgh\"],\"max_tokens\":1}").body());
        assertEquals(2, text.get("usage").get("prompt_tokens").asInt());
        final JsonNode idList = SimHarness.parse(sim.post("{\"prompt\":[[1,2,3]],\"max_tokens\":1}").body());
        assertEquals(3, idList.get("usage").get("prompt_tokens").asInt());
    }

    @Test
    void modelsHealthAndUnknownRoutes() throws Exception {
        final JsonNode models = SimHarness.parse(sim.get("/v1/models").body());
        assertEquals("list", models.get("object").asText());
        assertEquals("llama2-7b-a100", models.get("data").get(0).get("id").asText());
        assertEquals("model", models.get("data").get(0).get("object").asText());
        assertEquals(4096, models.get("data").get(0).get("max_model_len").asInt());
        assertEquals(200, sim.get("/health").statusCode());
        assertEquals(404, sim.get("/v1/chat/nothing").statusCode());
        assertEquals(405, sim.get("/v1/completions").statusCode());
    }

    private static String ids(final int n) {
        final StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ",").append(i % 32_000);
        }
        return sb.append(']').toString();
    }
}

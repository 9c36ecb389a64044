package org.kvsched.vllmsim;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The fields of a {@code POST /v1/completions} body that vllm-sim acts on, checked the way vLLM checks them.
 *
 * <p>Accepted and without effect (there is no model to sample from): {@code temperature}, {@code top_p},
 * {@code top_k}, {@code seed}, {@code stop}, {@code stop_token_ids} and the other sampling fields; like vLLM,
 * unknown fields are ignored. Refused with a 400 because vllm-sim cannot honour them: more than one prompt
 * per request, {@code n} &gt; 1, {@code echo}, {@code logprobs}, beam search, a non-zero {@code priority}
 * (vLLM refuses that too unless it runs priority scheduling).
 *
 * @param promptTokens    prompt length, tokens (a token-id list's length, or {@link PromptTokens#count} of a text)
 * @param maxTokens       the {@code max_tokens} cap, &gt;= 1 (vLLM's default 16 when absent or null)
 * @param minTokens       {@code min_tokens}: no EOS before this many output tokens, 0..maxTokens
 * @param ignoreEos       {@code ignore_eos}: generate exactly {@code maxTokens}
 * @param stream          {@code stream}: answer with server-sent events
 * @param includeUsage    {@code stream_options.include_usage}: a final chunk with the token counts
 * @param continuousUsage {@code stream_options.continuous_usage_stats}: token counts on every chunk
 * @param requestId       the client's {@code request_id}, or null (then the server makes one)
 */
record CompletionParams(int promptTokens, int maxTokens, int minTokens, boolean ignoreEos, boolean stream,
                        boolean includeUsage, boolean continuousUsage, String requestId) {

    /** vLLM's default {@code max_tokens} for completions. */
    static final int DEFAULT_MAX_TOKENS = 16;

    /**
     * Checks a request body.
     *
     * @param body            the parsed JSON body
     * @param servedModelName the only model name accepted in {@code model} (absent or null means it)
     * @param maxModelLen     longest prompt + max_tokens accepted, tokens
     * @throws ApiError 400 for a malformed or refused request, 404 for another model
     */
    static CompletionParams parse(final JsonNode body, final String servedModelName, final int maxModelLen) {
        if (body == null || !body.isObject()) {
            throw ApiError.badRequest(null, "the request body must be a JSON object");
        }
        final JsonNode model = body.get("model");
        if (model != null && !model.isNull()) {
            if (!model.isTextual()) {
                throw ApiError.badRequest("model", "model must be a string");
            }
            if (!model.asText().equals(servedModelName)) {
                throw new ApiError(404, "NotFoundError", "model", "The model `" + model.asText() + "` does not exist.");
            }
        }
        final boolean stream = bool(body, "stream", false);
        final JsonNode options = body.get("stream_options");
        boolean includeUsage = false;
        boolean continuousUsage = false;
        if (options != null && !options.isNull()) {
            if (!options.isObject()) {
                throw ApiError.badRequest("stream_options", "stream_options must be an object");
            }
            // vLLM tests the field's truth: an empty object passes without `stream`.
            if (options.size() > 0 && !stream) {
                throw ApiError.badRequest("stream_options", "Stream options can only be defined when `stream=True`.");
            }
            // vLLM's StreamOptions defaults include_usage to true once stream_options is given.
            includeUsage = bool(options, "include_usage", true);
            continuousUsage = bool(options, "continuous_usage_stats", false);
        }
        refuseUnsupported(body);
        final int promptTokens = promptTokens(body.get("prompt"));
        final int maxTokens = integer(body, "max_tokens", DEFAULT_MAX_TOKENS);
        if (maxTokens < 1) {
            throw ApiError.badRequest("max_tokens", "max_tokens must be at least 1, got " + maxTokens + ".");
        }
        final int minTokens = integer(body, "min_tokens", 0);
        if (minTokens < 0) {
            throw ApiError.badRequest("min_tokens", "min_tokens must be greater than or equal to 0, got " + minTokens + ".");
        }
        if (minTokens > maxTokens) {
            throw ApiError.badRequest("min_tokens", "min_tokens must be less than or equal to max_tokens="
                    + maxTokens + ", got " + minTokens + ".");
        }
        if ((long) promptTokens + maxTokens > maxModelLen) {
            throw ApiError.badRequest(null, "This model's maximum context length is " + maxModelLen
                    + " tokens. However, you requested " + ((long) promptTokens + maxTokens) + " tokens (" + promptTokens
                    + " in the messages, " + maxTokens + " in the completion). Please reduce the length of the messages"
                    + " or completion.");
        }
        final boolean ignoreEos = bool(body, "ignore_eos", false);
        final JsonNode id = body.get("request_id");
        final String requestId = id != null && id.isTextual() && !id.asText().isBlank() ? id.asText() : null;
        return new CompletionParams(promptTokens, maxTokens, minTokens, ignoreEos, stream, includeUsage && stream,
                continuousUsage && stream, requestId);
    }

    private static void refuseUnsupported(final JsonNode body) {
        final JsonNode n = body.get("n");
        if (n != null && !n.isNull() && !(n.isIntegralNumber() && n.asLong() == 1)) {
            throw ApiError.badRequest("n", "vllm-sim generates one choice per request (n = 1)");
        }
        if (bool(body, "echo", false)) {
            throw ApiError.badRequest("echo", "vllm-sim does not echo prompts");
        }
        final JsonNode logprobs = body.get("logprobs");
        if (logprobs != null && !logprobs.isNull()) {
            throw ApiError.badRequest("logprobs", "vllm-sim computes no logprobs");
        }
        if (bool(body, "use_beam_search", false)) {
            throw ApiError.badRequest("use_beam_search", "vllm-sim does not run beam search");
        }
        final JsonNode priority = body.get("priority");
        if (priority != null && !priority.isNull() && !(priority.isIntegralNumber() && priority.asLong() == 0)) {
            throw ApiError.badRequest("priority", "Got priority " + priority + " but Priority scheduling is not enabled.");
        }
    }

    /** Tokens of a prompt: a non-empty string, a non-empty token-id list, or a list holding one of those. */
    private static int promptTokens(final JsonNode prompt) {
        if (prompt == null || prompt.isNull() || prompt.isTextual() && prompt.asText().isEmpty()) {
            throw ApiError.badRequest("prompt", "Either prompt or prompt_embeds must be provided and non-empty.");
        }
        if (prompt.isTextual()) {
            return PromptTokens.count(prompt.asText());
        }
        if (!prompt.isArray()) {
            throw ApiError.badRequest("prompt", "prompt must be a string, a list of token ids, or a list of those");
        }
        if (prompt.isEmpty()) {
            throw ApiError.badRequest("prompt", "The prompt cannot be empty.");
        }
        final JsonNode first = prompt.get(0);
        if (first.isTextual() || first.isArray()) {
            if (prompt.size() > 1) {
                throw ApiError.badRequest("prompt", "vllm-sim serves one prompt per request, got a batch of " + prompt.size());
            }
            return promptTokens(first);
        }
        for (final JsonNode token : prompt) {
            if (!token.isIntegralNumber() || !token.canConvertToInt() || token.asInt() < 0) {
                throw ApiError.badRequest("prompt", "token ids must be integers >= 0, got " + token);
            }
        }
        return prompt.size();
    }

    private static boolean bool(final JsonNode node, final String field, final boolean fallback) {
        final JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw ApiError.badRequest(field, field + " must be a boolean, got " + v);
        }
        return v.asBoolean();
    }

    private static int integer(final JsonNode node, final String field, final int fallback) {
        final JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw ApiError.badRequest(field, field + " must be an integer, got " + v);
        }
        return v.asInt();
    }
}

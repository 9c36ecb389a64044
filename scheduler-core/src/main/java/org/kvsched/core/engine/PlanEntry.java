package org.kvsched.core.engine;

/**
 * One request's work in the explicit iteration of a {@link BatchPlan}, with what a worker needs to run
 * it without any state of its own.
 *
 * @param requestId       the request
 * @param tokens          tokens processed in the explicit iteration, &gt;= 1
 * @param computedBefore  tokens of the request already in the KV cache before the iteration
 * @param promptTokens    prompt length, tokens
 * @param generatedBefore output tokens generated before the iteration
 * @param maxTokens       the request's {@code max_tokens} cap: the worker stops it there at the latest (it may end
 *                        earlier, at an end-of-sequence token, and reports so)
 */
public record PlanEntry(long requestId, int tokens, int computedBefore, int promptTokens, int generatedBefore, int maxTokens) {

    /** True if the iteration completes the request's pending tokens, so it samples an output token. */
    public boolean emitsToken() {
        return computedBefore + tokens == promptTokens + generatedBefore;
    }

    /** True if this is a plain decode step (one token on a request that has all but its newest token cached). */
    public boolean isDecode() {
        return tokens == 1 && generatedBefore > 0 && computedBefore == promptTokens + generatedBefore - 1;
    }

    /** True if the explicit iteration produces the request's last token allowed by its cap. */
    public boolean reachesCapInExplicitIteration() {
        return emitsToken() && generatedBefore + 1 == maxTokens;
    }

    /** Output tokens the cap still allows after the explicit iteration (only meaningful when it emits). */
    public int remainingAfterExplicit() {
        return maxTokens - generatedBefore - (emitsToken() ? 1 : 0);
    }
}

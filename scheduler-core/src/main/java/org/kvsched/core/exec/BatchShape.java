package org.kvsched.core.exec;

import java.util.List;

/**
 * What an execution-time model needs to know about one iteration (one forward pass).
 *
 * @param prefills             prefill chunks in the iteration (possibly empty)
 * @param decodeCount          number of requests decoding one token each in the iteration
 * @param decodeContextTokens  sum over the decoding requests of the tokens each attends to (its KV
 *                             length including the token being decoded), in tokens
 */
public record BatchShape(List<PrefillChunk> prefills, int decodeCount, long decodeContextTokens) {

    public BatchShape {
        prefills = List.copyOf(prefills);
        if (decodeCount < 0 || decodeContextTokens < 0) {
            throw new IllegalArgumentException("bad decode part: count=" + decodeCount + " context=" + decodeContextTokens);
        }
    }

    /** A decode-only iteration. */
    public static BatchShape decodeOnly(final int decodeCount, final long decodeContextTokens) {
        return new BatchShape(List.of(), decodeCount, decodeContextTokens);
    }

    /** Prefill tokens in the iteration (the sum of the chunks). */
    public int prefillTokens() {
        int sum = 0;
        for (final PrefillChunk c : prefills) {
            sum += c.tokens();
        }
        return sum;
    }

    /** All tokens processed in the iteration: prefill tokens plus one per decode. */
    public int totalTokens() {
        return prefillTokens() + decodeCount;
    }

    /** True when the iteration processes nothing. */
    public boolean isEmpty() {
        return prefills.isEmpty() && decodeCount == 0;
    }
}

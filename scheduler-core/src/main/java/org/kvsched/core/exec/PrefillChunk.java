package org.kvsched.core.exec;

/**
 * One request's prefill work inside an iteration.
 *
 * @param tokens       prompt tokens processed in this iteration (the chunk), &gt;= 1
 * @param cachedTokens tokens of the same request already in the KV cache before this chunk (0 for a
 *                     first chunk), which the chunk's attention reads
 */
public record PrefillChunk(int tokens, int cachedTokens) {
    public PrefillChunk {
        if (tokens < 1 || cachedTokens < 0) {
            throw new IllegalArgumentException("bad prefill chunk: tokens=" + tokens + " cached=" + cachedTokens);
        }
    }
}

package org.kvsched.core.model;

/**
 * One inference request as it arrives: the unit every workload produces and every transport carries.
 *
 * <p>Units: {@code arrivalUs} is virtual time in microseconds since the start of the workload;
 * lengths are in tokens. {@code outputTokens} is the simulation's ground truth (the number of tokens
 * the model will generate, which a real replay passes as {@code max_tokens} with EOS ignored). It is
 * visible to the scheduling mechanism and the worker, never to a policy: policies see only the
 * prediction made by a {@link LengthPredictor}.
 *
 * @param id            unique id within a workload (the trace row index for trace files)
 * @param arrivalUs     arrival time, microseconds, &gt;= 0
 * @param promptTokens  prompt length in tokens, &gt;= 1
 * @param outputTokens  true number of output tokens, &gt;= 1
 */
public record Request(long id, long arrivalUs, int promptTokens, int outputTokens) {

    public Request {
        if (arrivalUs < 0) {
            throw new IllegalArgumentException("request " + id + ": arrival time must be >= 0, got " + arrivalUs + " us");
        }
        if (promptTokens < 1) {
            throw new IllegalArgumentException("request " + id + ": prompt tokens must be >= 1, got " + promptTokens);
        }
        if (outputTokens < 1) {
            throw new IllegalArgumentException("request " + id + ": output tokens must be >= 1, got " + outputTokens);
        }
    }

    /** Prompt plus output: the KV footprint in tokens when the request finishes. */
    public int totalTokens() {
        return promptTokens + outputTokens;
    }
}

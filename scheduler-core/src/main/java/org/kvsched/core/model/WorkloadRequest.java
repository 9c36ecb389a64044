package org.kvsched.core.model;

/**
 * One request of a workload: what a client sends ({@link #request}) plus the simulation's ground truth,
 * the number of tokens the model will really generate.
 *
 * <p>Who may read what: the scheduler and the policies get only a {@link Request} (prompt, the
 * {@code max_tokens} cap and a prediction), never this type; the true length is known to the simulated
 * worker alone, which ends the request when it is reached (an end-of-sequence token before the cap, or
 * the cap itself). A trace replay against a real server sends {@code maxTokens} with EOS ignored.
 *
 * <p>Units: {@code arrivalUs} is virtual time in microseconds since the start of the workload; lengths
 * are in tokens.
 *
 * @param id            unique id within a workload (the trace row index for trace files)
 * @param arrivalUs     arrival time, microseconds, &gt;= 0
 * @param promptTokens  prompt length in tokens, &gt;= 1
 * @param outputTokens  true number of output tokens, 1 &lt;= outputTokens &lt;= maxTokens
 * @param maxTokens     the request's {@code max_tokens} cap, tokens
 */
public record WorkloadRequest(long id, long arrivalUs, int promptTokens, int outputTokens, int maxTokens) {

    public WorkloadRequest {
        if (arrivalUs < 0) {
            throw new IllegalArgumentException("request " + id + ": arrival time must be >= 0, got " + arrivalUs + " us");
        }
        if (promptTokens < 1) {
            throw new IllegalArgumentException("request " + id + ": prompt tokens must be >= 1, got " + promptTokens);
        }
        if (outputTokens < 1) {
            throw new IllegalArgumentException("request " + id + ": output tokens must be >= 1, got " + outputTokens);
        }
        if (maxTokens < outputTokens) {
            throw new IllegalArgumentException("request " + id + ": max_tokens " + maxTokens + " is below its true output length "
                    + outputTokens);
        }
    }

    /** A request whose true length is its cap (a trace row replayed with EOS ignored). */
    public WorkloadRequest(final long id, final long arrivalUs, final int promptTokens, final int outputTokens) {
        this(id, arrivalUs, promptTokens, outputTokens, outputTokens);
    }

    /** Prompt plus true output: the KV footprint in tokens when the request finishes. */
    public int totalTokens() {
        return promptTokens + outputTokens;
    }

    /** The same request with another true length (capped requests that end early). */
    public WorkloadRequest withOutputTokens(final int trueOutput) {
        return new WorkloadRequest(id, arrivalUs, promptTokens, trueOutput, maxTokens);
    }

    /** What the scheduler is told: everything but the true length, with the given prediction. */
    public Request toRequest(final int predictedOutputTokens) {
        return new Request(id, arrivalUs, promptTokens, maxTokens, predictedOutputTokens);
    }
}

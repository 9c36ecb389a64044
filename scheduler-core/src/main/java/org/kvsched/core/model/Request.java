package org.kvsched.core.model;

/**
 * A request as a scheduler knows it: what a client sends to an inference server, plus the prediction
 * that a length predictor in front of the scheduler attached. It has no true output length on purpose:
 * a real server reveals that only by finishing the request (EOS, a stop string, the cap), and the
 * scheduler learns it the same way, from worker reports.
 *
 * @param id                    unique id (per replica among requests not yet finished)
 * @param arrivalUs             arrival time, microseconds, &gt;= 0 (virtual time, or the log-append time live)
 * @param promptTokens          prompt length, tokens, &gt;= 1
 * @param maxTokens             the {@code max_tokens} cap, tokens, &gt;= 1: the request never generates more
 * @param predictedOutputTokens predicted output tokens (&gt;= 1), or {@link LengthPredictor#UNKNOWN}
 */
public record Request(long id, long arrivalUs, int promptTokens, int maxTokens, int predictedOutputTokens) {

    public Request {
        if (arrivalUs < 0) {
            throw new IllegalArgumentException("request " + id + ": arrival time must be >= 0, got " + arrivalUs + " us");
        }
        if (promptTokens < 1) {
            throw new IllegalArgumentException("request " + id + ": prompt tokens must be >= 1, got " + promptTokens);
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("request " + id + ": max_tokens must be >= 1, got " + maxTokens);
        }
        if (predictedOutputTokens < 1 && predictedOutputTokens != LengthPredictor.UNKNOWN) {
            throw new IllegalArgumentException("request " + id + ": predicted output tokens must be >= 1 or unknown (-1), got "
                    + predictedOutputTokens);
        }
    }

    /**
     * The most KV tokens the request can ever hold: prompt + max_tokens − 1, because the last sampled
     * token's KV is never written.
     */
    public int maxKvTokens() {
        return promptTokens + maxTokens - 1;
    }
}

package org.kvsched.core.engine;

/**
 * What a worker says about one request of a plan it ran: the scheduler's only source of token progress
 * and of completions.
 *
 * @param requestId    the request (an entry of the plan)
 * @param outputTokens output tokens generated during the plan, &gt;= 0
 * @param firstTokenUs time of the request's first output token if it came during this plan, microseconds;
 *                     {@link #NONE} otherwise
 * @param finish       why the request ended during this plan, or null if it goes on
 * @param message      detail for {@link FinishReason#ERROR} (empty otherwise)
 */
public record TokenProgress(long requestId, int outputTokens, long firstTokenUs, FinishReason finish, String message) {

    /** No first token in this plan. */
    public static final long NONE = -1;

    public TokenProgress {
        if (outputTokens < 0) {
            throw new IllegalArgumentException("request " + requestId + ": output tokens in a report must be >= 0, got " + outputTokens);
        }
        message = message == null ? "" : message;
    }

    /** Progress of a request that goes on. */
    public static TokenProgress running(final long requestId, final int outputTokens, final long firstTokenUs) {
        return new TokenProgress(requestId, outputTokens, firstTokenUs, null, "");
    }

    /** True if the worker ended the request in this plan. */
    public boolean finished() {
        return finish != null;
    }
}

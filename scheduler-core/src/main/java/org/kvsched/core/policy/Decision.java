package org.kvsched.core.policy;

import java.util.List;

/**
 * A policy's answer for one replica: the explicit iteration to run and how long the batch may keep
 * decoding before the policy must be asked again.
 *
 * <p>Meaning (docs/architecture.md section 3): first apply {@code preemptions}; then run one iteration
 * processing {@code chunks} (a chunk of a waiting request admits it); then the requests that emitted a
 * token in that iteration keep decoding for up to {@code maxDecodeContinuation} more iterations. The
 * mechanism stops the continuation earlier after an iteration in which a request completes, in which
 * the clock reaches {@code continueUntilUs} or the next arrival, or before KV would run out. A policy
 * sets {@code maxDecodeContinuation} to the number of iterations during which, were it asked after
 * each one, it would answer "decode the same set, nothing else" (0 when unsure).
 *
 * @param chunks                 work of the explicit iteration, in batch order
 * @param preemptions            running requests to preempt before the iteration
 * @param maxDecodeContinuation  pure-decode iterations allowed after the explicit one, &gt;= 0
 * @param continueUntilUs        stop the continuation after the iteration that reaches this time (Long.MAX_VALUE: no limit)
 */
public record Decision(List<Chunk> chunks, List<Preemption> preemptions, int maxDecodeContinuation, long continueUntilUs) {

    /** Nothing to run now: the replica idles until the next arrival. */
    public static final Decision IDLE = new Decision(List.of(), List.of(), 0, Long.MAX_VALUE);

    public Decision {
        chunks = List.copyOf(chunks);
        preemptions = List.copyOf(preemptions);
        if (maxDecodeContinuation < 0) {
            throw new IllegalArgumentException("maxDecodeContinuation must be >= 0, got " + maxDecodeContinuation);
        }
    }

    /** True when the decision runs nothing and preempts nothing. */
    public boolean isIdle() {
        return chunks.isEmpty() && preemptions.isEmpty();
    }

    /**
     * Work for one request in the explicit iteration.
     *
     * @param requestId the request (running, or waiting: then it is admitted)
     * @param tokens    tokens to process, 1 &lt;= tokens &lt;= its pending tokens
     */
    public record Chunk(long requestId, int tokens) {
        public Chunk {
            if (tokens < 1) {
                throw new IllegalArgumentException("chunk of request " + requestId + " must have >= 1 token, got " + tokens);
            }
        }
    }

    /**
     * A running request that loses its KV cache and returns to the waiting queue.
     *
     * @param requestId     the request
     * @param discardOutput false: recompute later (vLLM: output so far is kept and re-prefilled with the
     *                      prompt); true: restart from scratch (the output is generated again), as in
     *                      the restart models of the GSA and MC-SF papers
     */
    public record Preemption(long requestId, boolean discardOutput) {
    }
}

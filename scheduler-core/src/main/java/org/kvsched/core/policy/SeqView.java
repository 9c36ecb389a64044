package org.kvsched.core.policy;

import java.util.Comparator;

/**
 * A policy's read-only view of one request on a replica (waiting or running).
 *
 * <p>It deliberately has no true output length: a policy knows only {@link #predictedOutputTokens()}.
 * Token counts: the request's <em>known</em> tokens are its prompt plus the output generated so far;
 * {@link #computedTokens()} of them have KV in the cache; {@link #pendingTokens()} = known - computed
 * is what the next steps must process (the prompt, or prompt + output after a recompute preemption,
 * or exactly 1 for a decoding request).
 */
public interface SeqView {

    /** Waiting-queue order of plain FCFS: by queue key (preempted requests go to the front). */
    Comparator<SeqView> FCFS = Comparator.comparingLong(SeqView::queueKey).thenComparingLong(SeqView::id);

    long id();

    /** Arrival time, microseconds. */
    long arrivalUs();

    int promptTokens();

    /** Predicted total output tokens, or {@code LengthPredictor.UNKNOWN} (-1). */
    int predictedOutputTokens();

    /** Output tokens generated so far (kept across a recompute preemption). */
    int generatedTokens();

    /** Tokens whose KV is in the cache now. */
    int computedTokens();

    /** Tokens still to process before the next output token: &gt;= 1. */
    int pendingTokens();

    /** KV blocks held now. */
    int blocksHeld();

    /** True when the request decodes (one pending token and at least one output token so far). */
    default boolean isDecoding() {
        return pendingTokens() == 1 && generatedTokens() > 0;
    }

    /** Number of times the request was preempted so far. */
    int preemptions();

    /**
     * Position key in the FCFS waiting queue: increasing with arrival; a request preempted back into
     * the queue gets a key below every existing one, so it is at the front.
     */
    long queueKey();

    /** Increasing with the time of the last admission to the running set (for "most recently admitted" rules). */
    long admissionOrder();

    /** Iteration counter of the replica when the request was last admitted. */
    long admittedAtIteration();
}

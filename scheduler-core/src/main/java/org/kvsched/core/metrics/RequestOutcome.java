package org.kvsched.core.metrics;

/**
 * The measured life of one request. Times are virtual microseconds; -1 where the moment never came
 * (e.g. no first token for a rejected request).
 *
 * @param requestId     the request
 * @param replicaId     the replica that served (or rejected) it
 * @param arrivalUs     arrival
 * @param firstAdmitUs  first admission to a batch (scheduling delay = this - arrival)
 * @param firstTokenUs  first output token (TTFT = this - arrival)
 * @param completionUs  last output token
 * @param promptTokens  prompt length, tokens
 * @param outputTokens  output length, tokens
 * @param preemptions   times preempted (each costs a recompute or restart)
 * @param rejectReason  empty unless rejected
 * @param finishReason  why the worker ended it ({@code length}, {@code eos}, {@code error: ...}); empty unless completed
 */
public record RequestOutcome(long requestId, int replicaId, long arrivalUs, long firstAdmitUs, long firstTokenUs,
                             long completionUs, int promptTokens, int outputTokens, int preemptions, String rejectReason,
                             String finishReason) {

    public boolean completed() {
        return completionUs >= 0;
    }

    public boolean rejected() {
        return !rejectReason.isEmpty();
    }

    /** Time to first token, microseconds (-1 if none). */
    public long ttftUs() {
        return firstTokenUs < 0 ? -1 : firstTokenUs - arrivalUs;
    }

    /** End-to-end latency, microseconds (-1 if not completed). */
    public long e2eUs() {
        return completionUs < 0 ? -1 : completionUs - arrivalUs;
    }

    /** Mean time per output token after the first, microseconds (-1 if fewer than two tokens or not completed). */
    public double tpotUs() {
        return completionUs < 0 || outputTokens < 2 ? -1 : (double) (completionUs - firstTokenUs) / (outputTokens - 1);
    }

    /** Scheduling delay (arrival to first admission), microseconds (-1 if never admitted). */
    public long schedulingDelayUs() {
        return firstAdmitUs < 0 ? -1 : firstAdmitUs - arrivalUs;
    }
}

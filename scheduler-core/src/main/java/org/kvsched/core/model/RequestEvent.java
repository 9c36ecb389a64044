package org.kvsched.core.model;

/**
 * One lifecycle event of a request, as the scheduler emits it (and as the {@code request-events}
 * topic carries it).
 *
 * @param kind            what happened
 * @param requestId       the request
 * @param replicaId       the replica whose scheduler emitted the event
 * @param timeUs          virtual time of the event, microseconds
 * @param promptTokens    the request's prompt length, tokens (repeated on every event so a sink needs no join)
 * @param maxTokens       the request's {@code max_tokens} cap, tokens
 * @param generatedTokens output tokens generated so far when the event happened (at COMPLETED: the output length)
 * @param reason          why: the rejection reason for {@link RequestEventKind#REJECTED}; the finish reason for
 *                        {@link RequestEventKind#COMPLETED} ({@code length}, {@code eos}, {@code stop}, {@code abort},
 *                        or {@code error: message}); empty otherwise
 */
public record RequestEvent(RequestEventKind kind, long requestId, int replicaId, long timeUs,
                           int promptTokens, int maxTokens, int generatedTokens, String reason) {

    public RequestEvent {
        reason = reason == null ? "" : reason;
    }
}

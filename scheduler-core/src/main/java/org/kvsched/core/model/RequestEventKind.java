package org.kvsched.core.model;

/** What happened to a request; the lifecycle a metrics sink reconstructs. */
public enum RequestEventKind {
    /** The scheduler of a replica received the request. */
    ARRIVED,
    /** The request was given its first (or, after a preemption, a new) slot in a batch. */
    ADMITTED,
    /** The request's first output token was produced (emitted once, even if it is later preempted). */
    FIRST_TOKEN,
    /** The request lost its KV cache and went back to the waiting queue. */
    PREEMPTED,
    /** The request produced its last output token. */
    COMPLETED,
    /** The request will never be served; the event carries the reason. */
    REJECTED;

    /** True for the kinds after which no further event of the request follows. */
    public boolean isTerminal() {
        return this == COMPLETED || this == REJECTED;
    }
}

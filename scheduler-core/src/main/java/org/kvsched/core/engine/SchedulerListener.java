package org.kvsched.core.engine;

import org.kvsched.core.policy.Decision;
import org.kvsched.core.model.RequestEvent;

/** Receives what a {@link Scheduler} emits, in order; implementations must not call back into the scheduler. */
public interface SchedulerListener {

    /** A request's lifecycle event. */
    void onRequestEvent(RequestEvent event);

    /** A plan's report was applied. */
    default void onStep(final StepSummary summary) {
    }

    /**
     * The policy returned {@code decision} at {@code nowUs}; the scheduler applies it right after this call.
     * A replica log records these so that a restore re-applies them without asking the policy.
     */
    default void onDecision(final long nowUs, final Decision decision) {
    }

    /** Discards everything. */
    SchedulerListener NONE = event -> { };
}

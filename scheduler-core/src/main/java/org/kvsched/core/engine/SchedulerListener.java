package org.kvsched.core.engine;

import org.kvsched.core.model.RequestEvent;

/** Receives what a {@link Scheduler} emits, in order; implementations must not call back into the scheduler. */
public interface SchedulerListener {

    /** A request's lifecycle event. */
    void onRequestEvent(RequestEvent event);

    /** A plan's report was applied. */
    default void onStep(final StepSummary summary) {
    }

    /** Discards everything. */
    SchedulerListener NONE = event -> { };
}

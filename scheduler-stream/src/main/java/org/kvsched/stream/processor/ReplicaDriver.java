package org.kvsched.stream.processor;

import java.util.ArrayDeque;

import org.kvsched.core.engine.BatchPlan;
import org.kvsched.core.engine.Scheduler;
import org.kvsched.core.engine.SchedulerListener;
import org.kvsched.core.engine.StepReport;
import org.kvsched.core.engine.StepSummary;
import org.kvsched.core.model.Request;
import org.kvsched.core.model.RequestEvent;

/**
 * Drives one replica's core {@link Scheduler} from Kafka inputs with exactly the calls, in exactly the
 * order, that the in-memory engine makes ({@code SimulationEngine}), so both transports give identical
 * per-request results.
 *
 * <p>Virtual-time protocol (ARCHITECTURE.md section 4): arrivals are buffered; a decision at time t is
 * taken only once an arrival later than t, or the end-of-trace marker, has been seen, so it sees exactly
 * the arrivals with time &lt;= t. Decisions happen where the engine takes them: at the end of each plan
 * (the report's end time) and, while idle, at the time of the next arrival. Every decision depends only
 * on record contents, never on wall clock or on how records were batched.
 *
 * <p>Not thread-safe; one instance per replica inside the stream task that owns its partition.
 */
final class ReplicaDriver {

    /** Where the driver's outputs go; a rebuild from the store uses {@link #DISCARD}. */
    interface Outputs {
        void plan(BatchPlan plan);

        void requestEvent(RequestEvent event);

        void step(StepSummary summary);

        void replicaEnd(int replicaId, int replicas, long finished, long errors, long plans, long endUs);
    }

    static final Outputs DISCARD = new Outputs() {
        @Override
        public void plan(final BatchPlan plan) {
        }

        @Override
        public void requestEvent(final RequestEvent event) {
        }

        @Override
        public void step(final StepSummary summary) {
        }

        @Override
        public void replicaEnd(final int replicaId, final int replicas, final long finished, final long errors, final long plans,
                               final long endUs) {
        }
    };

    private static final long NONE = Long.MIN_VALUE;

    private final int replicaId;
    private final Scheduler scheduler;
    private final ArrayDeque<Request> buffer = new ArrayDeque<>();
    /** Ids accepted on this replica: a repeated id is bad input, not a reason to stop the partition. */
    private final java.util.Set<Long> ids = new java.util.HashSet<>();
    private Outputs out = DISCARD;
    private long lastArrivalUs = NONE;
    private long decideAtUs = NONE;
    private boolean inFlight;
    private boolean endOfTrace;
    private int replicas;
    private long errors;
    private boolean endSent;
    private long lastEventUs;

    /**
     * @param replicaId the replica
     * @param factory   builds the replica's scheduler around the listener it must report to
     */
    ReplicaDriver(final int replicaId, final java.util.function.Function<SchedulerListener, Scheduler> factory) {
        this.replicaId = replicaId;
        this.scheduler = factory.apply(new SchedulerListener() {
            @Override
            public void onRequestEvent(final RequestEvent event) {
                lastEventUs = Math.max(lastEventUs, event.timeUs());
                out.requestEvent(event);
            }

            @Override
            public void onStep(final StepSummary summary) {
                out.step(summary);
            }
        });
    }

    int replicaId() {
        return replicaId;
    }

    Scheduler scheduler() {
        return scheduler;
    }

    /** Sends outputs to {@code outputs} from now on. */
    void outputTo(final Outputs outputs) {
        this.out = outputs;
    }

    /**
     * Why this arrival cannot be accepted (it would break the protocol), or null if it can: arrivals of a
     * replica must come in time order and before its end-of-trace marker.
     */
    String rejectReason(final Request request) {
        if (endOfTrace) {
            return "request " + request.id() + " arrived after the end-of-trace marker of replica " + replicaId;
        }
        if (ids.contains(request.id())) {
            return "request id " + request.id() + " arrived twice on replica " + replicaId;
        }
        if (lastArrivalUs != NONE && request.arrivalUs() < lastArrivalUs) {
            return "request " + request.id() + " arrives at " + request.arrivalUs() + " us, before the previous arrival at "
                    + lastArrivalUs + " us on replica " + replicaId + " (arrivals must be in time order)";
        }
        return null;
    }

    /** Buffers an arrival accepted by {@link #rejectReason}. */
    void onArrival(final Request request) {
        buffer.addLast(request);
        ids.add(request.id());
        lastArrivalUs = request.arrivalUs();
    }

    /** The end-of-trace marker of this replica's partition. */
    void onEndOfTrace(final int replicaCount) {
        endOfTrace = true;
        replicas = replicaCount;
    }

    /** An arrival of this replica went to the errors topic. */
    void onError() {
        errors++;
    }

    /** Applies a worker report; a stale or duplicate one is ignored (false). */
    boolean onReport(final StepReport report) {
        if (!inFlight || !scheduler.onStepReport(report)) {
            return false;
        }
        inFlight = false;
        decideAtUs = report.endUs();
        return true;
    }

    /** Makes every decision the inputs seen so far allow; stops when a plan is out or more input is needed. */
    void advance() {
        while (!inFlight) {
            if (decideAtUs == NONE) {
                if (buffer.isEmpty()) {
                    break;
                }
                // Idle: the engine's next decision is at the next arrival.
                decideAtUs = buffer.peekFirst().arrivalUs();
            }
            final long now = decideAtUs;
            if (!endOfTrace && (buffer.isEmpty() || buffer.peekLast().arrivalUs() <= now)) {
                // An arrival at or before `now` may still be on its way: wait for a later one or the marker.
                break;
            }
            while (!buffer.isEmpty() && buffer.peekFirst().arrivalUs() <= now) {
                scheduler.onArrival(buffer.pollFirst());
            }
            final boolean ended = endOfTrace && buffer.isEmpty();
            if (ended && !scheduler.arrivalsEnded()) {
                scheduler.markArrivalsEnded();
            }
            final long nextArrival = buffer.isEmpty() ? Long.MAX_VALUE : buffer.peekFirst().arrivalUs();
            decideAtUs = NONE;
            final BatchPlan plan = scheduler.schedule(now, nextArrival);
            if (plan != null) {
                inFlight = true;
                out.plan(plan);
            } else if (ended && !scheduler.isDrained()) {
                scheduler.rejectWaiting(now, "policy " + scheduler.policy().name()
                        + " left it waiting on an idle replica after the last arrival");
            }
        }
        if (!endSent && endOfTrace && buffer.isEmpty() && !inFlight && scheduler.isDrained()) {
            endSent = true;
            out.replicaEnd(replicaId, replicas, scheduler.finishedRequests(), errors, scheduler.plans(),
                    Math.max(lastEventUs, scheduler.clockUs()));
        }
    }

    boolean ended() {
        return endSent;
    }
}

package org.kvsched.core.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.kvsched.core.model.Request;

/**
 * The replica loop: the one piece of code that decides when a replica's {@link Scheduler} may decide and
 * at what time. It buffers arrivals, applies reports, declares the end of input, rejects what a policy
 * leaves waiting after the end, and says when the replica is done. Both transports are thin adapters
 * around it: the in-memory engine calls it directly, the Kafka Streams processor from records.
 *
 * <p>Time comes through one seam, {@link Clock}:
 * <ul>
 *   <li>{@link Clock.Virtual} (replays): a replica's clock advances only by modelled iteration times. A
 *       decision happens at the end of each plan (the report's end time) and, while idle, at the time of
 *       the next arrival; it is taken at time t only once every arrival at or before t is known, i.e. once
 *       the input's watermark (the last arrival seen: arrivals of a replica come in time order; or a bound
 *       the transport sets; or the end of input) is past t. So each decision sees exactly the arrivals it
 *       would see in any other transport, whatever the batching of records or the speed of the replay.</li>
 *   <li>{@link Clock.Wall} (live): the transport stamps every input with the time it used (an arrival's
 *       log-append time, a report's or a timer's reading of the clock) and calls {@link #advanceAt}; the
 *       scheduler decides at that time with what it has, and a plan runs at most a horizon ahead because the
 *       next arrival is unknown. Recorded with their stamps, the same inputs replay to the same decisions.</li>
 * </ul>
 *
 * <p>Input rules (each violation is the caller's to route to an error channel, see {@link #rejectReason}):
 * arrivals of a replica come in time order and before its end-of-input marker, and an id is not reused while
 * a request with that id is buffered, waiting or running here. Not thread-safe; one instance per replica.
 */
public final class ReplicaLoop {

    /** The reason given to requests a policy leaves waiting on an idle replica after its last arrival. */
    private static String stalledReason(final String policyName) {
        return "policy " + policyName + " left it waiting on an idle replica after the last arrival";
    }

    /** How the loop gets its time: the seam between virtual-time replay and live scheduling. */
    public sealed interface Clock permits Clock.Virtual, Clock.Wall {

        /** Virtual time from the data (replays). */
        record Virtual() implements Clock {
        }

        /**
         * Wall-clock time stamped on each input by the transport (live).
         *
         * @param horizonUs how far ahead of its decision time a plan may run before the scheduler is asked
         *                  again, microseconds, &gt;= 1
         */
        record Wall(long horizonUs) implements Clock {
            public Wall {
                if (horizonUs < 1) {
                    throw new IllegalArgumentException("live horizon must be >= 1 us, got " + horizonUs);
                }
            }
        }

        /** The virtual clock. */
        Clock VIRTUAL = new Virtual();
    }

    /** Where the loop's plans and end marker go (request events and step summaries go to the scheduler's listener). */
    public interface Outputs {
        /** A plan to execute; the loop makes no other decision until its report comes back. */
        void plan(BatchPlan plan);

        /** The replica is done: end of input seen, nothing buffered, waiting or running. Sent once. */
        default void replicaEnd(final ReplicaEnd end) {
        }
    }

    /**
     * What a finished replica reports.
     *
     * @param replicaId the replica
     * @param replicas  replicas in the run, as the end-of-input marker said (0 if unknown)
     * @param finished  requests completed or rejected
     * @param errors    inputs of this replica that were refused (bad records)
     * @param plans     plans made
     * @param endUs     time of the replica's last event, microseconds
     */
    public record ReplicaEnd(int replicaId, int replicas, long finished, long errors, long plans, long endUs) {
    }

    /**
     * The loop's own state beside its scheduler's, as values (for a snapshot).
     *
     * @param buffered       arrivals received but not yet delivered to the scheduler, in order
     * @param watermarkUs    every arrival before this time has been received, microseconds
     * @param endOfInput     whether the end-of-input marker was received
     * @param replicas       replicas in the run, from the marker (0 before it)
     * @param decideAtUs     time of the pending decision, or {@link Long#MIN_VALUE} if none
     * @param lastArrivalUs  time of the last arrival received, or {@link Long#MIN_VALUE}
     * @param lastEventUs    latest time of anything delivered or decided, microseconds
     * @param errors         refused inputs counted so far
     * @param endSent        whether the replica end was sent
     */
    public record LoopState(List<Request> buffered, long watermarkUs, boolean endOfInput, int replicas, long decideAtUs,
                            long lastArrivalUs, long lastEventUs, long errors, boolean endSent) {
        public LoopState {
            buffered = List.copyOf(buffered);
        }
    }

    private static final long NONE = Long.MIN_VALUE;

    private final Scheduler scheduler;
    private final Clock clock;
    private final ArrayDeque<Request> buffer = new ArrayDeque<>();
    private final Set<Long> bufferedIds = new HashSet<>();
    private Outputs out;
    private long watermarkUs = NONE;
    private boolean endOfInput;
    private int replicas;
    private long decideAtUs = NONE;
    private long lastArrivalUs = NONE;
    private long lastEventUs;
    private long errors;
    private boolean endSent;
    private long swapAtUs = Long.MAX_VALUE;
    private org.kvsched.core.policy.Policy swapTo;

    /**
     * @param scheduler the replica's scheduler (fresh, or restored together with {@code state})
     * @param clock     virtual or wall-clock time
     * @param outputs   where plans and the end marker go
     */
    public ReplicaLoop(final Scheduler scheduler, final Clock clock, final Outputs outputs) {
        this.scheduler = scheduler;
        this.clock = clock;
        this.out = outputs;
    }

    /** A loop continuing from {@code state} around a restored scheduler. */
    public static ReplicaLoop restore(final Scheduler scheduler, final Clock clock, final Outputs outputs, final LoopState state) {
        final ReplicaLoop loop = new ReplicaLoop(scheduler, clock, outputs);
        for (final Request r : state.buffered()) {
            loop.buffer.addLast(r);
            loop.bufferedIds.add(r.id());
        }
        loop.watermarkUs = state.watermarkUs();
        loop.endOfInput = state.endOfInput();
        loop.replicas = state.replicas();
        loop.decideAtUs = state.decideAtUs();
        loop.lastArrivalUs = state.lastArrivalUs();
        loop.lastEventUs = state.lastEventUs();
        loop.errors = state.errors();
        loop.endSent = state.endSent();
        return loop;
    }

    /** The loop's state beside the scheduler's. */
    public LoopState state() {
        return new LoopState(new ArrayList<>(buffer), watermarkUs, endOfInput, replicas, decideAtUs, lastArrivalUs,
                lastEventUs, errors, endSent);
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    public int replicaId() {
        return scheduler.replicaId();
    }

    /** Sends plans and the end marker to {@code outputs} from now on (a restore discards what it re-derives). */
    public void outputTo(final Outputs outputs) {
        this.out = outputs;
    }

    /** Why this arrival breaks the input rules (then it must not be delivered), or null if it may be. */
    public String rejectReason(final Request request) {
        final int replica = scheduler.replicaId();
        if (endOfInput) {
            return "request " + request.id() + " arrived after the end-of-input marker of replica " + replica;
        }
        if (bufferedIds.contains(request.id()) || scheduler.holds(request.id())) {
            return "request id " + request.id() + " arrived twice on replica " + replica
                    + " (an id may be reused only after its request finished)";
        }
        if (lastArrivalUs != NONE && request.arrivalUs() < lastArrivalUs) {
            return "request " + request.id() + " arrives at " + request.arrivalUs() + " us, before the previous arrival at "
                    + lastArrivalUs + " us on replica " + replica + " (arrivals must be in time order)";
        }
        return null;
    }

    /** Receives an arrival that passed {@link #rejectReason}. */
    public void onArrival(final Request request) {
        buffer.addLast(request);
        bufferedIds.add(request.id());
        lastArrivalUs = request.arrivalUs();
        watermarkUs = Math.max(watermarkUs, request.arrivalUs());
    }

    /**
     * Tells the loop that no arrival before {@code timeUs} will come any more (a transport that routes
     * arrivals itself knows this before the next arrival reaches this replica).
     */
    public void advanceWatermark(final long timeUs) {
        watermarkUs = Math.max(watermarkUs, timeUs);
    }

    /** The end-of-input marker: no arrival will come any more. */
    public void onEndOfInput(final int replicaCount) {
        endOfInput = true;
        replicas = replicaCount;
    }

    /** An input of this replica was refused (it went to an error channel); counted in the replica end. */
    public void onError() {
        errors++;
    }

    /** Applies a worker report; a stale or duplicate one is ignored (false). See {@link Scheduler#onStepReport}. */
    public boolean onReport(final StepReport report) {
        if (!scheduler.onStepReport(report)) {
            return false;
        }
        if (clock instanceof Clock.Virtual) {
            decideAtUs = report.endUs();
        }
        lastEventUs = Math.max(lastEventUs, report.endUs());
        return true;
    }

    /**
     * Virtual time: makes every decision the inputs received so far allow; returns when a plan is out or
     * more input is needed.
     */
    public void advance() {
        if (!(clock instanceof Clock.Virtual)) {
            throw new IllegalStateException("replica " + replicaId() + " runs on the wall clock: call advanceAt(now)");
        }
        while (!scheduler.hasPlanInFlight()) {
            if (decideAtUs == NONE) {
                if (buffer.isEmpty()) {
                    break;
                }
                // Idle: the next decision is at the next arrival.
                decideAtUs = Math.max(buffer.peekFirst().arrivalUs(), scheduler.clockUs());
            }
            final long now = decideAtUs;
            if (!endOfInput && watermarkUs <= now) {
                // An arrival at or before `now` may still be on its way: wait for a later one or the marker.
                break;
            }
            decideAtUs = NONE;
            deliverUpTo(now);
            final long nextArrival = buffer.isEmpty() ? (endOfInput ? Long.MAX_VALUE : watermarkUs) : buffer.peekFirst().arrivalUs();
            decide(now, nextArrival);
        }
        sendEndIfDone();
    }

    /**
     * Wall-clock time: the input just applied (or a timer) happened at {@code nowUs}; decides now with
     * everything received, unless a plan is out.
     */
    public void advanceAt(final long nowUs) {
        if (!(clock instanceof Clock.Wall wall)) {
            throw new IllegalStateException("replica " + replicaId() + " runs in virtual time: call advance()");
        }
        if (!scheduler.hasPlanInFlight()) {
            final long now = Math.max(nowUs, scheduler.clockUs());
            deliverUpTo(Long.MAX_VALUE);
            decide(now, now + wall.horizonUs());
        }
        sendEndIfDone();
    }

    private void deliverUpTo(final long now) {
        while (!buffer.isEmpty() && buffer.peekFirst().arrivalUs() <= now) {
            final Request r = buffer.pollFirst();
            bufferedIds.remove(r.id());
            lastEventUs = Math.max(lastEventUs, r.arrivalUs());
            scheduler.onArrival(r);
        }
    }

    /**
     * Hands the replica to {@code next} before its first decision at or after {@code atUs}: what a redeploy
     * with another policy does when the old one stopped with every decision before {@code atUs} made (the
     * reference for a policy swap through Kafka).
     */
    public void swapPolicyAt(final long atUs, final org.kvsched.core.policy.Policy next) {
        this.swapAtUs = atUs;
        this.swapTo = next;
    }

    private void decide(final long now, final long nextArrivalUs) {
        if (swapTo != null && now >= swapAtUs) {
            scheduler.replacePolicy(swapTo);
            swapTo = null;
        }
        final boolean ended = endOfInput && buffer.isEmpty();
        if (ended && !scheduler.arrivalsEnded()) {
            scheduler.markArrivalsEnded();
        }
        lastEventUs = Math.max(lastEventUs, now);
        final BatchPlan plan = scheduler.schedule(now, nextArrivalUs);
        if (plan != null) {
            out.plan(plan);
        } else if (ended && !scheduler.isDrained()) {
            scheduler.rejectWaiting(now, stalledReason(scheduler.policy().name()));
        }
    }

    private void sendEndIfDone() {
        if (!endSent && endOfInput && buffer.isEmpty() && !scheduler.hasPlanInFlight() && scheduler.isDrained()) {
            endSent = true;
            out.replicaEnd(new ReplicaEnd(replicaId(), replicas, scheduler.finishedRequests(), errors, scheduler.plans(),
                    Math.max(lastEventUs, scheduler.clockUs())));
        }
    }

    /** True once the replica end was sent. */
    public boolean ended() {
        return endSent;
    }
}

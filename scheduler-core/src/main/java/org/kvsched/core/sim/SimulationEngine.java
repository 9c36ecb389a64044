package org.kvsched.core.sim;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.IntFunction;

import org.kvsched.core.engine.BatchPlan;
import org.kvsched.core.engine.PlanExecutor;
import org.kvsched.core.engine.Scheduler;
import org.kvsched.core.engine.StepReport;
import org.kvsched.core.model.Request;

/**
 * The in-memory discrete-event engine: many replicas, each a {@link Scheduler} plus a simulated worker
 * ({@link PlanExecutor}), driven in virtual time by direct calls instead of Kafka topics.
 *
 * <p>Events are ordered by (time, kind, sequence number): at equal times arrivals come first, so a
 * decision at time t sees every arrival at or before t, exactly as the Kafka processor does; then plan
 * completions, then decisions. Deterministic: the same inputs give the same calls in the same order.
 *
 * <p>Each replica follows the scheduler protocol: deliver the arrivals up to now, ask for a plan, execute
 * it, apply the report at its end time, repeat; idle until the next arrival when there is no plan. If the
 * workload has ended and a policy leaves requests waiting on an idle replica, they are rejected with a
 * reason (counted in {@link EngineStats#stalledRejected()}) instead of hanging the run.
 */
public final class SimulationEngine {

    private static final int ARRIVAL = 0;
    private static final int PLAN_DONE = 1;
    private static final int DECIDE = 2;

    private final List<Scheduler> replicas;
    private final PlanExecutor executor;
    private final Router router;
    private final ProgressListener progress;

    /**
     * @param replicaCount number of replicas, &gt;= 1
     * @param schedulerFor builds the scheduler of replica i (its policy, KV cache and listener)
     * @param executor     the simulated worker shared by all replicas (it is stateless)
     * @param router       routing rule for arrivals
     * @param progress     told about progress every few thousand events
     */
    public SimulationEngine(final int replicaCount, final IntFunction<Scheduler> schedulerFor, final PlanExecutor executor,
                            final Router router, final ProgressListener progress) {
        if (replicaCount < 1) {
            throw new IllegalArgumentException("replicas must be >= 1, got " + replicaCount);
        }
        final List<Scheduler> list = new ArrayList<>(replicaCount);
        for (int i = 0; i < replicaCount; i++) {
            list.add(schedulerFor.apply(i));
        }
        this.replicas = List.copyOf(list);
        this.executor = executor;
        this.router = router;
        this.progress = progress;
    }

    public List<Scheduler> replicas() {
        return replicas;
    }

    private record Event(long timeUs, int kind, long seq, int replica, Request request, StepReport report)
            implements Comparable<Event> {
        @Override
        public int compareTo(final Event o) {
            if (timeUs != o.timeUs) {
                return Long.compare(timeUs, o.timeUs);
            }
            if (kind != o.kind) {
                return Integer.compare(kind, o.kind);
            }
            return Long.compare(seq, o.seq);
        }
    }

    /** Per-replica driver state. */
    private static final class Lane {
        final Deque<Request> pending = new ArrayDeque<>();
        /** Arrivals routed up front to this replica (stateless routing), in order; null with stateful routing. */
        Request[] own;
        int ownNext;
        boolean busy;
        boolean decideQueued;
    }

    /**
     * Runs the workload to the end.
     *
     * @param requests the workload, sorted by arrival time
     * @return work counters; per-request results went to the schedulers' listeners
     */
    public EngineStats run(final List<Request> requests) {
        final int n = replicas.size();
        final Lane[] lanes = new Lane[n];
        for (int i = 0; i < n; i++) {
            lanes[i] = new Lane();
        }
        final PriorityQueue<Event> events = new PriorityQueue<>();
        long seq = 0;
        final boolean stateless = !router.readsReplicaState();
        if (stateless) {
            final List<List<Request>> routed = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                routed.add(new ArrayList<>());
            }
            for (final Request r : requests) {
                routed.get(router.route(r, replicas)).add(r);
            }
            for (int i = 0; i < n; i++) {
                lanes[i].own = routed.get(i).toArray(new Request[0]);
                if (lanes[i].own.length > 0) {
                    events.add(new Event(lanes[i].own[0].arrivalUs(), ARRIVAL, seq++, i, null, null));
                } else {
                    replicas.get(i).markArrivalsEnded();
                }
            }
        } else {
            for (final Request r : requests) {
                events.add(new Event(r.arrivalUs(), ARRIVAL, seq++, -1, r, null));
            }
        }
        int globalRouted = 0;
        final long total = requests.size();
        long stalled = 0;
        long endUs = 0;
        long handled = 0;
        while (!events.isEmpty()) {
            final Event ev = events.poll();
            endUs = Math.max(endUs, ev.timeUs);
            if (++handled % 4096 == 0) {
                long finished = 0;
                for (final Scheduler s : replicas) {
                    finished += s.finishedRequests();
                }
                progress.onProgress(finished, total, ev.timeUs);
            }
            if (ev.kind == ARRIVAL) {
                final int r;
                if (stateless) {
                    r = ev.replica;
                    final Lane lane = lanes[r];
                    lane.pending.add(lane.own[lane.ownNext++]);
                    if (lane.ownNext < lane.own.length) {
                        events.add(new Event(lane.own[lane.ownNext].arrivalUs(), ARRIVAL, seq++, r, null, null));
                    }
                } else {
                    r = router.route(ev.request, replicas);
                    lanes[r].pending.add(ev.request);
                    globalRouted++;
                }
                if (!lanes[r].busy && !lanes[r].decideQueued) {
                    lanes[r].decideQueued = true;
                    events.add(new Event(ev.timeUs, DECIDE, seq++, r, null, null));
                }
                continue;
            }
            final int r = ev.replica;
            final Lane lane = lanes[r];
            final Scheduler scheduler = replicas.get(r);
            if (ev.kind == PLAN_DONE) {
                scheduler.onStepReport(ev.report);
                lane.busy = false;
            } else {
                lane.decideQueued = false;
            }
            while (!lane.pending.isEmpty() && lane.pending.peekFirst().arrivalUs() <= ev.timeUs) {
                scheduler.onArrival(lane.pending.pollFirst());
            }
            final long nextArrival;
            final boolean ended;
            if (stateless) {
                ended = lane.ownNext >= lane.own.length && lane.pending.isEmpty();
                nextArrival = !lane.pending.isEmpty() ? lane.pending.peekFirst().arrivalUs()
                        : (lane.ownNext < lane.own.length ? lane.own[lane.ownNext].arrivalUs() : Long.MAX_VALUE);
            } else {
                ended = globalRouted >= requests.size() && lane.pending.isEmpty();
                nextArrival = globalRouted < requests.size() ? requests.get(globalRouted).arrivalUs() : Long.MAX_VALUE;
            }
            if (ended && !scheduler.arrivalsEnded()) {
                scheduler.markArrivalsEnded();
            }
            final BatchPlan plan = scheduler.schedule(ev.timeUs, nextArrival);
            if (plan != null) {
                final StepReport report = executor.execute(plan);
                lane.busy = true;
                events.add(new Event(report.endUs(), PLAN_DONE, seq++, r, null, report));
            } else if (ended && !scheduler.isDrained()) {
                stalled += scheduler.rejectWaiting(ev.timeUs, "policy " + scheduler.policy().name()
                        + " left it waiting on an idle replica after the last arrival");
            }
        }
        long iterations = 0;
        long plans = 0;
        for (final Scheduler s : replicas) {
            iterations += s.iterations();
            plans += s.plans();
        }
        progress.onProgress(total, total, endUs);
        return new EngineStats(iterations, plans, endUs, stalled);
    }
}

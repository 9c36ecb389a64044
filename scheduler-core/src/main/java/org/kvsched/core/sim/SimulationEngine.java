package org.kvsched.core.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.IntFunction;

import org.kvsched.core.engine.BatchPlan;
import org.kvsched.core.engine.PlanExecutor;
import org.kvsched.core.engine.ReplicaLoop;
import org.kvsched.core.engine.Scheduler;
import org.kvsched.core.engine.StepReport;
import org.kvsched.core.model.LengthPredictor;
import org.kvsched.core.model.WorkloadRequest;
import org.kvsched.core.policy.Policy;

/**
 * The in-memory discrete-event engine: many replicas, each a {@link ReplicaLoop} around a
 * {@link Scheduler}, with a simulated worker ({@link PlanExecutor}) answering plans, driven in virtual time
 * by direct calls instead of Kafka topics. It holds no protocol logic of its own: when a replica decides,
 * and on which inputs, is the loop's business, exactly as in the Kafka processor.
 *
 * <p>The engine owns the workload's ground truth: the scheduler gets each request as a {@link
 * org.kvsched.core.model.Request} (with the predictor's prediction), the simulated worker gets the true
 * output lengths.
 *
 * <p>Events are plan completions ordered by (time, sequence number), and, with a router that reads replica
 * state, arrivals (before plan completions at equal times, so a request is routed on the state just
 * before that instant). With a stateless router the whole trace is routed up front and each replica runs
 * ahead on its own inputs; the results do not depend on the interleaving of replicas. Deterministic.
 */
public final class SimulationEngine {

    private static final int ARRIVAL = 0;
    private static final int PLAN_DONE = 1;

    private final List<Scheduler> replicas;
    private final PlanExecutor executor;
    private final Router router;
    private final ProgressListener progress;
    private long[] swapAtUs;
    private IntFunction<Policy> swapTo;

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

    /**
     * Hands replica i to the policy {@code next.apply(i)} before its first decision at or after
     * {@code atUs[i]} (see {@link ReplicaLoop#swapPolicyAt}).
     */
    public void swapPolicyAt(final long[] atUs, final IntFunction<Policy> next) {
        if (atUs.length != replicas.size()) {
            throw new IllegalArgumentException("one swap time per replica: " + atUs.length + " for " + replicas.size());
        }
        this.swapAtUs = atUs.clone();
        this.swapTo = next;
    }

    private record Event(long timeUs, int kind, long seq, int replica, WorkloadRequest request, StepReport report)
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

    /**
     * Runs the workload to the end.
     *
     * @param requests  the workload, sorted by arrival time
     * @param predictor the length predictor in front of the schedulers
     * @return work counters; per-request results went to the schedulers' listeners
     */
    public EngineStats run(final List<WorkloadRequest> requests, final LengthPredictor predictor) {
        final int n = replicas.size();
        final Map<Long, Integer> truth = new HashMap<>(requests.size() * 2);
        for (final WorkloadRequest r : requests) {
            truth.put(r.id(), r.outputTokens());
        }
        final PriorityQueue<Event> events = new PriorityQueue<>();
        final long[] seq = {0};
        final List<ReplicaLoop> loops = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            final int replica = i;
            final ReplicaLoop loop = new ReplicaLoop(replicas.get(i), ReplicaLoop.Clock.VIRTUAL, (BatchPlan plan) -> {
                final StepReport report = executor.execute(plan, id -> truth.getOrDefault(id, -1));
                events.add(new Event(report.endUs(), PLAN_DONE, seq[0]++, replica, null, report));
            });
            if (swapTo != null) {
                loop.swapPolicyAt(swapAtUs[i], swapTo.apply(i));
            }
            loops.add(loop);
        }
        if (!router.readsReplicaState()) {
            for (final WorkloadRequest r : requests) {
                loops.get(router.route(r, replicas)).onArrival(r.toRequest(predictor.predict(r)));
            }
            for (final ReplicaLoop loop : loops) {
                loop.onEndOfInput(n);
                loop.advance();
            }
        } else {
            for (final WorkloadRequest r : requests) {
                events.add(new Event(r.arrivalUs(), ARRIVAL, seq[0]++, -1, r, null));
            }
            if (requests.isEmpty()) {
                endAll(loops);
            }
        }
        final long total = requests.size();
        int routed = 0;
        long endUs = 0;
        long handled = 0;
        while (!events.isEmpty()) {
            final Event ev = events.poll();
            endUs = Math.max(endUs, ev.timeUs);
            if (++handled % 4096 == 0) {
                progress.onProgress(finished(), total, ev.timeUs);
            }
            if (ev.kind == ARRIVAL) {
                final int r = router.route(ev.request, replicas);
                loops.get(r).onArrival(ev.request.toRequest(predictor.predict(ev.request)));
                routed++;
                if (routed == requests.size()) {
                    endAll(loops);
                } else {
                    // Every replica now knows that nothing arrives before the next request's time.
                    final long next = requests.get(routed).arrivalUs();
                    for (final ReplicaLoop loop : loops) {
                        loop.advanceWatermark(next);
                        loop.advance();
                    }
                }
                continue;
            }
            final ReplicaLoop loop = loops.get(ev.replica);
            loop.onReport(ev.report);
            loop.advance();
        }
        long iterations = 0;
        long plans = 0;
        long stalled = 0;
        for (final Scheduler s : replicas) {
            iterations += s.iterations();
            plans += s.plans();
            stalled += s.stalledRejected();
        }
        progress.onProgress(total, total, endUs);
        return new EngineStats(iterations, plans, endUs, stalled);
    }

    private static void endAll(final List<ReplicaLoop> loops) {
        for (final ReplicaLoop loop : loops) {
            loop.onEndOfInput(loops.size());
            loop.advance();
        }
    }

    private long finished() {
        long finished = 0;
        for (final Scheduler s : replicas) {
            finished += s.finishedRequests();
        }
        return finished;
    }
}

package org.kvsched.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kvsched.core.exec.ModelCatalog;
import org.kvsched.core.exec.ModelProfile;
import org.kvsched.core.metrics.MetricsCollector;
import org.kvsched.core.metrics.RequestOutcome;
import org.kvsched.core.model.LengthPredictor;
import org.kvsched.core.model.RequestEvent;
import org.kvsched.core.model.RequestEventKind;
import org.kvsched.core.model.WorkloadRequest;
import org.kvsched.core.policy.PolicyConfig;
import org.kvsched.core.policy.PolicyContext;
import org.kvsched.core.sim.ProgressListener;
import org.kvsched.core.sim.Router;
import org.kvsched.core.sim.SimulationEngine;
import org.kvsched.core.workload.EosModel;
import org.kvsched.core.workload.Workload;
import org.kvsched.core.workload.WorkloadOptions;
import org.kvsched.core.workload.Workloads;

/**
 * The replica log: a replica driven through {@link RecordedReplica} with arrivals and reports interleaved at
 * random, crashed at random points and restored from its log (snapshots included), ends with exactly the
 * per-request results of the uninterrupted in-memory engine; restored under another policy, it continues from
 * the exact running state (a policy swap).
 */
class RecordedReplicaTest {

    private static final ModelProfile MODEL = ModelCatalog.configured("llama2-7b-a100", 12_000, "test");

    private static Workload workload(final long seed) {
        // Requests end before their cap (EOS), so completions really come from the worker's reports.
        return EosModel.parse("uniform:1:200", seed).apply(
                Workloads.defaultWorkload(WorkloadOptions.defaults().withMaxRequests(150).withRateScale(4), seed));
    }

    private static ReplicaSpec spec(final String policy, final Workload w) {
        return new ReplicaSpec(PolicyConfig.parse(policy), new PolicyContext(MODEL.timeModel(), MODEL.kvCapacityTokens(),
                MODEL.blockSize(), 3, w));
    }

    /** The in-memory engine's per-request results, optionally switching policy at {@code swapAtUs}. */
    private static List<RequestOutcome> reference(final String policy, final Workload w, final String swapTo, final long swapAtUs) {
        final MetricsCollector m = new MetricsCollector();
        final ReplicaSpec a = spec(policy, w);
        final SimulationEngine engine = new SimulationEngine(1, i -> a.newScheduler(i, m), new PlanExecutor(MODEL.timeModel()),
                Router.byName("round-robin"), ProgressListener.NONE);
        if (swapTo != null) {
            engine.swapPolicyAt(new long[] {swapAtUs}, i -> spec(swapTo, w).newPolicy());
        }
        engine.run(w.requests(), LengthPredictor.oracle());
        return m.outcomes();
    }

    /** Drives one recorded replica like the Kafka processor does, with a worker that answers plans later. */
    private static final class Driver implements ReplicaLoop.Outputs, RecordedReplica.Journal {
        final List<LogEntry> log = new ArrayList<>();
        final ArrayDeque<BatchPlan> plans = new ArrayDeque<>();
        final MetricsCollector metrics = new MetricsCollector();
        final List<RequestEvent> events = new ArrayList<>();
        final Map<Long, Integer> truth = new HashMap<>();
        final PlanExecutor worker = new PlanExecutor(MODEL.timeModel());
        final int snapshotEvery;
        RecordedReplica replica;
        int maxUsedBlocks;

        Driver(final ReplicaSpec spec, final int snapshotEvery) {
            this.snapshotEvery = snapshotEvery;
            this.replica = RecordedReplica.start(0, spec, ReplicaLoop.Clock.VIRTUAL, listener(), this, this);
        }

        SchedulerListener listener() {
            return new SchedulerListener() {
                @Override
                public void onRequestEvent(final RequestEvent event) {
                    events.add(event);
                    metrics.onRequestEvent(event);
                }

                @Override
                public void onStep(final StepSummary s) {
                    maxUsedBlocks = Math.max(maxUsedBlocks, s.peakBlocks());
                    metrics.onStep(s);
                }
            };
        }

        @Override
        public void plan(final BatchPlan plan) {
            plans.add(plan);
        }

        @Override
        public void append(final LogEntry entry) {
            log.add(entry);
        }

        void arrive(final WorkloadRequest r) {
            truth.put(r.id(), r.outputTokens());
            replica.arrival(r.toRequest(r.outputTokens()));
            snapshotIfDue();
        }

        /** The worker answers the oldest plan. */
        void answer() {
            final StepReport report = worker.execute(plans.poll(), truth::get);
            assertTrue(replica.report(report, report.endUs()));
            snapshotIfDue();
        }

        void snapshotIfDue() {
            if (snapshotEvery > 0 && replica.inputsSinceSnapshot() >= snapshotEvery) {
                replica.snapshot();
            }
        }

        /** A crash and a restart: everything in memory is lost, the log is kept; {@code spec} may name another policy. */
        RecordedReplica.Restored restart(final ReplicaSpec spec) {
            replica = RecordedReplica.restore(0, List.copyOf(log), spec, ReplicaLoop.Clock.VIRTUAL, listener(), this, this);
            return replica.restored();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"fcfs-vllm", "sarathi", "mcsf", "gsa", "gba-d", "wait"})
    void crashesAtRandomPointsChangeNoResult(final String policy) {
        final Workload w = workload(11);
        final List<RequestOutcome> expected = reference(policy, w, null, 0);
        final SplittableRandom rng = new SplittableRandom(policy.hashCode());
        for (final int snapshotEvery : new int[] {0, 5, 37}) {
            final Driver d = new Driver(spec(policy, w), snapshotEvery);
            int next = 0;
            int crashes = 0;
            while (next < w.size() || !d.plans.isEmpty()) {
                // Arrivals and reports in a random interleaving, as two Kafka topics deliver them.
                if (next < w.size() && (d.plans.isEmpty() || rng.nextInt(3) == 0)) {
                    d.arrive(w.requests().get(next++));
                    if (next == w.size()) {
                        d.replica.endOfInput(1);
                    }
                } else {
                    d.answer();
                }
                if (rng.nextInt(40) == 0) {
                    final RecordedReplica.Restored r = d.restart(spec(policy, w));
                    assertTrue(!r.swapped(), "same policy: no swap");
                    crashes++;
                }
            }
            assertTrue(crashes > 3, "the test should crash the replica a few times, got " + crashes);
            assertEquals(expected, d.metrics.outcomes(), policy + ", snapshot every " + snapshotEvery);
            assertTrue(d.maxUsedBlocks <= MODEL.kvCapacityTokens() / MODEL.blockSize(), "KV within capacity");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"fcfs-vllm>sarathi", "mcsf>wait", "sarathi>fcfs-vllm", "gsa>fcfs-vllm"})
    void aPolicySwapTakesOverTheExactState(final String pair) {
        final String from = pair.split(">")[0];
        final String to = pair.split(">")[1];
        final Workload w = workload(13);
        final int half = w.size() / 2;
        final long swapAtUs = w.requests().get(half - 1).arrivalUs();
        final Driver d = new Driver(spec(from, w), 10);
        for (int i = 0; i < half; i++) {
            d.arrive(w.requests().get(i));
        }
        // The old app runs until it needs input it does not have (it cannot decide at or past the last arrival).
        while (!d.plans.isEmpty()) {
            d.answer();
        }
        final SchedulerState before = d.replica.scheduler().snapshot();
        final int eventsBefore = d.events.size();
        final RecordedReplica.Restored r = d.restart(spec(to, w));
        assertTrue(r.swapped());
        assertEquals(PolicyConfig.parse(from).toSpec(), r.recordedPolicy());
        final SchedulerState after = d.replica.scheduler().snapshot();
        assertEquals(before.running(), after.running(), "running requests keep their KV and progress");
        assertEquals(d.events.size(), eventsBefore, "the swap itself emits nothing: no preemption, no restart");
        for (int i = half; i < w.size(); i++) {
            d.arrive(w.requests().get(i));
            while (!d.plans.isEmpty()) {
                d.answer();
            }
        }
        d.replica.endOfInput(1);
        while (!d.plans.isEmpty()) {
            d.answer();
        }
        assertEquals(reference(from, w, to, swapAtUs), d.metrics.outcomes(), "same as the in-memory engine switching at " + swapAtUs);
        // Requests that finished before the swap have the times of the uninterrupted old policy.
        final Map<Long, RequestOutcome> plain = new HashMap<>();
        reference(from, w, null, 0).forEach(o -> plain.put(o.requestId(), o));
        long finishedBefore = 0;
        for (final RequestOutcome o : d.metrics.outcomes()) {
            if (o.completed() && o.completionUs() < swapAtUs) {
                assertEquals(plain.get(o.requestId()), o);
                finishedBefore++;
            }
        }
        assertTrue(finishedBefore > 0);
        assertEquals(w.size(), d.events.stream().filter(e -> e.kind().isTerminal()).count());
        assertTrue(d.events.stream().noneMatch(e -> e.kind() == RequestEventKind.REJECTED));
    }
}

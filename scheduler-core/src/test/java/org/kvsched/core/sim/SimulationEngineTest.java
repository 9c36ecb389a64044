package org.kvsched.core.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kvsched.core.engine.PlanExecutor;
import org.kvsched.core.engine.Scheduler;
import org.kvsched.core.engine.SchedulerListener;
import org.kvsched.core.exec.ModelCatalog;
import org.kvsched.core.exec.ModelProfile;
import org.kvsched.core.exec.UnitTimeModel;
import org.kvsched.core.metrics.Summary;
import org.kvsched.core.model.LengthPredictor;
import org.kvsched.core.model.RequestEvent;
import org.kvsched.core.model.RequestEventKind;
import org.kvsched.core.model.WorkloadRequest;
import org.kvsched.core.policy.baseline.FcfsVllmPolicy;

/** The in-memory engine: event order at equal times, routing, and runs over several replicas. */
class SimulationEngineTest {

    private static final long SECOND = UnitTimeModel.UNIT_MICROS;

    @Test
    void smallWorkloadCompletesUnderVllm() {
        final ModelProfile m = ModelCatalog.byName("llama2-7b-a100");
        final List<WorkloadRequest> reqs = SimulationHarness.randomRequests(1, 500, 50_000, 2000, 400);
        final SimulationHarness.Run run = SimulationHarness.run("fcfs-vllm", m.timeModel(), m.kvCapacityTokens(),
                m.blockSize(), 1, "round-robin", LengthPredictor.oracle(), reqs);
        final Summary s = run.metrics().summary(1, m.kvCapacityTokens());
        assertEquals(500, s.completed());
        assertTrue(s.plans() < s.iterations());
    }

    /** A stateful router that remembers, at each call, how many requests its replicas had finished. */
    private static final class Recording implements Router {
        final List<Long> finishedAtRouting = new ArrayList<>();

        @Override
        public int route(final WorkloadRequest request, final List<Scheduler> replicas) {
            finishedAtRouting.add(replicas.get(0).finishedRequests());
            return 0;
        }

        @Override
        public boolean readsReplicaState() {
            return true;
        }
    }

    private static SimulationEngine unitEngine(final int replicas, final Router router, final List<RequestEvent> events) {
        final SchedulerListener listener = events::add;
        return new SimulationEngine(replicas, i -> new Scheduler(i, new FcfsVllmPolicy(1000, 16), 1000, 1, listener),
                new PlanExecutor(UnitTimeModel.INSTANCE), router, ProgressListener.NONE);
    }

    @Test
    void anArrivalIsRoutedOnTheStateJustBeforeAPlanThatEndsAtTheSameInstant() {
        // Request 0 is done after one iteration, at 1 s. Request 1 arrives exactly then, request 2 later.
        final List<WorkloadRequest> reqs = List.of(new WorkloadRequest(0, 0, 1, 1), new WorkloadRequest(1, SECOND, 1, 1),
                new WorkloadRequest(2, SECOND + 1, 1, 1));
        final Recording router = new Recording();
        final List<RequestEvent> events = new ArrayList<>();
        unitEngine(1, router, events).run(reqs, LengthPredictor.oracle());
        // At 1 s the arrival goes first (kind ARRIVAL < PLAN_DONE): request 0's completion is not yet applied.
        assertEquals(List.of(0L, 0L, 1L), router.finishedAtRouting);
        final RequestEvent done0 = events.stream().filter(e -> e.requestId() == 0 && e.kind() == RequestEventKind.COMPLETED)
                .findFirst().orElseThrow();
        assertEquals(SECOND, done0.timeUs(), "the tie is real: request 0 completes at request 1's arrival");
    }

    @Test
    void planEndsAtTheSameInstantAreHandledInDispatchOrderOnEveryRun() {
        // Two replicas, the same request each: both plans end at 1 s; replica 0 dispatched first, so it reports first.
        final List<WorkloadRequest> reqs = List.of(new WorkloadRequest(0, 0, 4, 1), new WorkloadRequest(1, 0, 4, 1));
        final List<List<RequestEvent>> runs = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            final List<RequestEvent> events = new ArrayList<>();
            unitEngine(2, Router.byName("round-robin"), events).run(reqs, LengthPredictor.oracle());
            runs.add(events);
        }
        final List<RequestEvent> events = runs.get(0);
        final int done0 = indexOf(events, 0, RequestEventKind.COMPLETED);
        final int done1 = indexOf(events, 1, RequestEventKind.COMPLETED);
        assertEquals(events.get(done0).timeUs(), events.get(done1).timeUs(), "a real tie");
        assertEquals(0, events.get(done0).replicaId());
        assertEquals(1, events.get(done1).replicaId());
        assertTrue(done0 < done1, "replica 0's plan was dispatched first: " + events);
        assertEquals(runs.get(0), runs.get(1));
        assertEquals(runs.get(0), runs.get(2));
    }

    @Test
    void leastOutstandingPicksTheReplicaOwingFewestTokensTiesToTheLowestIndex() {
        final List<Scheduler> replicas = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            replicas.add(new Scheduler(i, new FcfsVllmPolicy(1000, 16), 10_000, 16, SchedulerListener.NONE));
        }
        final Router router = Router.byName("least-outstanding");
        final WorkloadRequest probe = new WorkloadRequest(99, 0, 1, 1);
        assertTrue(router.readsReplicaState());
        assertEquals(0, router.route(probe, replicas), "all idle: the lowest index");
        // Outstanding = pending prompt + predicted rest of the output: 100 + 50, 10 + 5 (prediction 5 of cap 20), none.
        replicas.get(0).onArrival(new WorkloadRequest(1, 0, 100, 50).toRequest(50));
        replicas.get(1).onArrival(new WorkloadRequest(2, 0, 10, 20).toRequest(5));
        assertEquals(150, replicas.get(0).outstandingTokens());
        assertEquals(15, replicas.get(1).outstandingTokens());
        assertEquals(2, router.route(probe, replicas));
        replicas.get(2).onArrival(new WorkloadRequest(3, 0, 10, 5).toRequest(5));
        assertEquals(1, router.route(probe, replicas), "15 against 15: the lower index");
        replicas.get(1).onArrival(new WorkloadRequest(4, 0, 200, 5).toRequest(5));
        assertEquals(2, router.route(probe, replicas));
    }

    @Test
    void leastOutstandingRoutesABurstAroundALongRequest() {
        // One long request, then short ones 1 us apart (well inside the first iteration, so nothing finishes): they go
        // to the other replica until it owes as much. (Arrivals at one instant are held by the replica loop until the
        // instant has passed, so a router sees none of them: 1 us apart keeps this test about the routing rule.)
        final List<WorkloadRequest> reqs = new ArrayList<>();
        reqs.add(new WorkloadRequest(0, 0, 100, 100));
        for (int i = 1; i <= 12; i++) {
            reqs.add(new WorkloadRequest(i, i, 10, 10));
        }
        final List<RequestEvent> events = new ArrayList<>();
        unitEngine(2, Router.byName("least-outstanding"), events).run(reqs, LengthPredictor.oracle());
        final int[] replicaOf = new int[reqs.size()];
        for (final RequestEvent e : events) {
            if (e.kind() == RequestEventKind.ARRIVED) {
                replicaOf[(int) e.requestId()] = e.replicaId();
            }
        }
        // Replica 0 owes up to 200 tokens, each short request 20: replica 1 takes at least the first nine. What comes
        // later depends on what the loops have handed their schedulers while a plan is in flight (arrivals wait in the
        // loop, unseen by the router); the unit test above pins the rule itself.
        assertEquals(0, replicaOf[0]);
        for (int i = 1; i <= 9; i++) {
            assertEquals(1, replicaOf[i], "short request " + i + " goes around the long one: " + Arrays.toString(replicaOf));
        }
    }

    /**
     * With a stateless router the replicas are independent: each replica of a multi-replica run emits exactly
     * the events of a one-replica run on the requests routed to it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"fcfs-vllm", "mcsf", "sarathi"})
    void eachReplicaOfAMultiReplicaRunIsTheOneReplicaRunOnItsShare(final String policy) {
        final ModelProfile m = ModelCatalog.byName("llama2-7b-a100:kv=8192");
        final int replicas = 3;
        final List<WorkloadRequest> reqs = SimulationHarness.randomRequests(5, 240, 10_000, 1500, 300);
        final SimulationHarness.Run all = SimulationHarness.run(policy, m.timeModel(), m.kvCapacityTokens(), m.blockSize(),
                replicas, "round-robin", LengthPredictor.oracle(), reqs);
        assertEquals(reqs.size(), all.metrics().finishedRequests());
        for (int r = 0; r < replicas; r++) {
            final int replica = r;
            // Round-robin: replica r gets requests r, r + 3, ...; a workload numbers its requests 0..n-1, so the share
            // is renumbered (k-th request of the share = id k) and the multi-replica events are mapped the same way.
            final List<WorkloadRequest> share = new ArrayList<>();
            for (final WorkloadRequest q : reqs) {
                if (q.id() % replicas == replica) {
                    share.add(new WorkloadRequest(share.size(), q.arrivalUs(), q.promptTokens(), q.outputTokens(), q.maxTokens()));
                }
            }
            final SimulationHarness.Run one = SimulationHarness.run(policy, m.timeModel(), m.kvCapacityTokens(), m.blockSize(),
                    1, "round-robin", LengthPredictor.oracle(), share);
            final List<RequestEvent> mine = all.events().stream().filter(e -> e.replicaId() == replica)
                    .map(e -> new RequestEvent(e.kind(), e.requestId() / replicas, 0, e.timeUs(), e.promptTokens(), e.maxTokens(),
                            e.generatedTokens(), e.reason()))
                    .toList();
            assertEquals(one.events(), mine, policy + ", replica " + replica);
            assertTrue(one.maxUsedBlocks() > 0);
        }
        assertTrue(all.stats().plans() > replicas, "every replica worked");
    }

    private static int indexOf(final List<RequestEvent> events, final long id, final RequestEventKind kind) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).requestId() == id && events.get(i).kind() == kind) {
                return i;
            }
        }
        throw new AssertionError("no " + kind + " for request " + id + " in " + events);
    }
}

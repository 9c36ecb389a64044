package org.kvsched.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.kvsched.core.exec.ModelCatalog;
import org.kvsched.core.exec.ModelProfile;
import org.kvsched.core.metrics.RequestOutcome;
import org.kvsched.core.model.LengthPredictor;
import org.kvsched.core.model.WorkloadRequest;
import org.kvsched.core.model.RequestEvent;
import org.kvsched.core.model.RequestEventKind;
import org.kvsched.core.sim.SimulationHarness;
import org.kvsched.core.workload.EosModel;
import org.kvsched.core.workload.Workload;

/**
 * The contract every registered policy must keep (JCTools-style conformance suite): KV never exceeds
 * capacity, every request completes or is rejected with a reason, runs are deterministic, nothing
 * starves on a finite trace, and the plan continuation changes nothing (results equal the
 * one-iteration-per-plan run).
 */
class PolicyContractTest {

    /** A deployment and a load that stresses it. */
    record Scenario(String name, String model, int kvTokens, int requests, double meanGapUs, int maxPrompt, int maxOutput, String eos) {
        Scenario(final String name, final String model, final int kvTokens, final int requests, final double meanGapUs,
                 final int maxPrompt, final int maxOutput) {
            this(name, model, kvTokens, requests, meanGapUs, maxPrompt, maxOutput, null);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static final List<Scenario> SCENARIOS = List.of(
            new Scenario("7b-light", "llama2-7b-a100", 0, 300, 400_000, 2000, 400),
            new Scenario("7b-overload", "llama2-7b-a100", 0, 400, 20_000, 3000, 600),
            new Scenario("7b-tight-kv", "llama2-7b-a100", 8192, 200, 30_000, 1500, 500),
            new Scenario("unit-model", "unit", 64, 150, 300_000, 8, 40),
            // Requests end at an end-of-sequence token well before their cap: the scheduler plans and reserves by the
            // cap and learns each finish from the worker's report.
            new Scenario("7b-eos", "llama2-7b-a100", 8192, 300, 30_000, 1500, 600, "lognormal:40:1:1:600"));

    static Stream<Arguments> cases() {
        final List<Arguments> list = new ArrayList<>();
        for (final PolicyKind kind : PolicyKind.values()) {
            if (kind.offline()) {
                continue; // built from the whole workload; covered by its own tests
            }
            for (final Scenario s : SCENARIOS) {
                list.add(Arguments.of(kind.policyName(), s));
            }
        }
        return list.stream();
    }

    private static SimulationHarness.Run run(final String policy, final Scenario s, final boolean oneIterationPerPlan) {
        final ModelProfile m = ModelCatalog.byName(s.model() + (s.kvTokens() > 0 ? ":kv=" + s.kvTokens() : ""));
        final List<WorkloadRequest> capped = SimulationHarness.randomRequests(42, s.requests(), s.meanGapUs(), s.maxPrompt(), s.maxOutput());
        final List<WorkloadRequest> reqs = s.eos() == null ? capped
                : EosModel.parse(s.eos(), 42).apply(new Workload("contract", capped)).requests();
        final String spec = oneIterationPerPlan ? policy + "!" : policy;
        return SimulationHarness.run(spec, m.timeModel(), m.kvCapacityTokens(), m.blockSize(), 1, "round-robin",
                LengthPredictor.oracle(), reqs);
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("cases")
    void keepsTheContract(final String policy, final Scenario s) {
        final SimulationHarness.Run run = run(policy, s, false);
        // Capacity: the harness throws on any overflow; check the peak was really reached under load.
        assertTrue(run.maxUsedBlocks() <= run.capacityBlocks());

        // Every request completes or is rejected with a reason; the policy stalled nobody.
        final List<RequestOutcome> outcomes = run.metrics().outcomes();
        assertEquals(s.requests(), outcomes.size());
        for (final RequestOutcome o : outcomes) {
            assertTrue(o.completed() ^ o.rejected(), "request " + o.requestId() + " neither completed nor rejected exactly");
            if (o.completed()) {
                assertTrue(o.firstTokenUs() >= o.arrivalUs() && o.completionUs() >= o.firstTokenUs(), o.toString());
            }
        }
        assertEquals(0, run.stats().stalledRejected(), "requests starved by " + policy);
        // Every block was given back: a request's KV is freed when the worker reports its finish.
        assertEquals(0, run.blocksLeft(), "KV blocks still held after the run");
        if (s.eos() != null) {
            // Completions came from the worker, at the true (EOS) length, not at the cap the scheduler knew.
            final Map<Long, Integer> truth = new HashMap<>();
            final Map<Long, Integer> cap = new HashMap<>();
            for (final WorkloadRequest r : EosModel.parse(s.eos(), 42).apply(new Workload("contract",
                    SimulationHarness.randomRequests(42, s.requests(), s.meanGapUs(), s.maxPrompt(), s.maxOutput()))).requests()) {
                truth.put(r.id(), r.outputTokens());
                cap.put(r.id(), r.maxTokens());
            }
            long early = 0;
            for (final RequestEvent e : run.events()) {
                if (e.kind() == RequestEventKind.COMPLETED) {
                    assertEquals((int) truth.get(e.requestId()), e.generatedTokens(), "request " + e.requestId());
                    assertEquals(truth.get(e.requestId()) < cap.get(e.requestId()) ? "eos" : "length", e.reason());
                    early += truth.get(e.requestId()) < cap.get(e.requestId()) ? 1 : 0;
                }
            }
            assertTrue(early > s.requests() / 2, "most requests should end before their cap: " + early);
        }

        // Events of each request are in lifecycle order and end with one terminal event.
        final Map<Long, List<RequestEventKind>> byRequest = new HashMap<>();
        for (final RequestEvent e : run.events()) {
            byRequest.computeIfAbsent(e.requestId(), k -> new ArrayList<>()).add(e.kind());
        }
        byRequest.forEach((id, kinds) -> {
            assertEquals(RequestEventKind.ARRIVED, kinds.get(0), "request " + id);
            assertTrue(kinds.get(kinds.size() - 1).isTerminal(), "request " + id + " " + kinds);
            assertEquals(1, kinds.stream().filter(RequestEventKind::isTerminal).count(), "request " + id + " " + kinds);
        });

        // Deterministic: a second run emits exactly the same events.
        assertEquals(run.events(), run(policy, s, false).events(), "second run differs");
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("cases")
    void continuationChangesNothing(final String policy, final Scenario s) {
        final SimulationHarness.Run batched = run(policy, s, false);
        final SimulationHarness.Run single = run(policy, s, true);
        final Comparator<RequestEvent> order = Comparator.comparingLong(RequestEvent::requestId)
                .thenComparingLong(RequestEvent::timeUs).thenComparing(RequestEvent::kind);
        final List<RequestEvent> a = new ArrayList<>(batched.events());
        final List<RequestEvent> b = new ArrayList<>(single.events());
        a.sort(order);
        b.sort(order);
        assertEquals(b, a, "plan continuation changed the results of " + policy);
        assertEquals(single.stats().iterations(), batched.stats().iterations());
        assertTrue(batched.stats().plans() <= single.stats().plans());
    }
}

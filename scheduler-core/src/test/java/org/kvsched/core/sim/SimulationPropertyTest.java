package org.kvsched.core.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.kvsched.core.exec.ModelCatalog;
import org.kvsched.core.exec.ModelProfile;
import org.kvsched.core.metrics.RequestOutcome;
import org.kvsched.core.kv.KvCache;
import org.kvsched.core.model.LengthPredictor;
import org.kvsched.core.model.WorkloadRequest;
import org.kvsched.core.policy.PolicyFactory;
import org.kvsched.core.policy.PolicyKind;

/**
 * Seeded property-based simulation tests, in the style of Kafka's raft simulation tests: each seed draws a
 * random deployment (policy, model, KV capacity, replicas, routing) and a random workload (bursts of equal
 * arrival times, requests that end before their cap, requests that can never fit), runs it, and the
 * {@link SimulationHarness} checks the {@link LifecycleInvariants} after every event: KV within capacity,
 * each request's events in lifecycle order, tokens within the cap, no request lost or finished twice.
 *
 * <p>A failure names its seed; rerun that seed alone by changing {@link #FIRST_SEED} and {@link #SEEDS}.
 * The seeds are fixed so that the suite is reproducible: a new draw is a code change, not a flaky run. Each
 * seed builds its own engine, so the seeds run concurrently, one per core.
 */
@Execution(ExecutionMode.CONCURRENT)
class SimulationPropertyTest {

    private static final int FIRST_SEED = 0;
    private static final int SEEDS = 60;

    /** Online policies only: an offline one is built from the whole workload and has its own tests. */
    private static final List<PolicyFactory> POLICIES = PolicyKind.all().stream().filter(k -> !k.offline()).toList();

    /** One random case, printed in the test name so a failure is reproducible from the report alone. */
    record Case(long seed, String policy, String model, int replicas, String routing, List<WorkloadRequest> requests) {
        @Override
        public String toString() {
            return "seed " + seed + ": " + policy + " on " + model + ", " + replicas + " x " + routing + ", " + requests.size()
                    + " requests";
        }
    }

    static Case draw(final long seed) {
        final SplittableRandom rng = new SplittableRandom(seed);
        final String policy = POLICIES.get(rng.nextInt(POLICIES.size())).name() + (rng.nextInt(4) == 0 ? "!" : "");
        final boolean unit = rng.nextBoolean();
        // Small caches so that most draws run into the KV limit; the unit model counts in tokens (block size 1).
        final int kv = unit ? 24 + rng.nextInt(100) : 2048 * (1 + rng.nextInt(4));
        final int maxPrompt = unit ? 8 : 1200;
        final int maxCap = unit ? 30 : 400;
        final double meanGapUs = unit ? 200_000 + rng.nextInt(800_000) : 5_000 + rng.nextInt(60_000);
        // Fewer requests on the 7B model: its long prompts make each run costlier, not the check stronger.
        final int n = 20 + rng.nextInt(unit ? 100 : 50);
        final List<WorkloadRequest> requests = new ArrayList<>(n);
        long t = 0;
        for (int i = 0; i < n; i++) {
            // One arrival in four lands on the previous one's instant: ties between arrivals and plan ends.
            if (rng.nextInt(4) != 0) {
                t += (long) (-Math.log(1 - rng.nextDouble()) * meanGapUs);
            }
            final int prompt = 1 + rng.nextInt(maxPrompt);
            final int cap = 1 + rng.nextInt(maxCap);
            // Half the requests end at an end-of-sequence token before their cap.
            final int output = rng.nextBoolean() ? cap : 1 + rng.nextInt(cap);
            requests.add(new WorkloadRequest(i, t, prompt, output, cap));
        }
        final int replicas = 1 + rng.nextInt(3);
        final String routing = rng.nextBoolean() ? "round-robin" : "least-outstanding";
        return new Case(seed, policy, unit ? "unit:kv=" + kv : "llama2-7b-a100:kv=" + kv, replicas, routing, List.copyOf(requests));
    }

    @TestFactory
    Stream<DynamicTest> randomRunsKeepTheInvariantsAfterEveryEvent() {
        return IntStream.range(FIRST_SEED, FIRST_SEED + SEEDS).mapToObj(SimulationPropertyTest::draw)
                .map(c -> DynamicTest.dynamicTest(c.toString(), () -> check(c)));
    }

    private static void check(final Case c) {
        final ModelProfile m = ModelCatalog.byName(c.model());
        final LengthPredictor predictor = LengthPredictor.oracle();
        // The harness checks the invariants after every event and that no request was lost; on top of it:
        final SimulationHarness.Run run = SimulationHarness.run(c.policy(), m.timeModel(), m.kvCapacityTokens(), m.blockSize(),
                c.replicas(), c.routing(), predictor, c.requests());
        final List<RequestOutcome> outcomes = run.metrics().outcomes();
        assertEquals(c.requests().size(), outcomes.size(), c.toString());
        long completed = 0;
        for (final RequestOutcome o : outcomes) {
            final WorkloadRequest r = c.requests().get((int) o.requestId());
            if (o.completed()) {
                completed++;
                // The worker, not the scheduler's cap, ends a request: exactly at its true length.
                assertEquals(r.outputTokens(), o.outputTokens(), c + ", request " + r.id());
            } else {
                // Only a request that can never fit may be refused: nobody starves on a finite trace.
                assertTrue(KvCache.blocksFor((long) r.promptTokens() + r.maxTokens() - 1, m.blockSize()) > m.kvCapacityTokens() / m.blockSize(),
                        c + ", request " + r.id() + " rejected: " + o.rejectReason());
            }
        }
        assertEquals(0, run.stats().stalledRejected(), c.toString());
        assertEquals(0, run.blocksLeft(), c + ": KV blocks still held after the run");
        assertTrue(completed > 0, c + ": nothing completed, the draw tests nothing");
    }
}

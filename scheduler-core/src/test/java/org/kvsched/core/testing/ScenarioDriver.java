package org.kvsched.core.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.kvsched.core.engine.BatchPlan;
import org.kvsched.core.engine.PlanEntry;
import org.kvsched.core.engine.Scheduler;
import org.kvsched.core.engine.PlanExecutor;
import org.kvsched.core.model.LengthPredictor;
import org.kvsched.core.model.WorkloadRequest;
import org.kvsched.core.model.RequestEvent;
import org.kvsched.core.model.RequestEventKind;
import org.kvsched.core.policy.Policy;

/**
 * The policies' scenario-test driver, in the style of vLLM's scheduler tests: build requests, step one
 * replica by hand, look at the plan, feed a report in which every iteration takes 1 ms.
 */
public final class ScenarioDriver {

    /** The scheduler under test. */
    public final Scheduler scheduler;
    /** Every event it emitted, in order. */
    public final List<RequestEvent> events = new ArrayList<>();
    /** Virtual time, microseconds; arrivals are stamped with it. */
    public long now;

    public ScenarioDriver(final Policy policy, final int kvTokens, final int blockSize) {
        this(policy, kvTokens, blockSize, LengthPredictor.oracle());
    }

    public ScenarioDriver(final Policy policy, final int kvTokens, final int blockSize, final LengthPredictor predictor) {
        this.scheduler = new Scheduler(0, policy, kvTokens, blockSize, events::add);
        this.predictor = predictor;
    }

    private final LengthPredictor predictor;
    /** True output lengths: the simulated worker's ground truth. */
    private final Map<Long, Integer> truth = new HashMap<>();

    /** A request arriving now whose true length is its cap. */
    public ScenarioDriver arrive(final long id, final int prompt, final int output) {
        final WorkloadRequest r = new WorkloadRequest(id, now, prompt, output);
        truth.put(id, output);
        scheduler.onArrival(r.toRequest(predictor.predict(r)));
        return this;
    }

    /** Declares the end of the trace. */
    public ScenarioDriver end() {
        scheduler.markArrivalsEnded();
        return this;
    }

    /** Asks for a plan (null if the policy idles). */
    public BatchPlan plan() {
        return scheduler.schedule(now, Long.MAX_VALUE);
    }

    /** Completes the plan in flight running {@code iterations} iterations of 1 ms each. */
    public void finish(final BatchPlan plan, final int iterations) {
        final long[] ends = new long[iterations];
        for (int i = 0; i < iterations; i++) {
            ends[i] = now + (i + 1) * 1000L;
        }
        scheduler.onStepReport(PlanExecutor.report(plan, ends, id -> truth.getOrDefault(id, -1)));
        now = ends[iterations - 1];
    }

    /** Plans and finishes one iteration; returns the plan's tokens by request id (empty when idle). */
    public Map<Long, Integer> step() {
        final BatchPlan plan = plan();
        if (plan == null) {
            return Map.of();
        }
        finish(plan, 1);
        return tokens(plan);
    }

    /** The continuation the next plan allows; that plan is then run for one iteration. */
    public int continuationOfNextPlan() {
        final BatchPlan plan = plan();
        finish(plan, 1);
        return plan.maxDecodeContinuation();
    }

    /** Tokens per request id of a plan's explicit iteration. */
    public static Map<Long, Integer> tokens(final BatchPlan plan) {
        final Map<Long, Integer> tokens = new TreeMap<>();
        for (final PlanEntry e : plan.entries()) {
            tokens.put(e.requestId(), e.tokens());
        }
        return tokens;
    }

    /** How many events of a kind were emitted. */
    public long count(final RequestEventKind kind) {
        return events.stream().filter(e -> e.kind() == kind).count();
    }
}

package org.kvsched.core.policy.baseline;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.kvsched.core.engine.BatchPlan;
import org.kvsched.core.engine.PlanEntry;
import org.kvsched.core.engine.Scheduler;
import org.kvsched.core.engine.StepReport;
import org.kvsched.core.model.LengthPredictor;
import org.kvsched.core.model.Request;
import org.kvsched.core.model.RequestEvent;
import org.kvsched.core.policy.Policy;

/**
 * vLLM-test-style driver: build requests, step the scheduler by hand, look at the plan, feed a report
 * in which every iteration takes 1 ms.
 */
final class ScenarioDriver {

    final Scheduler scheduler;
    final List<RequestEvent> events = new ArrayList<>();
    long now;

    ScenarioDriver(final Policy policy, final int kvTokens, final int blockSize) {
        this.scheduler = new Scheduler(0, policy, kvTokens, blockSize, LengthPredictor.oracle(), events::add);
    }

    ScenarioDriver arrive(final long id, final int prompt, final int output) {
        scheduler.onArrival(new Request(id, now, prompt, output));
        return this;
    }

    /** Asks for a plan (null if idle). */
    BatchPlan plan() {
        return scheduler.schedule(now, Long.MAX_VALUE);
    }

    /** Completes the plan in flight running {@code iterations} iterations of 1 ms each. */
    void finish(final BatchPlan plan, final int iterations) {
        final long[] ends = new long[iterations];
        for (int i = 0; i < iterations; i++) {
            ends[i] = now + (i + 1) * 1000L;
        }
        scheduler.onStepReport(new StepReport(0, plan.planId(), now, ends));
        now = ends[iterations - 1];
    }

    /** Plans and finishes one iteration; returns the plan's tokens by request id. */
    Map<Long, Integer> step() {
        final BatchPlan plan = plan();
        if (plan == null) {
            return Map.of();
        }
        finish(plan, 1);
        return tokens(plan);
    }

    static Map<Long, Integer> tokens(final BatchPlan plan) {
        return plan.entries().stream().collect(Collectors.toMap(PlanEntry::requestId, PlanEntry::tokens));
    }

    long count(final org.kvsched.core.model.RequestEventKind kind) {
        return events.stream().filter(e -> e.kind() == kind).count();
    }
}

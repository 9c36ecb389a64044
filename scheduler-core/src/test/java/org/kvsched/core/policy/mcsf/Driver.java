package org.kvsched.core.policy.mcsf;

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
import org.kvsched.core.model.RequestEventKind;
import org.kvsched.core.policy.Policy;

/** Steps one scheduler by hand with 1 ms iterations (the baselines' scenario style, with a chosen predictor). */
final class Driver {

    final Scheduler scheduler;
    final List<RequestEvent> events = new ArrayList<>();
    long now;

    Driver(final Policy policy, final int kvTokens, final int blockSize, final LengthPredictor predictor) {
        this.scheduler = new Scheduler(0, policy, kvTokens, blockSize, predictor, events::add);
    }

    Driver arrive(final long id, final int prompt, final int output) {
        scheduler.onArrival(new Request(id, now, prompt, output));
        return this;
    }

    BatchPlan plan() {
        return scheduler.schedule(now, Long.MAX_VALUE);
    }

    void finish(final BatchPlan plan, final int iterations) {
        final long[] ends = new long[iterations];
        for (int i = 0; i < iterations; i++) {
            ends[i] = now + (i + 1) * 1000L;
        }
        scheduler.onStepReport(new StepReport(0, plan.planId(), now, ends));
        now = ends[iterations - 1];
    }

    /** Plans and runs one iteration; returns tokens by request id. */
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

    long count(final RequestEventKind kind) {
        return events.stream().filter(e -> e.kind() == kind).count();
    }
}

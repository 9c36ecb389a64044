package org.kvsched.core.policy.wait;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.kvsched.core.engine.BatchPlan;
import org.kvsched.core.engine.PlanEntry;
import org.kvsched.core.engine.Scheduler;
import org.kvsched.core.engine.StepReport;
import org.kvsched.core.model.LengthPredictor;
import org.kvsched.core.model.Request;
import org.kvsched.core.model.RequestEvent;
import org.kvsched.core.model.RequestEventKind;
import org.kvsched.core.policy.Policy;

/** Test driver: feed requests, step one iteration at a time (1 ms each), look at what ran. */
public final class Stepper {

    public final Scheduler scheduler;
    public final List<RequestEvent> events = new ArrayList<>();
    private long now;

    public Stepper(final Policy policy, final int kvTokens, final int blockSize) {
        this.scheduler = new Scheduler(0, policy, kvTokens, blockSize, LengthPredictor.oracle(), events::add);
    }

    public Stepper arrive(final long id, final int prompt, final int output) {
        scheduler.onArrival(new Request(id, now, prompt, output));
        return this;
    }

    /** Declares the end of the trace. */
    public Stepper end() {
        scheduler.markArrivalsEnded();
        return this;
    }

    /** Runs one iteration; returns tokens by request id (empty when the policy idles). */
    public Map<Long, Integer> step() {
        final BatchPlan plan = scheduler.schedule(now, Long.MAX_VALUE);
        if (plan == null) {
            return Map.of();
        }
        final Map<Long, Integer> tokens = new TreeMap<>();
        for (final PlanEntry e : plan.entries()) {
            tokens.put(e.requestId(), e.tokens());
        }
        now += 1000;
        scheduler.onStepReport(new StepReport(0, plan.planId(), now - 1000, new long[] {now}));
        return tokens;
    }

    /** The plan's allowed continuation if planned now (for K checks); the plan is then run for one iteration. */
    public int continuationOfNextPlan() {
        final BatchPlan plan = scheduler.schedule(now, Long.MAX_VALUE);
        now += 1000;
        scheduler.onStepReport(new StepReport(0, plan.planId(), now - 1000, new long[] {now}));
        return plan.maxDecodeContinuation();
    }

    public long count(final RequestEventKind kind) {
        return events.stream().filter(e -> e.kind() == kind).count();
    }
}

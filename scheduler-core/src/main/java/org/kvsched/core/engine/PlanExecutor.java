package org.kvsched.core.engine;

import java.util.ArrayList;
import java.util.List;

import org.kvsched.core.exec.BatchShape;
import org.kvsched.core.exec.ExecutionTimeModel;
import org.kvsched.core.exec.PrefillChunk;

/**
 * Runs a {@link BatchPlan} on a simulated GPU: the one piece of worker logic shared by the in-memory
 * engine and the Kafka worker service, so both produce the same {@link StepReport} for the same plan.
 *
 * <p>Cost: O(entries) for the explicit iteration and O(1) per continuation iteration (a pure-decode
 * batch changes only by one token of context per request per iteration).
 */
public final class PlanExecutor {

    private final ExecutionTimeModel model;

    public PlanExecutor(final ExecutionTimeModel model) {
        this.model = model;
    }

    /** Executes the plan and reports every iteration's end time. */
    public StepReport execute(final BatchPlan plan) {
        final List<PrefillChunk> prefills = new ArrayList<>();
        int decodes = 0;
        long decodeContext = 0;
        boolean anyCompletes = false;
        int emitting = 0;
        long nextContext = 0;
        int minRemaining = Integer.MAX_VALUE;
        for (final PlanEntry e : plan.entries()) {
            if (e.isDecode()) {
                decodes++;
                decodeContext += e.computedBefore() + 1L;
            } else {
                prefills.add(new PrefillChunk(e.tokens(), e.computedBefore()));
            }
            if (e.emitsToken()) {
                anyCompletes |= e.completesInExplicitIteration();
                emitting++;
                // Context of this request's first continuation decode: everything computed so far plus the new token.
                nextContext += e.computedBefore() + e.tokens() + 1L;
                minRemaining = Math.min(minRemaining, e.remainingAfterExplicit());
            }
        }
        final long[] ends = new long[1 + (anyCompletes || emitting == 0 ? 0 : Math.min(plan.maxDecodeContinuation(), minRemaining))];
        long t = plan.startUs() + model.iterationMicros(new BatchShape(prefills, decodes, decodeContext));
        ends[0] = t;
        int n = 1;
        while (n < ends.length && t < plan.stopAtUs()) {
            t += model.iterationMicros(BatchShape.decodeOnly(emitting, nextContext));
            ends[n++] = t;
            nextContext += emitting;
        }
        return new StepReport(plan.replicaId(), plan.planId(), plan.startUs(), n == ends.length ? ends : java.util.Arrays.copyOf(ends, n));
    }
}

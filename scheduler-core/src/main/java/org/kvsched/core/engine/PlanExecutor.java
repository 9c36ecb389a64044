package org.kvsched.core.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongToIntFunction;

import org.kvsched.core.exec.BatchShape;
import org.kvsched.core.exec.ExecutionTimeModel;
import org.kvsched.core.exec.PrefillChunk;

/**
 * Runs a {@link BatchPlan} on a simulated GPU: the one piece of simulated-worker logic shared by the
 * in-memory engine and the Kafka worker service, so both produce the same {@link StepReport} for the same
 * plan.
 *
 * <p>It alone knows each request's true output length (the simulation's ground truth, handed in per plan):
 * a request ends when it reaches it, with reason {@code eos} if that is below the request's cap and
 * {@code length} at the cap, and the continuation stops after the iteration in which any request ends.
 *
 * <p>Cost: O(entries) for the explicit iteration and O(1) per continuation iteration (a pure-decode
 * batch changes only by one token of context per request per iteration).
 */
public final class PlanExecutor {

    private final ExecutionTimeModel model;

    public PlanExecutor(final ExecutionTimeModel model) {
        this.model = model;
    }

    /**
     * Executes the plan and reports every iteration's end time and each request's progress.
     *
     * @param plan             the plan
     * @param trueOutputTokens the true output length of a request of the plan; a value &lt; 1 (unknown) means its cap
     */
    public StepReport execute(final BatchPlan plan, final LongToIntFunction trueOutputTokens) {
        final List<PrefillChunk> prefills = new ArrayList<>();
        int decodes = 0;
        long decodeContext = 0;
        boolean anyEnds = false;
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
                final int remaining = truth(plan, e, trueOutputTokens) - e.generatedBefore() - 1;
                anyEnds |= remaining == 0;
                emitting++;
                // Context of this request's first continuation decode: everything computed so far plus the new token.
                nextContext += e.computedBefore() + e.tokens() + 1L;
                minRemaining = Math.min(minRemaining, remaining);
            }
        }
        final long[] ends = new long[1 + (anyEnds || emitting == 0 ? 0 : Math.min(plan.maxDecodeContinuation(), minRemaining))];
        long t = plan.startUs() + model.iterationMicros(new BatchShape(prefills, decodes, decodeContext));
        ends[0] = t;
        int n = 1;
        while (n < ends.length && t < plan.stopAtUs()) {
            t += model.iterationMicros(BatchShape.decodeOnly(emitting, nextContext));
            ends[n++] = t;
            nextContext += emitting;
        }
        return report(plan, n == ends.length ? ends : Arrays.copyOf(ends, n), trueOutputTokens);
    }

    /**
     * The report of a plan whose iterations ended at {@code ends}: every request that emits in the explicit
     * iteration generated one token per iteration, and ends (reason {@code eos} below its cap, {@code length}
     * at it) when it reaches its true length. The worker stops after such an iteration, so none goes past it.
     *
     * @throws IllegalStateException if the iterations would take a request past its true length
     */
    public static StepReport report(final BatchPlan plan, final long[] ends, final LongToIntFunction trueOutputTokens) {
        final int n = ends.length;
        final List<TokenProgress> progress = new ArrayList<>();
        for (final PlanEntry e : plan.entries()) {
            if (!e.emitsToken()) {
                continue;
            }
            final int truth = truth(plan, e, trueOutputTokens);
            if (e.generatedBefore() + n > truth) {
                throw new IllegalStateException("plan " + plan.planId() + " ran " + n + " iterations, past the " + truth
                        + " output tokens of request " + e.requestId());
            }
            final long first = e.generatedBefore() == 0 ? ends[0] : TokenProgress.NONE;
            final FinishReason why = e.generatedBefore() + n < truth ? null
                    : truth == e.maxTokens() ? FinishReason.LENGTH : FinishReason.EOS;
            progress.add(new TokenProgress(e.requestId(), n, first, why, ""));
        }
        return new StepReport(plan.replicaId(), plan.planId(), plan.startUs(), ends, progress);
    }

    private static int truth(final BatchPlan plan, final PlanEntry e, final LongToIntFunction trueOutputTokens) {
        final int known = trueOutputTokens.applyAsInt(e.requestId());
        final int truth = known < 1 ? e.maxTokens() : Math.min(known, e.maxTokens());
        if (truth <= e.generatedBefore()) {
            throw new IllegalStateException("plan " + plan.planId() + " decodes request " + e.requestId() + " past its "
                    + truth + " output tokens");
        }
        return truth;
    }
}

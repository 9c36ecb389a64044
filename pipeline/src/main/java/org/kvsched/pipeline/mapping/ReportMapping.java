package org.kvsched.pipeline.mapping;

import java.util.ArrayList;
import java.util.List;

import org.kvsched.core.engine.BatchPlan;
import org.kvsched.core.engine.FinishReason;
import org.kvsched.core.engine.PlanExecutor;
import org.kvsched.core.engine.StepReport;
import org.kvsched.core.engine.TokenProgress;

/** Step reports, both directions: workers encode them, the scheduler (and its replica log) decodes them. */
public final class ReportMapping {

    private ReportMapping() {
    }

    /** The record of a core report (progress always filled in). */
    public static org.kvsched.schemas.avro.StepReport encode(final StepReport r) {
        final List<Long> ends = new ArrayList<>(r.iterations());
        for (int i = 0; i < r.iterations(); i++) {
            ends.add(r.iterationEndUs(i));
        }
        final List<org.kvsched.schemas.avro.TokenProgress> progress = new ArrayList<>(r.progress().size());
        for (final TokenProgress p : r.progress()) {
            progress.add(new org.kvsched.schemas.avro.TokenProgress(p.requestId(), p.outputTokens(), p.firstTokenUs(),
                    p.finish() == null ? null : p.finish().wireName(), p.message()));
        }
        return new org.kvsched.schemas.avro.StepReport(r.replicaId(), r.planId(), r.startUs(), ends, progress);
    }

    /**
     * A core report from its record. A v1 report (no progress) means what the v1 contract said: every
     * request that emitted decoded once per iteration and ended at its cap, which is what a simulated
     * worker whose true lengths are the caps reports.
     *
     * @param plan the plan the report answers (used only for a v1 report; null if unknown)
     * @throws IllegalArgumentException if the record is invalid (no iteration, decreasing times, bad finish reason)
     */
    public static StepReport decode(final org.kvsched.schemas.avro.StepReport r, final BatchPlan plan) {
        final long[] times = new long[r.getIterationEndUs().size()];
        for (int i = 0; i < times.length; i++) {
            times[i] = r.getIterationEndUs().get(i);
        }
        if (r.getProgress() == null) {
            if (plan == null || plan.planId() != r.getPlanId()) {
                return new StepReport(r.getReplicaId(), r.getPlanId(), r.getStartUs(), times, List.of());
            }
            return PlanExecutor.report(plan, times, id -> -1);
        }
        final List<TokenProgress> progress = new ArrayList<>(r.getProgress().size());
        for (final org.kvsched.schemas.avro.TokenProgress p : r.getProgress()) {
            progress.add(new TokenProgress(p.getRequestId(), p.getOutputTokens(), p.getFirstTokenUs(),
                    p.getFinishReason() == null ? null : FinishReason.parse(p.getFinishReason()), p.getMessage()));
        }
        return new StepReport(r.getReplicaId(), r.getPlanId(), r.getStartUs(), times, progress);
    }
}

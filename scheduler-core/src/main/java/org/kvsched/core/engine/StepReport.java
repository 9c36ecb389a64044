package org.kvsched.core.engine;

import java.util.Arrays;
import java.util.List;

/**
 * A worker's answer to one {@link BatchPlan}: when each iteration it ran ended, and per request of the
 * plan how many output tokens it generated, when its first token came and whether and why it finished.
 *
 * <p>Iteration 0 is the explicit one; iterations 1.. are continuation decodes. A worker that does not
 * see iterations (a real inference server batches by itself) reports the plan's end as its only
 * iteration. A request of the plan that the report does not mention generated nothing and goes on; if its entry
 * should have sampled a token, the entry did not run (a server may answer before its next token) and stays pending.
 * Immutable: the array is copied in.
 */
public final class StepReport {

    private final int replicaId;
    private final long planId;
    private final long startUs;
    private final long[] iterationEndUs;
    private final List<TokenProgress> progress;

    /**
     * @param replicaId      the replica
     * @param planId         the plan answered
     * @param startUs        start of the explicit iteration, microseconds
     * @param iterationEndUs end time of each iteration, increasing, at least one
     * @param progress       per-request progress, at most one per request of the plan
     */
    public StepReport(final int replicaId, final long planId, final long startUs, final long[] iterationEndUs,
                      final List<TokenProgress> progress) {
        if (iterationEndUs.length == 0) {
            throw new IllegalArgumentException("a step report has at least one iteration");
        }
        long previous = startUs;
        for (final long end : iterationEndUs) {
            if (end < previous) {
                throw new IllegalArgumentException("step report of plan " + planId + ": iteration end times must not decrease");
            }
            previous = end;
        }
        this.replicaId = replicaId;
        this.planId = planId;
        this.startUs = startUs;
        this.iterationEndUs = iterationEndUs.clone();
        this.progress = List.copyOf(progress);
    }

    public int replicaId() {
        return replicaId;
    }

    public long planId() {
        return planId;
    }

    public long startUs() {
        return startUs;
    }

    /** Number of iterations run (1 + continuation iterations). */
    public int iterations() {
        return iterationEndUs.length;
    }

    /** End of iteration {@code i}, microseconds. */
    public long iterationEndUs(final int i) {
        return iterationEndUs[i];
    }

    /** End of the last iteration, microseconds. */
    public long endUs() {
        return iterationEndUs[iterationEndUs.length - 1];
    }

    /** A copy of all iteration end times. */
    public long[] iterationEndTimes() {
        return iterationEndUs.clone();
    }

    /** Per-request progress, in the worker's order. */
    public List<TokenProgress> progress() {
        return progress;
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof StepReport r && r.replicaId == replicaId && r.planId == planId && r.startUs == startUs
                && Arrays.equals(r.iterationEndUs, iterationEndUs) && r.progress.equals(progress);
    }

    @Override
    public int hashCode() {
        return (Long.hashCode(planId) * 31 + Arrays.hashCode(iterationEndUs)) * 31 + progress.hashCode();
    }

    @Override
    public String toString() {
        return "StepReport[replica=" + replicaId + ", plan=" + planId + ", start=" + startUs + "us, iterations="
                + iterationEndUs.length + ", end=" + endUs() + "us, progress=" + progress.size() + "]";
    }
}

package org.kvsched.worker.mapping;

import java.util.ArrayList;
import java.util.List;

import org.kvsched.core.engine.BatchPlan;
import org.kvsched.core.engine.PlanEntry;
import org.kvsched.core.engine.StepReport;

/** Avro plans in, Avro reports out: the worker's edge between wire types and core types. */
public final class WorkerMapping {

    private WorkerMapping() {
    }

    public static BatchPlan plan(final org.kvsched.schemas.avro.BatchPlan p) {
        final List<PlanEntry> entries = new ArrayList<>(p.getEntries().size());
        for (final org.kvsched.schemas.avro.PlanEntry e : p.getEntries()) {
            entries.add(new PlanEntry(e.getRequestId(), e.getTokens(), e.getComputedBefore(), e.getPromptTokens(),
                    e.getGeneratedBefore(), e.getOutputTokens()));
        }
        return new BatchPlan(p.getReplicaId(), p.getPlanId(), p.getStartUs(), entries, p.getMaxDecodeContinuation(), p.getStopAtUs());
    }

    public static org.kvsched.schemas.avro.StepReport report(final StepReport r) {
        final long[] times = r.iterationEndTimes();
        final List<Long> ends = new ArrayList<>(times.length);
        for (final long t : times) {
            ends.add(t);
        }
        return new org.kvsched.schemas.avro.StepReport(r.replicaId(), r.planId(), r.startUs(), ends);
    }
}

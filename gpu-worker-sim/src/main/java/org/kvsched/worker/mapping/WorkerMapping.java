package org.kvsched.worker.mapping;

import java.util.HashMap;
import java.util.Map;
import org.kvsched.core.engine.TokenProgress;
import java.nio.ByteBuffer;
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
                    e.getGeneratedBefore(), e.getMaxTokens()));
        }
        return new BatchPlan(p.getReplicaId(), p.getPlanId(), p.getStartUs(), entries, p.getMaxDecodeContinuation(), p.getStopAtUs(), p.getPreempted());
    }

    /** Each entry's opaque worker payload by request id (entries without one are absent). */
    public static Map<Long, ByteBuffer> payloads(final org.kvsched.schemas.avro.BatchPlan p) {
        final Map<Long, ByteBuffer> payloads = new HashMap<>();
        for (final org.kvsched.schemas.avro.PlanEntry e : p.getEntries()) {
            if (e.getWorkerPayload() != null) {
                payloads.put(e.getRequestId(), e.getWorkerPayload());
            }
        }
        return payloads;
    }

    public static org.kvsched.schemas.avro.StepReport report(final StepReport r) {
        final long[] times = r.iterationEndTimes();
        final List<Long> ends = new ArrayList<>(times.length);
        for (final long t : times) {
            ends.add(t);
        }
        final List<org.kvsched.schemas.avro.TokenProgress> progress = new ArrayList<>(r.progress().size());
        for (final TokenProgress t : r.progress()) {
            progress.add(new org.kvsched.schemas.avro.TokenProgress(t.requestId(), t.outputTokens(), t.firstTokenUs(),
                    t.finish() == null ? null : t.finish().wireName(), t.message()));
        }
        return new org.kvsched.schemas.avro.StepReport(r.replicaId(), r.planId(), r.startUs(), ends, progress);
    }
}

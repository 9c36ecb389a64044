package org.kvsched.pipeline.mapping;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

import org.kvsched.core.engine.BatchPlan;
import org.kvsched.core.engine.PlanEntry;

/**
 * Batch plans, both directions: the scheduler encodes them (each entry with its request's opaque worker payload),
 * workers and the scheduler's replica log decode them.
 */
public final class PlanMapping {

    private PlanMapping() {
    }

    /** The record of a plan, each entry with its request's worker payload ({@code payloadOf} may return null). */
    public static org.kvsched.schemas.avro.BatchPlan encode(final BatchPlan p, final LongFunction<ByteBuffer> payloadOf) {
        final List<org.kvsched.schemas.avro.PlanEntry> entries = new ArrayList<>(p.entries().size());
        for (final PlanEntry e : p.entries()) {
            final ByteBuffer payload = payloadOf.apply(e.requestId());
            entries.add(new org.kvsched.schemas.avro.PlanEntry(e.requestId(), e.tokens(), e.computedBefore(), e.promptTokens(),
                    e.generatedBefore(), e.maxTokens(), payload == null ? null : payload.duplicate()));
        }
        return new org.kvsched.schemas.avro.BatchPlan(p.replicaId(), p.planId(), p.startUs(), entries, p.maxDecodeContinuation(), p.stopAtUs(),
                p.preempted());
    }

    /** A core plan from its record (payloads dropped: see {@link #payloads}). */
    public static BatchPlan decode(final org.kvsched.schemas.avro.BatchPlan p) {
        final List<PlanEntry> entries = new ArrayList<>(p.getEntries().size());
        for (final org.kvsched.schemas.avro.PlanEntry e : p.getEntries()) {
            entries.add(new PlanEntry(e.getRequestId(), e.getTokens(), e.getComputedBefore(), e.getPromptTokens(), e.getGeneratedBefore(),
                    e.getMaxTokens()));
        }
        return new BatchPlan(p.getReplicaId(), p.getPlanId(), p.getStartUs(), entries, p.getMaxDecodeContinuation(), p.getStopAtUs(),
                p.getPreempted());
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
}

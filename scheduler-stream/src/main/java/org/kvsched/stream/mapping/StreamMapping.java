package org.kvsched.stream.mapping;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

import org.kvsched.core.engine.BatchPlan;
import org.kvsched.core.engine.FinishReason;
import org.kvsched.core.engine.PlanEntry;
import org.kvsched.core.engine.PlanExecutor;
import org.kvsched.core.engine.StepReport;
import org.kvsched.core.engine.StepSummary;
import org.kvsched.core.engine.TokenProgress;
import org.kvsched.core.model.Request;
import org.kvsched.core.model.RequestEvent;
import org.kvsched.schemas.avro.RequestArrival;
import org.kvsched.schemas.avro.RequestEventKind;

/**
 * The anti-corruption layer of the scheduler service: Avro records in, core types out, and back.
 * Only this package knows both type families; the processor works on core types. The worker payload of
 * an arrival is not part of the core request: the processor keeps it aside and this class puts it back
 * into plan entries.
 */
public final class StreamMapping {

    private StreamMapping() {
    }

    /** A request from its arrival record; throws IllegalArgumentException (with the reason) if invalid. */
    public static Request request(final RequestArrival a) {
        return new Request(a.getRequestId(), a.getArrivalUs(), a.getPromptTokens(), a.getMaxTokens(), a.getPredictedOutputTokens());
    }

    /** The arrival record of a request, with its worker payload (null if none). */
    public static RequestArrival arrival(final Request r, final ByteBuffer payload) {
        return new RequestArrival(r.id(), r.arrivalUs(), r.promptTokens(), r.maxTokens(), r.predictedOutputTokens(), payload);
    }

    /**
     * A core report from its record. A v1 report (no progress) means what the v1 contract said: every
     * request that emitted decoded once per iteration and ended at its cap, which is what a simulated
     * worker whose true lengths are the caps reports.
     *
     * @param plan the plan the report answers (used only for a v1 report; null if unknown)
     * @throws IllegalArgumentException if the record is invalid (no iteration, decreasing times, bad finish reason)
     */
    public static StepReport report(final org.kvsched.schemas.avro.StepReport r, final BatchPlan plan) {
        final long[] times = times(r.getIterationEndUs());
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

    /** The record of a core report (progress always filled in). */
    public static org.kvsched.schemas.avro.StepReport report(final StepReport r) {
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

    private static long[] times(final List<Long> ends) {
        final long[] times = new long[ends.size()];
        for (int i = 0; i < times.length; i++) {
            times[i] = ends.get(i);
        }
        return times;
    }

    /** The record of a plan, each entry with its request's worker payload ({@code payloadOf} may return null). */
    public static org.kvsched.schemas.avro.BatchPlan plan(final BatchPlan p, final LongFunction<ByteBuffer> payloadOf) {
        final List<org.kvsched.schemas.avro.PlanEntry> entries = new ArrayList<>(p.entries().size());
        for (final PlanEntry e : p.entries()) {
            final ByteBuffer payload = payloadOf.apply(e.requestId());
            entries.add(new org.kvsched.schemas.avro.PlanEntry(e.requestId(), e.tokens(), e.computedBefore(), e.promptTokens(),
                    e.generatedBefore(), e.maxTokens(), payload == null ? null : payload.duplicate()));
        }
        return new org.kvsched.schemas.avro.BatchPlan(p.replicaId(), p.planId(), p.startUs(), entries, p.maxDecodeContinuation(), p.stopAtUs(), p.preempted());
    }

    /** A core plan from its record (payloads dropped). */
    public static BatchPlan plan(final org.kvsched.schemas.avro.BatchPlan p) {
        final List<PlanEntry> entries = new ArrayList<>(p.getEntries().size());
        for (final org.kvsched.schemas.avro.PlanEntry e : p.getEntries()) {
            entries.add(new PlanEntry(e.getRequestId(), e.getTokens(), e.getComputedBefore(), e.getPromptTokens(), e.getGeneratedBefore(),
                    e.getMaxTokens()));
        }
        return new BatchPlan(p.getReplicaId(), p.getPlanId(), p.getStartUs(), entries, p.getMaxDecodeContinuation(), p.getStopAtUs(), p.getPreempted());
    }

    public static org.kvsched.schemas.avro.RequestEvent event(final RequestEvent e) {
        return new org.kvsched.schemas.avro.RequestEvent(RequestEventKind.valueOf(e.kind().name()), e.requestId(), e.replicaId(), e.timeUs(),
                e.promptTokens(), e.maxTokens(), e.generatedTokens(), e.reason());
    }

    public static org.kvsched.schemas.avro.StepSummary summary(final StepSummary s) {
        return new org.kvsched.schemas.avro.StepSummary(s.replicaId(), s.planId(), s.startUs(), s.endUs(), s.iterations(), s.blockMicros(),
                s.peakBlocks(), s.blocksAfter(), s.capacityBlocks(), s.blockSize(), s.prefillTokens(), s.decodeTokens(), s.batchSize());
    }
}
